import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CODE_VERSION, fingerprint } from './fingerprint';
import { SHARDS_DIR, writeManifest, type Manifest, type ShardEntry, type StageRecord } from './manifest';
import { SCHEMA_VERSION, type ColumnSpec, type Row } from './schema';
import { ShardWriter, type ShardWriterOptions } from './shard-writer';

/** What callers pass to {@link DatasetWriter.create}. */
export interface DatasetWriterOptions extends Omit<ShardWriterOptions, 'dir' | 'columns' | 'shardName'> {
  /** The dataset folder (created if missing). */
  dir: string;
  /** The dataset's columns. */
  columns: readonly ColumnSpec[];
  /** What the rows are: `documents`, `ledger`, `quarantine`, `tokens`, ... */
  kind?: string;
  /** The stage writing it (name, version, config); its fingerprint is computed if not given. */
  stage?: Omit<StageRecord, 'fingerprint'> & { fingerprint?: string };
  /** The inputs it was made from. */
  inputs?: Manifest['inputs'];
  /** Remove `shards/` before writing (default true) so stale shards cannot linger. */
  clean?: boolean;
}

/**
 * Writes a whole dataset: shards through a {@link ShardWriter}, then the
 * manifest, last and atomically. Until `close()` returns there is no manifest,
 * so readers never see a half-written dataset.
 *
 * @example
 * ```ts
 * const w = await DatasetWriter.create({ dir: 'out', columns: documentColumns(), targetRows: 50_000 })
 * for (const doc of docs) w.write(doc)
 * const manifest = await w.close({ documents: docs.length })
 * ```
 */
export class DatasetWriter {
  private constructor(
    readonly options: DatasetWriterOptions,
    private readonly shards: ShardWriter,
  ) {}

  /**
   * Prepares the folder and returns a writer.
   *
   * @param options - folder, columns, stage and shard size targets.
   * @returns the writer.
   */
  static async create(options: DatasetWriterOptions): Promise<DatasetWriter> {
    const dir = resolve(options.dir);
    if (options.clean !== false) await rm(resolve(dir, SHARDS_DIR), { recursive: true, force: true });
    await rm(resolve(dir, 'manifest.json'), { force: true });
    await mkdir(resolve(dir, SHARDS_DIR), { recursive: true });
    const { kind: _k, stage: _s, inputs: _i, clean: _c, ...shardOptions } = options;
    return new DatasetWriter({ ...options, dir }, new ShardWriter({ ...shardOptions, dir }));
  }

  /** Adds one row (see {@link ShardWriter.write}). */
  write(row: Row): void {
    this.shards.write(row);
  }

  /** Adds every row of an iterable. */
  async writeAll(rows: Iterable<Row> | AsyncIterable<Row>): Promise<void> {
    await this.shards.writeAll(rows);
  }

  /**
   * Completes the shards and writes the manifest.
   *
   * @param stats - summary stats to record in the manifest.
   * @returns the manifest written.
   */
  async close(stats: Record<string, unknown> = {}): Promise<Manifest> {
    const shards = await this.shards.close();
    const manifest = buildManifest({
      columns: this.options.columns,
      shards,
      kind: this.options.kind ?? 'documents',
      stage: this.options.stage ?? { name: 'write', version: '1', config: {} },
      inputs: this.options.inputs ?? [],
      stats,
    });
    await writeManifest(this.options.dir, manifest);
    return manifest;
  }

  /** Gives up: removes the shard in progress; no manifest is written. */
  abort(): void {
    this.shards.abort();
  }
}

/** Parts of a manifest that the caller decides. */
export interface ManifestParts {
  columns: readonly ColumnSpec[];
  shards: ShardEntry[];
  kind: string;
  stage: Omit<StageRecord, 'fingerprint'> & { fingerprint?: string };
  inputs: Manifest['inputs'];
  stats: Record<string, unknown>;
  ledger?: string;
  quarantine?: string;
}

/**
 * Assembles a manifest: totals, schema version, code version and fingerprint.
 *
 * @param parts - columns, shards, stage, inputs and stats.
 * @returns the manifest.
 */
export function buildManifest(parts: ManifestParts): Manifest {
  const stage: StageRecord = {
    name: parts.stage.name,
    version: parts.stage.version,
    config: parts.stage.config,
    fingerprint:
      parts.stage.fingerprint ??
      fingerprint({ stage: parts.stage.name, version: parts.stage.version, config: parts.stage.config, inputs: parts.inputs, code: CODE_VERSION }),
  };
  return {
    format: 'winnow.dataset',
    schemaVersion: SCHEMA_VERSION,
    kind: parts.kind,
    createdAt: new Date().toISOString(),
    codeVersion: CODE_VERSION,
    stage,
    inputs: parts.inputs,
    columns: [...parts.columns],
    shards: parts.shards,
    rows: parts.shards.reduce((n, s) => n + s.rows, 0),
    bytes: parts.shards.reduce((n, s) => n + s.bytes, 0),
    ...(parts.ledger === undefined ? {} : { ledger: parts.ledger }),
    ...(parts.quarantine === undefined ? {} : { quarantine: parts.quarantine }),
    stats: parts.stats,
  };
}
