import type { ColumnSpec, Row } from './schema';
import { ShardWriter, type ShardWriterOptions } from './shard-writer';
import type { ShardEntry } from './manifest';

/** Folder, inside a stage's output dataset, of the ledger of removed rows. */
export const LEDGER_DIR = 'ledger';
/** Folder, inside a stage's output dataset, of the quarantine of bad input. */
export const QUARANTINE_DIR = 'quarantine';

/** Columns of a ledger dataset: one row per removed document. */
export const LEDGER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id', type: 'utf8', nullable: false, description: 'id of the removed document' },
  { name: 'stage', type: 'utf8', nullable: false, description: 'stage that removed it' },
  { name: 'reason', type: 'utf8', nullable: false, description: 'rule that decided, e.g. gopher_mean_word_length' },
  { name: 'signals', type: 'utf8', nullable: false, description: 'JSON object of the deciding signal values' },
  { name: 'source', type: 'utf8', nullable: true, description: 'source of the removed document' },
  { name: 'text', type: 'utf8', nullable: true, description: 'its text, when the stage keeps texts in the ledger' },
];

/** Columns of a quarantine dataset: one row per bad input record. */
export const QUARANTINE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'source', type: 'utf8', nullable: false, description: 'file or URL of the bad record' },
  { name: 'offset', type: 'int64', nullable: true, description: 'byte offset of the record in the source' },
  { name: 'line', type: 'int64', nullable: true, description: '1-based line of the record in the source' },
  { name: 'code', type: 'utf8', nullable: false, description: 'stable error code' },
  { name: 'message', type: 'utf8', nullable: false, description: 'what was wrong' },
  { name: 'raw', type: 'binary', nullable: true, description: 'the raw bytes, up to the quarantine byte limit' },
  { name: 'raw_bytes', type: 'int64', nullable: true, description: 'size of the raw record before truncation' },
];

/** A removal to record. */
export interface LedgerEntry {
  id: string;
  reason: string;
  /** The values that decided it (e.g. `{ gopher_mean_word_length: 2.1, threshold: 3 }`). */
  signals?: Record<string, unknown>;
  source?: string | null;
  text?: string | null;
}

/** A bad input record to keep. */
export interface QuarantineEntry {
  source: string;
  offset?: number | null;
  line?: number | null;
  code: string;
  message: string;
  raw?: Uint8Array | string | null;
}

/**
 * Shared part of the ledger and quarantine writers: a shard writer with fixed
 * columns, and a count of rows per key (reason or error code).
 */
abstract class CountingWriter {
  protected readonly writer: ShardWriter;
  private readonly tally = new Map<string, number>();

  protected constructor(options: Omit<ShardWriterOptions, 'columns'>, columns: readonly ColumnSpec[]) {
    this.writer = new ShardWriter({ ...options, columns });
  }

  protected record(row: Row, key: string): void {
    this.writer.write(row);
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
  }

  /** Rows so far by key (reason or code), keys sorted. */
  get counts(): Record<string, number> {
    return Object.fromEntries([...this.tally].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Completes the shards. */
  async close(): Promise<ShardEntry[]> {
    return this.writer.close();
  }

  /** Drops the shard in progress. */
  abort(): void {
    this.writer.abort();
  }
}

/** What callers pass to {@link LedgerWriter}. */
export interface LedgerWriterOptions extends Omit<ShardWriterOptions, 'columns'> {
  /** Name of the stage writing the ledger. */
  stage: string;
  /** Keep the removed document's text (default true). */
  keepText?: boolean;
}

/**
 * Writes the ledger of removed rows: id, stage, reason, deciding signals and
 * (optionally) the text, so nothing disappears without a reason.
 *
 * @example
 * ```ts
 * const ledger = new LedgerWriter({ dir: 'out/ledger', stage: 'gopher' })
 * ledger.add({ id: doc.id, reason: 'gopher_mean_word_length', signals: { value: 2.1, min: 3 }, text: doc.text })
 * await ledger.close()
 * ```
 */
export class LedgerWriter extends CountingWriter {
  constructor(private readonly options: LedgerWriterOptions) {
    const { stage: _s, keepText: _k, ...rest } = options;
    super(rest, LEDGER_COLUMNS);
  }

  /** Records one removal. */
  add(entry: LedgerEntry): void {
    this.record(
      {
        id: entry.id,
        stage: this.options.stage,
        reason: entry.reason,
        signals: JSON.stringify(entry.signals ?? {}, jsonReplacer),
        source: entry.source ?? null,
        text: this.options.keepText === false ? null : (entry.text ?? null),
      },
      entry.reason,
    );
  }
}

/** Default cap on raw bytes kept per quarantined record: 64 KiB. */
export const DEFAULT_QUARANTINE_RAW_LIMIT = 64 * 1024;

/** What callers pass to {@link QuarantineWriter}. */
export interface QuarantineWriterOptions extends Omit<ShardWriterOptions, 'columns'> {
  /** Raw bytes kept per record (default {@link DEFAULT_QUARANTINE_RAW_LIMIT}). */
  rawLimit?: number;
}

/**
 * Writes the quarantine of bad input: source, offset or line, error code,
 * message, and the raw bytes up to a limit.
 *
 * @example
 * ```ts
 * const q = new QuarantineWriter({ dir: 'out/quarantine' })
 * q.add({ source: 'a.jsonl', line: 17, code: 'INGEST_BAD_JSON', message: 'Unexpected token', raw: lineText })
 * ```
 */
export class QuarantineWriter extends CountingWriter {
  private readonly rawLimit: number;

  constructor(options: QuarantineWriterOptions) {
    const { rawLimit = DEFAULT_QUARANTINE_RAW_LIMIT, ...rest } = options;
    if (!(Number.isInteger(rawLimit) && rawLimit >= 0)) {
      throw new RangeError(`QuarantineWriter: rawLimit must be a non-negative integer, got ${String(options.rawLimit)}.`);
    }
    super(rest, QUARANTINE_COLUMNS);
    this.rawLimit = rawLimit;
  }

  /** Records one bad input record. */
  add(entry: QuarantineEntry): void {
    const raw = typeof entry.raw === 'string' ? Buffer.from(entry.raw, 'utf8') : (entry.raw ?? null);
    this.record(
      {
        source: entry.source,
        offset: entry.offset ?? null,
        line: entry.line ?? null,
        code: entry.code,
        message: entry.message,
        raw: raw === null ? null : raw.subarray(0, this.rawLimit),
        raw_bytes: raw === null ? null : raw.byteLength,
      },
      entry.code,
    );
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Turns a ledger row back into an entry with parsed signals. */
export function ledgerEntryFromRow(row: Row): LedgerEntry & { stage: string } {
  return {
    id: String(row['id']),
    stage: String(row['stage']),
    reason: String(row['reason']),
    signals: JSON.parse(String(row['signals'])) as Record<string, unknown>,
    source: (row['source'] as string | null) ?? null,
    text: (row['text'] as string | null) ?? null,
  };
}
