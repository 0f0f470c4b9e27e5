import type { z } from 'zod';
import type { Dataset, ShardBatch } from './dataset';
import type { LedgerEntry, QuarantineEntry } from './ledger';
import type { Logger } from './logger';
import type { Manifest, ShardEntry } from './manifest';
import type { ColumnSpec, Row } from './schema';

/**
 * Where a stage definition lives, so that worker threads can load it too:
 * a module (absolute path or package specifier) and its export name.
 */
export interface StageRef {
  /** Absolute path or package specifier of the module (resolve it with `require.resolve`). */
  module: string;
  /** Name of the export holding the {@link StageDefinition} (default `stage`). */
  export?: string;
}

/** An input dataset of a stage run. */
export interface StageInput {
  /** Absolute path of the dataset folder. */
  dir: string;
  manifest: Manifest;
}

/** One input shard: which input dataset, which shard of it. */
export interface ShardRef {
  input: number;
  shard: number;
}

/**
 * The slice of work one task does. The plan depends only on the inputs and
 * config, never on the number of workers, so output is the same for any `--workers`.
 */
export interface TaskSlice {
  /** Input shards this task reads, in order. */
  shards: ShardRef[];
  /** Stage-specific work items (e.g. source files for ingest), JSON-serializable. */
  items?: unknown[];
  /** Input bytes, for progress and ETA. */
  bytes: number;
}

/**
 * A stage: a pure function of (config, one task's slice of the input) to
 * output rows, ledger entries, quarantine entries and stats. The executor
 * runs its tasks on worker threads and assembles the output dataset.
 *
 * @example
 * ```ts
 * export const stage: StageDefinition<{ min: number }> = {
 *   name: 'min-length', version: '1', description: 'drops short documents',
 *   config: z.object({ min: z.number().int().default(100) }),
 *   columns: (inputs) => inputs[0]!.manifest.columns,
 *   async run(ctx) {
 *     for await (const doc of ctx.rows()) {
 *       if (String(doc.text).length >= ctx.config.min) ctx.emit(doc)
 *       else ctx.remove({ id: String(doc.id), reason: 'too_short', signals: { length: String(doc.text).length } })
 *     }
 *   },
 * }
 * ```
 */
export interface StageDefinition<C = unknown> {
  /** Short name, recorded in manifests and ledgers. */
  name: string;
  /** Bumped when the stage's output for the same config changes; part of the fingerprint. */
  version: string;
  /** One line for `--help` and manifests. */
  description: string;
  /** Schema of the stage's config; defaults are applied before the fingerprint is taken. */
  config: z.ZodType<C>;
  /** Columns of the output, given the inputs and config. */
  columns(inputs: readonly StageInput[], config: C): ColumnSpec[];
  /** Splits the work into tasks (default: one task per input shard). */
  plan?(inputs: readonly StageInput[], config: C): TaskSlice[];
  /** Does one task. Runs on a worker thread. */
  run(ctx: TaskContext<C>): Promise<void>;
}

/** What a stage's `run` gets: its slice of input, the output, ledger and quarantine. */
export interface TaskContext<C = unknown> {
  readonly config: C;
  readonly taskIndex: number;
  readonly taskCount: number;
  readonly slice: TaskSlice;
  readonly inputs: readonly Dataset[];
  /** `skip`: bad records are quarantined and work goes on; `fail`: the first one stops the stage. */
  readonly onError: 'skip' | 'fail';
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Record batches of this task's input shards, in order (progress is counted for you). */
  batches(): AsyncIterable<ShardBatch & { input: number }>;
  /** Rows of this task's input shards, in order (progress is counted for you). */
  rows(options?: { columns?: readonly string[] }): AsyncIterable<Row>;
  /** Writes a row to the output. */
  emit(row: Row): void;
  /** Records a removed row in the ledger. */
  remove(entry: LedgerEntry): void;
  /**
   * Handles a bad input record: quarantined under `skip`, thrown as a
   * {@link WinnowError} naming source and offset under `fail`.
   */
  quarantine(entry: QuarantineEntry): void;
  /** Adds to a named counter in the stage's stats. */
  count(name: string, n?: number): void;
  /** Reports input read other than through `rows()`/`batches()` (records and raw bytes); counted as the task's input. */
  progress(delta: { rows?: number; bytes?: number }): void;
}

/**
 * Loads a stage definition from its module.
 *
 * @param ref - module and export name.
 * @returns the stage.
 * @throws TypeError when the export is not a stage.
 */
export function loadStage(ref: StageRef): StageDefinition {
  const mod = require(ref.module) as Record<string, unknown>;
  const name = ref.export ?? 'stage';
  const stage = mod[name] as StageDefinition | undefined;
  if (stage === undefined || typeof stage.run !== 'function' || typeof stage.name !== 'string') {
    throw new TypeError(`${ref.module} has no stage export "${name}".`);
  }
  return stage;
}

/**
 * The default plan: one task per input shard, in input order.
 *
 * @param inputs - the input datasets.
 * @returns one slice per shard.
 */
export function planByShard(inputs: readonly StageInput[]): TaskSlice[] {
  return inputs.flatMap((input, i) => input.manifest.shards.map((s, shard) => ({ shards: [{ input: i, shard }], bytes: s.bytes })));
}

/** Result of one task, kept as `.winnow/tasks/task-NNNNN.json` so a rerun can reuse it. */
export interface TaskRecord {
  fingerprint: string;
  taskIndex: number;
  /** Staged shards, paths relative to the output folder. */
  output: ShardEntry[];
  ledger: ShardEntry[];
  quarantine: ShardEntry[];
  stats: TaskStats;
}

/** Per-task counts. */
export interface TaskStats {
  rowsIn: number;
  bytesIn: number;
  rowsOut: number;
  removed: Record<string, number>;
  quarantined: Record<string, number>;
  counters: Record<string, number>;
  /** `worker_threads.threadId` of the thread that ran it (0 = main thread). */
  threadId: number;
  durationMs: number;
}
