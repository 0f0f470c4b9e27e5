import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId, type MessagePort } from 'node:worker_threads';
import { batchRows, Dataset, type ShardBatch } from './dataset';
import { serializeError, WinnowError, type SerializedError } from './errors';
import { writeFileAtomic } from './fs-atomic';
import { LedgerWriter, QuarantineWriter } from './ledger';
import { silentLogger, type Logger } from './logger';
import type { Row } from './schema';
import { ShardWriter, type ShardWriterOptions } from './shard-writer';
import { loadStage, type StageInput, type StageRef, type TaskContext, type TaskRecord, type TaskSlice } from './stage';

/** Folder of a run's bookkeeping inside the output dataset. */
export const RUN_DIR = '.winnow';

/** Everything a worker needs to run one task; structured-clonable. */
export interface TaskMessage {
  stage: StageRef;
  config: unknown;
  fingerprint: string;
  out: string;
  inputs: StageInput[];
  taskIndex: number;
  taskCount: number;
  slice: TaskSlice;
  onError: 'skip' | 'fail';
  ledgerText: boolean;
  shard: Pick<ShardWriterOptions, 'targetRows' | 'targetBytes' | 'batchRows' | 'batchBytes'>;
  /** Progress messages `{ rows, bytes }` go here. */
  port?: MessagePort;
}

/** What a task sends back: its record, or its error. */
export type TaskOutcome = { ok: true; record: TaskRecord } | { ok: false; error: SerializedError };

/**
 * Paths of a task's bookkeeping, relative to the output folder.
 *
 * @param taskIndex - the task.
 * @returns the staging folder and the record file.
 */
export function taskPaths(taskIndex: number): { staging: string; record: string } {
  const t = `task-${String(taskIndex).padStart(5, '0')}`;
  return { staging: `${RUN_DIR}/staging/${t}`, record: `${RUN_DIR}/tasks/${t}.json` };
}

/**
 * Runs one task of a stage: reads its slice, writes its output, ledger and
 * quarantine shards under a staging folder, then its record (atomically, last).
 * A task killed midway leaves no record, and its staging folder is cleared on rerun.
 *
 * @param msg - the task.
 * @param onProgress - progress callback (inline mode); workers post to `msg.port`.
 * @param logger - where the stage logs.
 * @returns the record, or the error as data.
 */
export async function runTask(
  msg: TaskMessage,
  onProgress?: (delta: { rows: number; bytes: number }) => void,
  logger: Logger = silentLogger,
): Promise<TaskOutcome> {
  const started = Date.now();
  const stage = loadStage(msg.stage);
  const paths = taskPaths(msg.taskIndex);
  const stagingAbs = join(msg.out, paths.staging);
  await rm(stagingAbs, { recursive: true, force: true });
  const named = (prefix: string) => (seq: number) => `${paths.staging}/${prefix}-${String(seq).padStart(5, '0')}.arrow`;
  const inputs = msg.inputs.map((i) => new Dataset(i.dir, i.manifest));
  const columns = stage.columns(msg.inputs, msg.config);
  const output = new ShardWriter({ ...msg.shard, dir: msg.out, columns, shardName: named('out') });
  const ledger = new LedgerWriter({ ...msg.shard, dir: msg.out, stage: stage.name, keepText: msg.ledgerText, shardName: named('ledger') });
  const quarantine = new QuarantineWriter({ ...msg.shard, dir: msg.out, shardName: named('quarantine') });
  const counters: Record<string, number> = {};
  let rowsIn = 0;
  let bytesIn = 0;
  let rowsOut = 0;

  const pending = { rows: 0, bytes: 0 };
  let lastPost = 0;
  const flushProgress = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastPost < 100) return;
    lastPost = now;
    if (pending.rows === 0 && pending.bytes === 0) return;
    const delta = { ...pending };
    pending.rows = 0;
    pending.bytes = 0;
    if (onProgress) onProgress(delta);
    else msg.port?.postMessage(delta);
  };
  // rows and bytes reported here are the task's input: batches() reports through it, source stages call it directly
  const progress = (delta: { rows?: number; bytes?: number }) => {
    rowsIn += delta.rows ?? 0;
    bytesIn += delta.bytes ?? 0;
    pending.rows += delta.rows ?? 0;
    pending.bytes += delta.bytes ?? 0;
    flushProgress(false);
  };

  const controller = new AbortController();
  async function* batches(): AsyncGenerator<ShardBatch & { input: number }> {
    for (const ref of msg.slice.shards) {
      const ds = inputs[ref.input]!;
      const shard = ds.manifest.shards[ref.shard]!;
      const perBatch = shard.batches > 0 ? shard.bytes / shard.batches : 0;
      for await (const b of ds.batches({ shards: [ref.shard], signal: controller.signal })) {
        progress({ rows: b.batch.numRows, bytes: perBatch });
        yield { ...b, input: ref.input };
      }
    }
  }
  const ctx: TaskContext = {
    config: msg.config,
    taskIndex: msg.taskIndex,
    taskCount: msg.taskCount,
    slice: msg.slice,
    inputs,
    onError: msg.onError,
    signal: controller.signal,
    logger,
    batches,
    async *rows(options = {}): AsyncGenerator<Row> {
      for await (const { batch } of batches()) yield* batchRows(batch, options.columns);
    },
    emit(row) {
      output.write(row);
      rowsOut++;
    },
    remove(entry) {
      ledger.add(entry);
    },
    quarantine(entry) {
      if (msg.onError === 'fail') {
        throw new WinnowError(entry.code, entry.message, {
          file: entry.source,
          ...(entry.offset == null ? {} : { offset: entry.offset }),
          ...(entry.line == null ? {} : { line: entry.line }),
          hint: 'Pass --on-error skip to quarantine bad records and go on.',
        });
      }
      quarantine.add(entry);
    },
    count(name, n = 1) {
      counters[name] = (counters[name] ?? 0) + n;
    },
    progress,
  };

  try {
    await stage.run(ctx);
    const record: TaskRecord = {
      fingerprint: msg.fingerprint,
      taskIndex: msg.taskIndex,
      output: await output.close(),
      ledger: await ledger.close(),
      quarantine: await quarantine.close(),
      stats: {
        rowsIn,
        bytesIn: Math.round(bytesIn),
        rowsOut,
        removed: ledger.counts,
        quarantined: quarantine.counts,
        counters,
        threadId,
        durationMs: Date.now() - started,
      },
    };
    await writeFileAtomic(join(msg.out, paths.record), `${JSON.stringify(record, null, 2)}\n`);
    flushProgress(true);
    return { ok: true, record };
  } catch (e) {
    controller.abort();
    output.abort();
    ledger.abort();
    quarantine.abort();
    await rm(stagingAbs, { recursive: true, force: true });
    return { ok: false, error: serializeError(e) };
  } finally {
    msg.port?.close();
  }
}
