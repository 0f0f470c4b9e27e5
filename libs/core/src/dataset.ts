import { open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RecordBatchReader, type RecordBatch, type Vector } from 'apache-arrow';
import { checksumFile } from './checksum';
import { ShardChecksumError, ShardReadError } from './errors';
import { readManifest, type Manifest, type ShardEntry } from './manifest';
import type { ColumnSpec, Row } from './schema';

/** What callers pass to {@link Dataset.batches} and {@link Dataset.rows}. */
export interface ReadOptions {
  /** Verify each shard's checksum before reading it (one extra sequential read). */
  verify?: boolean;
  /** Only these shards (indices into `manifest.shards`), in this order. */
  shards?: readonly number[];
  /** Only these columns in the rows (batches always carry every column). */
  columns?: readonly string[];
  /** Stop early. */
  signal?: AbortSignal;
}

/**
 * A dataset folder opened for reading: its manifest, plus streaming access to
 * record batches shard by shard. A shard is never loaded whole: batches are
 * read one at a time from the Arrow file by offset.
 */
export class Dataset {
  /**
   * @param dir - absolute path of the folder.
   * @param manifest - its validated manifest.
   */
  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
  ) {}

  /** The dataset's columns. */
  get columns(): ColumnSpec[] {
    return this.manifest.columns;
  }

  /** Total rows in all shards. */
  get numRows(): number {
    return this.manifest.rows;
  }

  /** Absolute path of a shard. */
  shardPath(shard: ShardEntry): string {
    return join(this.dir, shard.file);
  }

  /**
   * Checks one shard's size and checksum against the manifest.
   *
   * @param index - the shard's index in the manifest.
   * @throws ShardChecksumError naming the shard.
   */
  async verifyShard(index: number): Promise<void> {
    const shard = this.shardAt(index);
    const path = this.shardPath(shard);
    const { checksum, bytes } = await checksumFile(path).catch((e: unknown) => {
      throw new ShardReadError(path, `listed in the manifest but not readable (${(e as Error).message})`, { cause: e });
    });
    if (bytes !== shard.bytes) throw new ShardChecksumError(path, `${shard.bytes} bytes`, `${bytes} bytes`);
    if (checksum !== shard.checksum) throw new ShardChecksumError(path, shard.checksum, checksum);
  }

  /**
   * Verifies every shard; resolves when all match the manifest.
   *
   * @throws ShardChecksumError for the first shard that does not.
   */
  async verify(): Promise<void> {
    for (let i = 0; i < this.manifest.shards.length; i++) await this.verifyShard(i);
  }

  private shardAt(index: number): ShardEntry {
    const shard = this.manifest.shards[index];
    if (shard === undefined) throw new RangeError(`shard index ${index} is out of range (0..${this.manifest.shards.length - 1}).`);
    return shard;
  }

  /**
   * Streams the record batches of the dataset (or of some shards), one at a time.
   *
   * @param options - shards to read, verification, abort signal.
   * @returns an async iterable of batches; each carries its shard index.
   */
  async *batches(options: ReadOptions = {}): AsyncGenerator<ShardBatch> {
    const indices = options.shards ?? this.manifest.shards.map((_, i) => i);
    for (const index of indices) {
      options.signal?.throwIfAborted();
      const shard = this.shardAt(index);
      if (options.verify === true) await this.verifyShard(index);
      yield* readShardBatches(this.shardPath(shard), shard, index, options.signal);
    }
  }

  /**
   * Streams rows as plain objects (`int64` as numbers, lists as typed arrays).
   *
   * @param options - shards, columns, verification, abort signal.
   * @returns an async iterable of rows.
   */
  async *rows(options: ReadOptions = {}): AsyncGenerator<Row> {
    for await (const { batch } of this.batches(options)) yield* batchRows(batch, options.columns);
  }
}

/** A record batch and where it came from. */
export interface ShardBatch {
  batch: RecordBatch;
  /** Index of the shard in the manifest. */
  shard: number;
  /** Index of the batch in the shard. */
  index: number;
}

async function* readShardBatches(
  path: string,
  shard: ShardEntry,
  shardIndex: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<ShardBatch> {
  const size = await stat(path).then(
    (s) => s.size,
    (e: unknown) => {
      throw new ShardReadError(path, `listed in the manifest but missing (${(e as Error).message})`, { cause: e });
    },
  );
  if (size !== shard.bytes) {
    throw new ShardChecksumError(path, `${shard.bytes} bytes`, `${size} bytes`);
  }
  const fh = await open(path, 'r');
  try {
    let reader;
    try {
      reader = await RecordBatchReader.from(fh);
      await reader.open();
    } catch (e) {
      throw new ShardReadError(path, `not an Arrow IPC file (${(e as Error).message})`, { cause: e });
    }
    let index = 0;
    for (;;) {
      signal?.throwIfAborted();
      let next: IteratorResult<RecordBatch>;
      try {
        next = await reader.next();
      } catch (e) {
        throw new ShardReadError(path, `batch ${index} is damaged (${(e as Error).message})`, { cause: e });
      }
      if (next.done === true) break;
      yield { batch: next.value, shard: shardIndex, index: index++ };
    }
    if (index !== shard.batches) {
      throw new ShardReadError(path, `expected ${shard.batches} batches, read ${index}`);
    }
    await reader.cancel();
  } finally {
    await fh.close();
  }
}

/**
 * Turns a record batch into row objects.
 *
 * @param batch - the batch.
 * @param columns - only these columns (default: all).
 * @returns a generator of rows.
 */
export function* batchRows(batch: RecordBatch, columns?: readonly string[]): Generator<Row> {
  const names = columns ?? batch.schema.fields.map((f) => f.name);
  const vectors: [string, Vector, (v: unknown) => unknown][] = names.map((name) => {
    const v = batch.getChild(name);
    if (v === null) throw new RangeError(`no column "${name}" in this dataset.`);
    return [name, v, converter(String(v.type))];
  });
  for (let i = 0; i < batch.numRows; i++) {
    const row: Row = {};
    for (const [name, v, convert] of vectors) row[name] = convert(v.get(i));
    yield row;
  }
}

function converter(type: string): (v: unknown) => unknown {
  if (type === 'Int64') return (v) => (typeof v === 'bigint' ? Number(v) : v);
  if (type.startsWith('List')) return (v) => (v === null ? null : (v as Vector).toArray() as unknown);
  return (v) => v;
}

/**
 * Opens a dataset folder: reads and validates its manifest.
 *
 * @param dir - the folder.
 * @param options - `verify` checks every shard's checksum now.
 * @returns the dataset.
 * @throws DatasetNotFoundError, ManifestError, ShardChecksumError.
 * @example
 * ```ts
 * const ds = await openDataset('datasets/spamassassin')
 * for await (const row of ds.rows({ columns: ['id', 'text'] })) console.log(row.id)
 * ```
 */
export async function openDataset(dir: string, options: { verify?: boolean } = {}): Promise<Dataset> {
  const abs = resolve(dir);
  const ds = new Dataset(abs, await readManifest(abs));
  if (options.verify === true) await ds.verify();
  return ds;
}
