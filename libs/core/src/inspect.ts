/**
 * What is in a dataset: schema, shards, the stage that wrote it, per-column
 * statistics from one streaming pass, sample rows, and the ledger and
 * quarantine summaries. Also a shard-by-shard checksum report.
 */
import { join } from 'node:path';
import type { Data, RecordBatch } from 'apache-arrow';
import { batchRows, openDataset, type Dataset } from './dataset';
import { ManifestError, serializeError, type SerializedError } from './errors';
import { formatCount } from './format';
import { MANIFEST_FILE, type Manifest, type StageRecord } from './manifest';
import type { ColumnType, Row } from './schema';

/** Distinct values a string column's top-value counter tracks at most (Misra–Gries counters). */
export const TOP_VALUE_CAPACITY = 10_000;
/**
 * A string column gets top values only while every value is at most this many
 * characters; a column with a longer value (document text, HTML) is free text
 * and reports length statistics only.
 */
export const TOP_VALUE_MAX_CHARS = 256;
/** Default number of top values reported per string column. */
export const DEFAULT_TOP_VALUES = 10;
/** Default number of sample rows. */
export const DEFAULT_SAMPLE_ROWS = 3;
/** Characters of a string kept in a sample row; longer strings are truncated for display. */
export const SAMPLE_MAX_CHARS = 200;
/** Items of a list (or bytes of a binary value) shown in a sample row. */
export const SAMPLE_MAX_ITEMS = 16;

/** What callers pass to {@link inspectDataset}. */
export interface InspectOptions {
  /** Sample rows to include: the first N of the dataset (default {@link DEFAULT_SAMPLE_ROWS}). */
  sample?: number;
  /** Checksum each shard (and the ledger's and quarantine's) before reading it (default false). */
  verify?: boolean;
  /** Top values reported per short-string column (default {@link DEFAULT_TOP_VALUES}). */
  topValues?: number;
  /** Called after each record batch with the rows and (approximate) shard bytes it covered. */
  onProgress?: (delta: { rows: number; bytes: number }) => void;
  /** Stops the scan. */
  signal?: AbortSignal;
}

/** {@link InspectOptions} after defaults. */
export interface ResolvedInspectOptions {
  sample: number;
  verify: boolean;
  topValues: number;
  onProgress: ((delta: { rows: number; bytes: number }) => void) | undefined;
  signal: AbortSignal | undefined;
}

/** Minimum, maximum and mean of some values; `null` where there were none. */
export interface RangeStats {
  min: number;
  max: number;
  mean: number;
}

/** The most frequent values of a short-string column. */
export interface TopValues {
  /** Up to `topValues` entries, most frequent first (ties in code-unit order of the value). */
  values: { value: string; count: number }[];
  /**
   * True when no counter was ever evicted: counts and `distinct` are exact.
   * Otherwise each count may be low by at most `maxUndercount`.
   */
  exact: boolean;
  /**
   * Bound on how much any reported count is below the true count (the number
   * of Misra–Gries decrement rounds, at most non-null values / (capacity + 1)).
   * Every value whose true count exceeds it is in the tracked set.
   */
  maxUndercount: number;
  /** Number of distinct values when exact, else `null` (more than {@link TOP_VALUE_CAPACITY}). */
  distinct: number | null;
}

/** Statistics of one column, by kind of type. */
export type ColumnStats =
  | {
      kind: 'number';
      /** Range and mean of the non-null, non-NaN values (int64 converted to numbers: exact up to 2^53). */
      values: RangeStats | null;
      /** NaN values (floats only), not part of `values`. */
      nans: number;
    }
  | {
      kind: 'string';
      /** Length in characters (Unicode code points). */
      length: RangeStats | null;
      /** `null` when the column is free text (a value longer than {@link TOP_VALUE_MAX_CHARS}). */
      top: TopValues | null;
    }
  | { kind: 'bool'; true: number; false: number }
  | {
      kind: 'list';
      /** Items per list. */
      length: RangeStats | null;
    }
  | {
      kind: 'binary';
      /** Bytes per value. */
      length: RangeStats | null;
    };

/** One column: its declaration, null count and statistics. */
export interface ColumnReport {
  name: string;
  type: ColumnType;
  nullable: boolean;
  description?: string;
  /** Non-null values. */
  count: number;
  nulls: number;
  stats: ColumnStats;
}

/** Shard count and size distribution. */
export interface ShardSummary {
  count: number;
  /** Record batches in all shards. */
  batches: number;
  rows: RangeStats | null;
  bytes: RangeStats | null;
}

/** Removals recorded in a stage's ledger. */
export interface LedgerSummary {
  /** Folder of the ledger dataset. */
  path: string;
  rows: number;
  bytes: number;
  /** Removals by stage and reason, most first. */
  reasons: { stage: string; reason: string; rows: number }[];
}

/** Bad input recorded in a stage's quarantine. */
export interface QuarantineSummary {
  /** Folder of the quarantine dataset. */
  path: string;
  rows: number;
  bytes: number;
  /** Records by error code, most first. */
  codes: { code: string; rows: number }[];
}

/** A value made fit for display: long strings, lists and bytes shortened to text. */
export type DisplayValue = string | number | boolean | null;

/** What {@link inspectDataset} reports. */
export interface DatasetReport {
  /** Absolute path of the dataset folder. */
  path: string;
  kind: string;
  schemaVersion: number;
  codeVersion: string;
  createdAt: string;
  /** The stage that wrote it: name, version, config and fingerprint. */
  stage: StageRecord;
  inputs: Manifest['inputs'];
  rows: number;
  bytes: number;
  shards: ShardSummary;
  columns: ColumnReport[];
  /** The first rows, for display (see {@link displayValue}). */
  samples: Record<string, DisplayValue>[];
  /** `null` when the dataset has no ledger (it was not written by a stage). */
  ledger: LedgerSummary | null;
  quarantine: QuarantineSummary | null;
  /** The manifest's summary stats, as written. */
  stats: Record<string, unknown>;
  /** Whether every shard's checksum was verified during this scan. */
  verified: boolean;
}

/**
 * Resolves and validates {@link InspectOptions}.
 *
 * @param options - what the caller passed.
 * @returns the options with defaults.
 * @throws RangeError naming a field that is not a non-negative integer.
 * @example
 * ```ts
 * resolveInspectOptions({ sample: 5 }) // { sample: 5, verify: false, topValues: 10, ... }
 * ```
 */
export function resolveInspectOptions(options: InspectOptions = {}): ResolvedInspectOptions {
  const resolved: ResolvedInspectOptions = {
    sample: options.sample ?? DEFAULT_SAMPLE_ROWS,
    verify: options.verify ?? false,
    topValues: options.topValues ?? DEFAULT_TOP_VALUES,
    onProgress: options.onProgress,
    signal: options.signal,
  };
  for (const key of ['sample', 'topValues'] as const) {
    const v = resolved[key];
    if (!(Number.isInteger(v) && v >= 0))
      throw new RangeError(`inspectDataset: ${key} must be an integer >= 0, got ${String(options[key])}.`);
  }
  return resolved;
}

/**
 * Inspects a dataset in one streaming pass over its record batches (a batch at
 * a time, never all rows): schema, shard sizes, the writing stage, per-column
 * statistics, the first rows, and the ledger's and quarantine's summaries.
 *
 * Per column: nulls; numbers: min/max/mean; strings: length in characters and
 * the most frequent values; lists: items per list; binary: bytes per value.
 * Top values are counted with the Misra–Gries algorithm over at most
 * {@link TOP_VALUE_CAPACITY} counters (exact until a column has more distinct
 * values than that; otherwise each count is low by at most
 * `top.maxUndercount`), and only for columns whose values are all at most
 * {@link TOP_VALUE_MAX_CHARS} characters: free text like `text` gets length
 * statistics only.
 *
 * @param dir - the dataset folder.
 * @param options - sample rows, checksum verification, top values, progress, abort signal.
 * @returns the report (plain JSON-serializable data).
 * @throws DatasetNotFoundError, ManifestError, ShardChecksumError, ShardReadError; RangeError for bad options.
 * @example
 * ```ts
 * const report = await inspectDataset('datasets/spamassassin', { sample: 2 })
 * console.log(report.rows, report.columns.find((c) => c.name === 'text')?.stats)
 * for (const r of report.ledger?.reasons ?? []) console.log(r.stage, r.reason, r.rows)
 * ```
 */
export async function inspectDataset(dir: string, options: InspectOptions = {}): Promise<DatasetReport> {
  const opts = resolveInspectOptions(options);
  const ds = await openDataset(dir);
  const m = ds.manifest;
  const accumulators = m.columns.map((c) => makeAccumulator(c.type));
  const samples: Record<string, DisplayValue>[] = [];
  let scanned = 0;
  for await (const { batch, shard } of ds.batches({ verify: opts.verify, signal: opts.signal })) {
    for (const [i, c] of m.columns.entries()) {
      const vector = batch.getChild(c.name);
      if (vector === null)
        throw new ManifestError(join(ds.dir, m.shards[shard]!.file), `column "${c.name}" is in the manifest but not in the shard`);
      for (const data of vector.data as Data[]) accumulators[i]!.add(data);
    }
    if (samples.length < opts.sample) takeSamples(batch, opts.sample - samples.length, samples);
    scanned += batch.numRows;
    const entry = m.shards[shard]!;
    opts.onProgress?.({ rows: batch.numRows, bytes: entry.batches > 0 ? entry.bytes / entry.batches : 0 });
  }
  if (scanned !== m.rows) {
    throw new ManifestError(join(ds.dir, MANIFEST_FILE), `it lists ${m.rows} rows but the shards hold ${scanned}`);
  }
  return {
    path: ds.dir,
    kind: m.kind,
    schemaVersion: m.schemaVersion,
    codeVersion: m.codeVersion,
    createdAt: m.createdAt,
    stage: m.stage,
    inputs: m.inputs,
    rows: m.rows,
    bytes: m.bytes,
    shards: {
      count: m.shards.length,
      batches: m.shards.reduce((n, s) => n + s.batches, 0),
      rows: rangeOf(m.shards.map((s) => s.rows)),
      bytes: rangeOf(m.shards.map((s) => s.bytes)),
    },
    columns: m.columns.map((c, i) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable ?? true,
      ...(c.description === undefined ? {} : { description: c.description }),
      ...accumulators[i]!.result(opts.topValues),
    })),
    samples,
    ledger: m.ledger === undefined ? null : await summarizeLedger(join(ds.dir, m.ledger), opts),
    quarantine: m.quarantine === undefined ? null : await summarizeQuarantine(join(ds.dir, m.quarantine), opts),
    stats: m.stats,
    verified: opts.verify,
  };
}

/** One shard's checksum result in a {@link VerifyReport}. */
export interface ShardCheck {
  /** Folder of the dataset the shard belongs to (the main one, its ledger or its quarantine). */
  dataset: string;
  /** Absolute path of the shard. */
  file: string;
  bytes: number;
  ok: boolean;
  /** Why it failed (`code` is e.g. `CORE_SHARD_CHECKSUM`). */
  error?: SerializedError;
}

/** What {@link verifyDataset} reports. */
export interface VerifyReport {
  path: string;
  /** True when every shard matches its manifest entry. */
  ok: boolean;
  shards: ShardCheck[];
  /** The failed checks only. */
  failures: ShardCheck[];
}

/**
 * Checksums every shard of a dataset, and of its ledger and quarantine when it
 * has them, against the manifests; unlike {@link Dataset.verify} it goes on
 * after a bad shard, so the report names all of them.
 *
 * @param dir - the dataset folder.
 * @param options - `onProgress` after each shard (bytes checked); `signal` stops between shards.
 * @returns a report with one entry per shard.
 * @throws DatasetNotFoundError, ManifestError when a manifest itself is missing or invalid.
 * @example
 * ```ts
 * const { ok, failures } = await verifyDataset('out/sampled')
 * if (!ok) for (const f of failures) console.error(f.file, f.error?.message)
 * ```
 */
export async function verifyDataset(
  dir: string,
  options: { onProgress?: (delta: { shards: number; bytes: number }) => void; signal?: AbortSignal } = {},
): Promise<VerifyReport> {
  const main = await openDataset(dir);
  const datasets: Dataset[] = [main];
  for (const sub of [main.manifest.ledger, main.manifest.quarantine])
    if (sub !== undefined) datasets.push(await openDataset(join(main.dir, sub)));
  const shards: ShardCheck[] = [];
  for (const ds of datasets) {
    for (const [i, s] of ds.manifest.shards.entries()) {
      options.signal?.throwIfAborted();
      const check: ShardCheck = { dataset: ds.dir, file: ds.shardPath(s), bytes: s.bytes, ok: true };
      try {
        await ds.verifyShard(i);
      } catch (e) {
        check.ok = false;
        const { stack: _stack, ...error } = serializeError(e);
        check.error = error;
      }
      shards.push(check);
      options.onProgress?.({ shards: 1, bytes: s.bytes });
    }
  }
  const failures = shards.filter((s) => !s.ok);
  return { path: main.dir, ok: failures.length === 0, shards, failures };
}

/**
 * Turns a row value into something short to display: strings over
 * {@link SAMPLE_MAX_CHARS} characters are cut with a note of how many were
 * left out, lists and binary values become short text.
 *
 * @param v - a value as {@link Dataset.rows} yields it.
 * @returns the display value.
 * @example
 * ```ts
 * displayValue('x'.repeat(250)) // 200 x's, then '… (+50 chars)'
 * displayValue(Uint16Array.of(3, 1, 4)) // '[3, 1, 4]'
 * ```
 */
export function displayValue(v: unknown): DisplayValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const chars = Array.from(v);
    return chars.length <= SAMPLE_MAX_CHARS
      ? v
      : `${chars.slice(0, SAMPLE_MAX_CHARS).join('')}… (+${formatCount(chars.length - SAMPLE_MAX_CHARS)} chars)`;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.subarray(0, SAMPLE_MAX_ITEMS)).toString('hex');
    return `<${formatCount(v.byteLength)} bytes: ${hex}${v.byteLength > SAMPLE_MAX_ITEMS ? '…' : ''}>`;
  }
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const items = Array.from(v as ArrayLike<number>);
    const shown = items.slice(0, SAMPLE_MAX_ITEMS).join(', ');
    return items.length <= SAMPLE_MAX_ITEMS ? `[${shown}]` : `[${shown}, … (${formatCount(items.length)} items)]`;
  }
  return JSON.stringify(v);
}

function takeSamples(batch: RecordBatch, n: number, into: Record<string, DisplayValue>[]): void {
  for (const row of batchRows(batch)) {
    if (n-- <= 0) return;
    into.push(displayRow(row));
  }
}

function displayRow(row: Row): Record<string, DisplayValue> {
  const out: Record<string, DisplayValue> = {};
  for (const [k, v] of Object.entries(row)) out[k] = displayValue(v);
  return out;
}

function rangeOf(values: readonly number[]): RangeStats | null {
  const r = new RangeAccumulator();
  for (const v of values) r.add(v);
  return r.result();
}

/** Running min, max and sum. */
class RangeAccumulator {
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;

  add(v: number): void {
    this.count++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sum += v;
  }

  result(): RangeStats | null {
    return this.count === 0 ? null : { min: this.min, max: this.max, mean: this.sum / this.count };
  }
}

/**
 * Misra–Gries heavy hitters: at most `capacity` counters. A new value when all
 * counters are taken lowers every counter (and itself) by one and drops the
 * zeros, so each count is low by at most the number of such rounds, which is
 * at most n / (capacity + 1); every value more frequent than that is kept.
 * Amortized O(1) per value: a round costs `capacity` steps and removes
 * `capacity + 1` from the total count.
 */
class HeavyHitters {
  private readonly counts = new Map<string, number>();
  private rounds = 0;

  constructor(private readonly capacity: number) {}

  add(v: string): void {
    const c = this.counts.get(v);
    if (c !== undefined) {
      this.counts.set(v, c + 1);
    } else if (this.counts.size < this.capacity) {
      this.counts.set(v, 1);
    } else {
      this.rounds++;
      for (const [k, n] of this.counts) {
        if (n === 1) this.counts.delete(k);
        else this.counts.set(k, n - 1);
      }
    }
  }

  result(top: number): TopValues {
    const values = [...this.counts]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, top)
      .map(([value, count]) => ({ value, count }));
    const exact = this.rounds === 0;
    return { values, exact, maxUndercount: this.rounds, distinct: exact ? this.counts.size : null };
  }
}

interface Accumulator {
  add(data: Data): void;
  result(topValues: number): { count: number; nulls: number; stats: ColumnStats };
}

function makeAccumulator(type: ColumnType): Accumulator {
  switch (type) {
    case 'utf8':
      return new StringAccumulator();
    case 'binary':
      return new LengthAccumulator('binary');
    case 'list<uint16>':
    case 'list<uint32>':
      return new LengthAccumulator('list');
    case 'bool':
      return new BoolAccumulator();
    default:
      return new NumberAccumulator();
  }
}

/** Validity test of a column chunk, or `null` when it has no nulls. */
function validity(data: Data): ((i: number) => boolean) | null {
  if (data.nullCount === 0) return null;
  const bits = data.nullBitmap;
  const offset = data.offset;
  if (bits === undefined || bits.length === 0) return null;
  return (i) => (bits[(offset + i) >> 3]! & (1 << ((offset + i) & 7))) !== 0;
}

abstract class BaseAccumulator implements Accumulator {
  protected nulls = 0;
  protected count = 0;

  add(data: Data): void {
    const valid = validity(data);
    for (let i = 0; i < data.length; i++) {
      if (valid !== null && !valid(i)) {
        this.nulls++;
        continue;
      }
      this.count++;
      this.value(data, i);
    }
  }

  protected abstract value(data: Data, i: number): void;
  protected abstract stats(topValues: number): ColumnStats;

  result(topValues: number): { count: number; nulls: number; stats: ColumnStats } {
    return { count: this.count, nulls: this.nulls, stats: this.stats(topValues) };
  }
}

class NumberAccumulator extends BaseAccumulator {
  private readonly range = new RangeAccumulator();
  private nans = 0;
  // int64: exact extremes as bigints
  private bigMin: bigint | null = null;
  private bigMax: bigint | null = null;

  protected value(data: Data, i: number): void {
    const v = (data.values as ArrayLike<number | bigint>)[i]!;
    if (typeof v === 'bigint') {
      if (this.bigMin === null || v < this.bigMin) this.bigMin = v;
      if (this.bigMax === null || v > this.bigMax) this.bigMax = v;
      this.range.add(Number(v));
    } else if (Number.isNaN(v)) {
      this.nans++;
    } else {
      this.range.add(v);
    }
  }

  protected stats(): ColumnStats {
    const values = this.range.result();
    if (values !== null && this.bigMin !== null && this.bigMax !== null) {
      values.min = Number(this.bigMin);
      values.max = Number(this.bigMax);
    }
    return { kind: 'number', values, nans: this.nans };
  }
}

class BoolAccumulator extends BaseAccumulator {
  private trues = 0;

  protected value(data: Data, i: number): void {
    const bit = data.offset + i;
    if (((data.values as Uint8Array)[bit >> 3]! & (1 << (bit & 7))) !== 0) this.trues++;
  }

  protected stats(): ColumnStats {
    return { kind: 'bool', true: this.trues, false: this.count - this.trues };
  }
}

/** Lists (items) and binary values (bytes): lengths from the offsets, no decoding. */
class LengthAccumulator extends BaseAccumulator {
  private readonly range = new RangeAccumulator();

  constructor(private readonly kind: 'list' | 'binary') {
    super();
  }

  protected value(data: Data, i: number): void {
    const offsets = data.valueOffsets as Int32Array;
    this.range.add(offsets[i + 1]! - offsets[i]!);
  }

  protected stats(): ColumnStats {
    return { kind: this.kind, length: this.range.result() };
  }
}

const decoder = new TextDecoder();

/**
 * Strings: length in code points counted straight from the UTF-8 bytes (every
 * byte that is not a continuation byte starts a code point); only values of at
 * most {@link TOP_VALUE_MAX_CHARS} are decoded, for the top-value counter.
 */
class StringAccumulator extends BaseAccumulator {
  private readonly range = new RangeAccumulator();
  private top: HeavyHitters | null = new HeavyHitters(TOP_VALUE_CAPACITY);

  protected value(data: Data, i: number): void {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    let chars = 0;
    for (let p = start; p < end; p++) if ((bytes[p]! & 0xc0) !== 0x80) chars++;
    this.range.add(chars);
    if (this.top === null) return;
    if (chars > TOP_VALUE_MAX_CHARS) this.top = null;
    else this.top.add(decoder.decode(bytes.subarray(start, end)));
  }

  protected stats(topValues: number): ColumnStats {
    return { kind: 'string', length: this.range.result(), top: this.top === null ? null : this.top.result(topValues) };
  }
}

async function summarizeLedger(dir: string, opts: ResolvedInspectOptions): Promise<LedgerSummary> {
  const ds = await openDataset(dir);
  // reasons are a small vocabulary fixed by the stages' code, so this map stays small
  const counts = new Map<string, { stage: string; reason: string; rows: number }>();
  for await (const { batch } of ds.batches({ verify: opts.verify, signal: opts.signal })) {
    const stage = batch.getChild('stage');
    const reason = batch.getChild('reason');
    if (stage === null || reason === null) throw new ManifestError(join(dir, MANIFEST_FILE), 'a ledger needs the columns stage and reason');
    for (let i = 0; i < batch.numRows; i++) {
      const s = String(stage.get(i));
      const r = String(reason.get(i));
      const key = `${s}\0${r}`;
      const entry = counts.get(key);
      if (entry === undefined) counts.set(key, { stage: s, reason: r, rows: 1 });
      else entry.rows++;
    }
  }
  const reasons = [...counts.values()].sort((a, b) => b.rows - a.rows || compare(a.stage, b.stage) || compare(a.reason, b.reason));
  return { path: ds.dir, rows: ds.numRows, bytes: ds.manifest.bytes, reasons };
}

async function summarizeQuarantine(dir: string, opts: ResolvedInspectOptions): Promise<QuarantineSummary> {
  const ds = await openDataset(dir);
  const counts = new Map<string, number>();
  for await (const { batch } of ds.batches({ verify: opts.verify, signal: opts.signal })) {
    const code = batch.getChild('code');
    if (code === null) throw new ManifestError(join(dir, MANIFEST_FILE), 'a quarantine needs the column code');
    for (let i = 0; i < batch.numRows; i++) {
      const c = String(code.get(i));
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  const codes = [...counts].map(([code, rows]) => ({ code, rows })).sort((a, b) => b.rows - a.rows || compare(a.code, b.code));
  return { path: ds.dir, rows: ds.numRows, bytes: ds.manifest.bytes, codes };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
