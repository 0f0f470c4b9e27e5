import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AsyncByteQueue, RecordBatchFileWriter, type RecordBatch } from 'apache-arrow';
import { Checksum } from './checksum';
import { BatchBuilder } from './columns';
import { fsyncDir, temporaryPath } from './fs-atomic';
import { shardFileName, type ShardEntry } from './manifest';
import type { ColumnSpec, Row } from './schema';

/** Default shard size target: 128 MiB of Arrow file bytes. */
export const DEFAULT_SHARD_BYTES = 128 * 1024 * 1024;
/** Default rows per record batch. */
export const DEFAULT_BATCH_ROWS = 8192;
/** Default buffered bytes that force a record batch out early. */
export const DEFAULT_BATCH_BYTES = 16 * 1024 * 1024;

/** What callers pass to {@link ShardWriter}. */
export interface ShardWriterOptions {
  /** The dataset folder; shard paths are relative to it. */
  dir: string;
  /** Columns of every shard. */
  columns: readonly ColumnSpec[];
  /** Roll to a new shard after this many rows. */
  targetRows?: number;
  /** Roll to a new shard once its file reaches this many bytes (default {@link DEFAULT_SHARD_BYTES}). */
  targetBytes?: number;
  /** Rows per record batch (default {@link DEFAULT_BATCH_ROWS}): the unit readers stream. */
  batchRows?: number;
  /** Buffered bytes that close a batch early (default {@link DEFAULT_BATCH_BYTES}); bounds memory for long texts. */
  batchBytes?: number;
  /** Shard path relative to `dir` for the n-th shard this writer makes (default `shards/part-NNNNN.arrow`). */
  shardName?: (seq: number) => string;
}

/** {@link ShardWriterOptions} with defaults applied. */
export interface ResolvedShardWriterOptions extends Required<Omit<ShardWriterOptions, 'targetRows'>> {
  targetRows: number;
}

/**
 * Resolves and validates shard writer options.
 *
 * @param options - what the caller passed.
 * @returns the options with defaults.
 * @throws RangeError naming a field that is not a positive integer.
 */
export function resolveShardWriterOptions(options: ShardWriterOptions): ResolvedShardWriterOptions {
  const resolved: ResolvedShardWriterOptions = {
    dir: options.dir,
    columns: options.columns,
    targetRows: options.targetRows ?? Number.POSITIVE_INFINITY,
    targetBytes: options.targetBytes ?? DEFAULT_SHARD_BYTES,
    batchRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
    batchBytes: options.batchBytes ?? DEFAULT_BATCH_BYTES,
    shardName: options.shardName ?? shardFileName,
  };
  for (const key of ['targetRows', 'targetBytes', 'batchRows', 'batchBytes'] as const) {
    const v = resolved[key];
    if (!(v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && v > 0))) {
      throw new RangeError(`ShardWriter: ${key} must be a positive integer, got ${String(options[key])}.`);
    }
  }
  return resolved;
}

/**
 * Sink that the Arrow writer writes into: chunks go to the checksum and, through
 * a 1 MiB buffer (the writer emits many small pieces per batch), to the file
 * descriptor, so a shard is never held in memory and syscalls stay few.
 */
class FileSink extends AsyncByteQueue {
  readonly checksum = new Checksum();
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly fd: number) {
    super();
  }

  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer | ArrayLike<number> | Iterable<number>): void {
    const chunk = value as Uint8Array;
    if (chunk.byteLength === 0) return;
    this.checksum.update(chunk);
    if (chunk.byteLength >= this.buffer.length >> 2) {
      // large pieces go straight to the file, after what is buffered
      this.flush();
      writeFully(this.fd, chunk);
    } else {
      if (this.used + chunk.byteLength > this.buffer.length) this.flush();
      this.buffer.set(chunk, this.used);
      this.used += chunk.byteLength;
    }
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.used === 0) return;
    writeFully(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
}

interface OpenShard {
  seq: number;
  tmp: string;
  final: string;
  fd: number;
  sink: FileSink;
  writer: RecordBatchFileWriter;
  rows: number;
  batches: number;
}

/**
 * Writes rows into Arrow IPC shards, rolling to a new shard at a row or byte
 * target. Each shard is written under a temporary name, fsynced and renamed
 * when complete, so a crash never leaves a partial shard under its final name.
 * The manifest is not its job: see {@link DatasetWriter}.
 *
 * @example
 * ```ts
 * const w = new ShardWriter({ dir: 'out', columns: documentColumns(), targetRows: 100_000 })
 * for (const doc of docs) w.write(doc)
 * const shards = await w.close()
 * ```
 */
export class ShardWriter {
  readonly options: ResolvedShardWriterOptions;
  private readonly builder: BatchBuilder;
  private current: OpenShard | null = null;
  private seq = 0;
  private readonly done: ShardEntry[] = [];
  private closed = false;

  /**
   * @param options - folder, columns and size targets.
   */
  constructor(options: ShardWriterOptions) {
    this.options = resolveShardWriterOptions(options);
    this.builder = new BatchBuilder(this.options.columns);
  }

  /** Rows written so far, buffered ones included. */
  get rows(): number {
    return this.done.reduce((n, s) => n + s.rows, 0) + (this.current?.rows ?? 0) + this.builder.length;
  }

  /**
   * Adds one row. Rows are buffered into a batch and written when the batch is full.
   *
   * @param row - column name to value.
   * @throws SchemaMismatchError when the row does not fit the columns.
   */
  write(row: Row): void {
    if (this.closed) throw new Error('ShardWriter: write() after close().');
    this.builder.push(row);
    const inShard = this.current?.rows ?? 0;
    const batchLimit = Math.min(this.options.batchRows, this.options.targetRows - inShard);
    if (this.builder.length >= batchLimit || this.builder.byteLength >= this.options.batchBytes) this.flushBatch();
  }

  /**
   * Writes every row of an iterable, sync or async.
   *
   * @param rows - the rows.
   */
  async writeAll(rows: Iterable<Row> | AsyncIterable<Row>): Promise<void> {
    for await (const row of rows) this.write(row);
  }

  private flushBatch(): void {
    const batch = this.builder.flush();
    if (batch === null) return;
    const shard = this.current ?? this.openShard();
    this.writeBatch(shard, batch);
    const sizeReached = shard.sink.checksum.byteLength >= this.options.targetBytes;
    if (shard.rows >= this.options.targetRows || sizeReached) this.finishShard();
  }

  private writeBatch(shard: OpenShard, batch: RecordBatch): void {
    shard.writer.write(batch);
    shard.rows += batch.numRows;
    shard.batches++;
  }

  private openShard(): OpenShard {
    const rel = this.options.shardName(this.seq);
    const final = join(this.options.dir, rel);
    mkdirSync(dirname(final), { recursive: true });
    const tmp = temporaryPath(final);
    const fd = openSync(tmp, 'w');
    const sink = new FileSink(fd);
    const writer = new RecordBatchFileWriter({ autoDestroy: false });
    writer.reset(sink, this.builder.schema);
    this.current = { seq: this.seq++, tmp, final, fd, sink, writer, rows: 0, batches: 0 };
    return this.current;
  }

  private finishShard(): void {
    const shard = this.current;
    if (shard === null) return;
    this.current = null;
    shard.writer.finish();
    shard.sink.flush();
    fsyncSync(shard.fd);
    closeSync(shard.fd);
    renameSync(shard.tmp, shard.final);
    this.done.push({
      file: this.options.shardName(shard.seq),
      rows: shard.rows,
      bytes: shard.sink.checksum.byteLength,
      checksum: shard.sink.checksum.digest(),
      batches: shard.batches,
    });
  }

  /**
   * Writes what is buffered, completes the last shard and makes the renames durable.
   *
   * @returns the entries of every shard written, in order.
   */
  async close(): Promise<ShardEntry[]> {
    if (this.closed) return [...this.done];
    this.flushBatch();
    this.finishShard();
    this.closed = true;
    const dirs = new Set(this.done.map((s) => dirname(join(this.options.dir, s.file))));
    for (const d of dirs) await fsyncDir(d);
    return [...this.done];
  }

  /** Drops the shard being written (its temporary file) without making it visible. */
  abort(): void {
    this.closed = true;
    const shard = this.current;
    this.current = null;
    if (shard === null) return;
    try {
      closeSync(shard.fd);
    } finally {
      rmSync(shard.tmp, { force: true });
    }
  }
}
