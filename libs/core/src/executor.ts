import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { checksumFile } from './checksum';
import { validateConfig } from './config';
import { openDataset } from './dataset';
import { buildManifest } from './dataset-writer';
import { OutputConflictError, ShardChecksumError, TaskFailedError, WinnowError } from './errors';
import { CODE_VERSION, fingerprint } from './fingerprint';
import { fsyncDir, writeFileAtomic } from './fs-atomic';
import { LEDGER_COLUMNS, LEDGER_DIR, QUARANTINE_COLUMNS, QUARANTINE_DIR } from './ledger';
import { silentLogger, type Logger } from './logger';
import { MANIFEST_FILE, readManifest, shardFileName, SHARDS_DIR, writeManifest, type Manifest, type ShardEntry } from './manifest';
import { Progress, type ProgressStream } from './progress';
import type { ShardWriterOptions } from './shard-writer';
import { loadStage, planByShard, type StageInput, type StageRef, type TaskRecord, type TaskSlice } from './stage';
import { RUN_DIR, runTask, type TaskMessage, type TaskOutcome } from './task-runner';

/** What callers pass to {@link runStage}. */
export interface RunStageOptions {
  /** The stage to run. */
  stage: StageRef;
  /** Its config (validated against the stage's schema; defaults applied). */
  config?: unknown;
  /** Input dataset folders. */
  inputs: readonly string[];
  /** Output dataset folder. */
  out: string;
  /** Worker threads (default: available cores). `0` runs tasks on the main thread, for debugging. */
  workers?: number;
  /** Run only the tasks `t` with `t % taskCount === taskIndex` (one array job of a cluster run). */
  taskIndex?: number;
  taskCount?: number;
  /** What to do with bad records (default `skip`). */
  onError?: 'skip' | 'fail';
  /** Keep removed documents' text in the ledger (default true). */
  ledgerText?: boolean;
  /** Replace an output folder that holds a dataset made with another config. */
  overwrite?: boolean;
  /** Shard size targets of the output. */
  shard?: Pick<ShardWriterOptions, 'targetRows' | 'targetBytes' | 'batchRows' | 'batchBytes'>;
  logger?: Logger;
  /** Where the progress bar or lines go (default standard error); `quiet` draws none. */
  progress?: { stream?: ProgressStream; quiet?: boolean; lineIntervalMs?: number };
  signal?: AbortSignal;
}

/** What {@link runStage} reports. */
export interface RunSummary {
  stage: string;
  out: string;
  fingerprint: string;
  /** The whole output was already there with this fingerprint: nothing ran. */
  reused: boolean;
  /** The manifest was written (false when this slice left tasks to other slices). */
  complete: boolean;
  tasks: { total: number; ran: number; reused: number; pending: number };
  rowsIn: number;
  bytesIn: number;
  rowsOut: number;
  bytesOut: number;
  removed: Record<string, number>;
  quarantined: Record<string, number>;
  counters: Record<string, number>;
  /** Distinct worker thread ids that ran this process's tasks (0 = main thread). */
  threads: number[];
  durationMs: number;
  manifest?: Manifest;
}

let pool: { piscina: Piscina; key: string } | null = null;

const sourceMode = extname(__filename) === '.ts';

/**
 * The process's one worker pool, created on first use and resized on demand.
 *
 * @param workers - threads.
 * @returns the pool.
 */
export function getPool(workers: number): Piscina {
  // from source (tests, development), workers load TypeScript through tsx, resolved from here rather than the cwd
  const execArgv = sourceMode ? ['--conditions=@winnow/source', '--import', pathToFileURL(require.resolve('tsx')).href] : [];
  const key = `${workers}`;
  if (pool !== null && pool.key === key) return pool.piscina;
  if (pool !== null) void pool.piscina.destroy();
  const piscina = new Piscina({
    filename: join(__dirname, `worker${extname(__filename)}`),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    execArgv,
  });
  pool = { piscina, key };
  return piscina;
}

/** Stops the worker pool (call before exit so the process can end promptly). */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p !== null) await p.piscina.destroy();
}

/**
 * Runs a stage over input datasets into an output dataset.
 *
 * Tasks come from the stage's plan (one per input shard by default) and run on
 * the process's piscina pool. Each finished task leaves a record; a rerun with
 * the same fingerprint (stage, version, config, input checksums, code version)
 * reuses finished tasks, and a complete output is reused whole. When every task
 * has a record the shards are moved into place, the ledger and quarantine
 * manifests are written, and the dataset manifest is written last.
 *
 * @param options - stage, config, inputs, output and execution settings.
 * @returns the run's summary.
 * @example
 * ```ts
 * const summary = await runStage({
 *   stage: { module: require.resolve('@winnow/core'), export: 'sampleStage' },
 *   config: { fraction: 0.1, seed: 1 }, inputs: ['datasets/spamassassin'], out: '/tmp/sampled', workers: 2,
 * })
 * ```
 */
export async function runStage(options: RunStageOptions): Promise<RunSummary> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const workers = options.workers ?? availableParallelism();
  if (!(Number.isInteger(workers) && workers >= 0)) throw new RangeError(`runStage: workers must be an integer >= 0, got ${workers}.`);
  const { taskIndex, taskCount } = resolveSlice(options);
  const stage = loadStage(options.stage);
  const config = validateConfig(stage.config, options.config ?? {}, `${stage.name} config`);
  const out = resolve(options.out);
  const inputs: StageInput[] = [];
  for (const dir of options.inputs) {
    const ds = await openDataset(dir);
    inputs.push({ dir: ds.dir, manifest: ds.manifest });
  }
  const fp = fingerprint({
    stage: stage.name,
    version: stage.version,
    config,
    inputs: inputs.map((i) => i.manifest.shards.map((s) => s.checksum)),
    code: CODE_VERSION,
  });
  const stageRecord = { name: stage.name, version: stage.version, config, fingerprint: fp };

  // A complete output with this fingerprint: nothing to do.
  if (existsSync(join(out, MANIFEST_FILE))) {
    const existing = await readManifest(out);
    if (existing.stage.fingerprint === fp) {
      // a kill between the manifest and the clean-up can leave staging behind
      await rm(join(out, RUN_DIR, 'staging'), { recursive: true, force: true });
      logger.debug(`${stage.name}: ${out} is up to date (fingerprint ${fp.slice(0, 12)}); nothing to do.`);
      return summaryFromManifest(existing, out, Date.now() - started);
    }
    if (options.overwrite !== true) {
      throw new OutputConflictError(
        out,
        `holds a dataset written by ${existing.stage.name} with another config or input (fingerprint ${existing.stage.fingerprint.slice(0, 12)}, this run ${fp.slice(0, 12)}).`,
      );
    }
    logger.warn(`${stage.name}: replacing ${out} (--overwrite).`);
    await rm(out, { recursive: true, force: true });
  }
  await prepareRunDir(out, fp, stage.name, logger);

  const plan: TaskSlice[] = stage.plan ? stage.plan(inputs, config) : planByShard(inputs);
  const records = await readTaskRecords(out, fp, plan.length);
  const mine = plan.map((_, t) => t).filter((t) => t % taskCount === taskIndex);
  const todo = mine.filter((t) => !records.has(t));
  const reusedCount = mine.length - todo.length;
  if (reusedCount > 0) logger.info(`${stage.name}: reusing ${reusedCount} finished task(s) of ${mine.length}.`);

  const progress = new Progress({
    label: stage.name,
    totalBytes: todo.reduce((n, t) => n + plan[t]!.bytes, 0),
    totalTasks: todo.length,
    ...(options.progress?.stream === undefined ? {} : { stream: options.progress.stream }),
    quiet: options.progress?.quiet === true,
    ...(options.progress?.lineIntervalMs === undefined ? {} : { lineIntervalMs: options.progress.lineIntervalMs }),
  });
  const base: Omit<TaskMessage, 'taskIndex' | 'slice' | 'port'> = {
    stage: options.stage,
    config,
    fingerprint: fp,
    out,
    inputs,
    taskCount: plan.length,
    onError: options.onError ?? 'skip',
    ledgerText: options.ledgerText ?? true,
    shard: options.shard ?? {},
  };
  const threads = new Set<number>();
  const fresh = await runTasks(stage.name, todo, plan, base, workers, progress, logger, options.signal);
  progress.finish();
  for (const r of fresh) {
    records.set(r.taskIndex, r);
    threads.add(r.stats.threadId);
  }

  const pending = plan.length - records.size;
  let manifest: Manifest | undefined;
  if (pending === 0) {
    manifest = await finalize(out, plan.length, records, {
      columns: stage.columns(inputs, config),
      stage: stageRecord,
      inputs: inputs.map((i) => ({ path: i.dir, fingerprint: i.manifest.stage.fingerprint })),
    });
  } else {
    logger.info(`${stage.name}: slice ${taskIndex}/${taskCount} done; ${pending} task(s) left to other slices. The last slice to finish writes the manifest.`);
  }
  const mineRecords = mine.map((t) => records.get(t)).filter((r): r is TaskRecord => r !== undefined);
  return {
    ...aggregate(pending === 0 ? [...records.values()] : mineRecords),
    stage: stage.name,
    out,
    fingerprint: fp,
    reused: false,
    complete: pending === 0,
    tasks: { total: plan.length, ran: fresh.length, reused: reusedCount, pending },
    threads: [...threads].sort((a, b) => a - b),
    durationMs: Date.now() - started,
    ...(manifest === undefined ? {} : { manifest, bytesOut: manifest.bytes }),
  };
}

function resolveSlice(options: RunStageOptions): { taskIndex: number; taskCount: number } {
  const taskCount = options.taskCount ?? 1;
  const taskIndex = options.taskIndex ?? 0;
  if (!(Number.isInteger(taskCount) && taskCount >= 1)) throw new RangeError(`runStage: taskCount must be an integer >= 1, got ${taskCount}.`);
  if (!(Number.isInteger(taskIndex) && taskIndex >= 0 && taskIndex < taskCount)) {
    throw new RangeError(`runStage: taskIndex must be an integer in [0, ${taskCount - 1}], got ${taskIndex}.`);
  }
  return { taskIndex, taskCount };
}

async function prepareRunDir(out: string, fp: string, stage: string, logger: Logger): Promise<void> {
  const runFile = join(out, RUN_DIR, 'run.json');
  if (existsSync(runFile)) {
    const run = JSON.parse(await readFile(runFile, 'utf8')) as { fingerprint?: string };
    if (run.fingerprint === fp) return;
    logger.warn(`${stage}: discarding unfinished work of another config in ${out}.`);
    await rm(join(out, RUN_DIR), { recursive: true, force: true });
  }
  await writeFileAtomic(runFile, `${JSON.stringify({ fingerprint: fp, stage }, null, 2)}\n`);
}

async function readTaskRecords(out: string, fp: string, taskCount: number): Promise<Map<number, TaskRecord>> {
  const records = new Map<number, TaskRecord>();
  const dir = join(out, RUN_DIR, 'tasks');
  if (!existsSync(dir)) return records;
  for (const name of await readdir(dir)) {
    if (!/^task-\d+\.json$/.test(name)) continue;
    const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as TaskRecord;
    if (record.fingerprint === fp && record.taskIndex < taskCount) records.set(record.taskIndex, record);
  }
  return records;
}

async function runTasks(
  stageName: string,
  todo: readonly number[],
  plan: readonly TaskSlice[],
  base: Omit<TaskMessage, 'taskIndex' | 'slice' | 'port'>,
  workers: number,
  progress: Progress,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<TaskRecord[]> {
  const onProgress = (d: { rows: number; bytes: number }) => progress.add(d);
  const done: TaskRecord[] = [];
  const settle = (t: number, outcome: TaskOutcome): void => {
    if (!outcome.ok) throw new TaskFailedError(stageName, t, outcome.error);
    done.push(outcome.record);
    progress.add({ tasks: 1 });
  };
  if (workers === 0) {
    for (const t of todo) {
      signal?.throwIfAborted();
      settle(t, await runTask({ ...base, taskIndex: t, slice: plan[t]! }, onProgress, logger));
    }
    return done;
  }
  const piscina = getPool(workers);
  const failures: Error[] = [];
  const controller = new AbortController();
  // every queued task listens on this one signal
  setMaxListeners(todo.length + 10, controller.signal);
  const abort = () => controller.abort();
  signal?.addEventListener('abort', abort);
  try {
    await Promise.all(
      todo.map(async (t) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', onProgress);
        try {
          const msg: TaskMessage = { ...base, taskIndex: t, slice: plan[t]!, port: port2 };
          const outcome = (await piscina.run(msg, { transferList: [port2], signal: controller.signal })) as TaskOutcome;
          settle(t, outcome);
        } catch (e) {
          if (failures.length === 0) controller.abort();
          if (!(e instanceof Error && e.name === 'AbortError' && failures.length > 0)) failures.push(e as Error);
        } finally {
          port1.close();
        }
      }),
    );
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  const first = failures[0];
  if (first !== undefined) throw first;
  return done.sort((a, b) => a.taskIndex - b.taskIndex);
}

/**
 * Moves every task's staged shards to their final names, writes the ledger and
 * quarantine manifests, then the dataset manifest. Safe to repeat after a crash
 * midway: a shard already moved is checked against its record instead.
 */
async function finalize(
  out: string,
  taskCount: number,
  records: Map<number, TaskRecord>,
  meta: { columns: Manifest['columns']; stage: Manifest['stage']; inputs: Manifest['inputs'] },
): Promise<Manifest> {
  const ordered = Array.from({ length: taskCount }, (_, t) => records.get(t)!);
  const place = async (sub: string, pick: (r: TaskRecord) => ShardEntry[]): Promise<ShardEntry[]> => {
    const base = sub === '' ? out : join(out, sub);
    const staged = ordered.flatMap(pick);
    const entries: ShardEntry[] = [];
    await mkdir(join(base, SHARDS_DIR), { recursive: true });
    for (const [i, s] of staged.entries()) {
      const file = shardFileName(i);
      await moveStaged(join(out, s.file), join(base, file), s);
      entries.push({ ...s, file });
    }
    const keep = new Set(entries.map((e) => e.file.slice(SHARDS_DIR.length + 1)));
    for (const name of await readdir(join(base, SHARDS_DIR))) if (!keep.has(name)) await rm(join(base, SHARDS_DIR, name), { force: true });
    await fsyncDir(join(base, SHARDS_DIR));
    return entries;
  };
  const stats = aggregate(ordered);
  const common = { stage: meta.stage, inputs: meta.inputs };
  const ledger = buildManifest({ ...common, columns: LEDGER_COLUMNS, shards: await place(LEDGER_DIR, (r) => r.ledger), kind: 'ledger', stats: { removed: stats.removed } });
  await writeManifest(join(out, LEDGER_DIR), ledger);
  const quarantine = buildManifest({
    ...common,
    columns: QUARANTINE_COLUMNS,
    shards: await place(QUARANTINE_DIR, (r) => r.quarantine),
    kind: 'quarantine',
    stats: { quarantined: stats.quarantined },
  });
  await writeManifest(join(out, QUARANTINE_DIR), quarantine);
  const manifest = buildManifest({
    ...common,
    columns: meta.columns,
    shards: await place('', (r) => r.output),
    kind: 'documents',
    ledger: LEDGER_DIR,
    quarantine: QUARANTINE_DIR,
    stats: {
      tasks: taskCount,
      rowsIn: stats.rowsIn,
      bytesIn: stats.bytesIn,
      rowsOut: stats.rowsOut,
      removed: stats.removed,
      quarantined: stats.quarantined,
      counters: stats.counters,
      threads: [...new Set(ordered.map((r) => r.stats.threadId))].sort((a, b) => a - b),
    },
  });
  await writeManifest(out, manifest);
  await rm(join(out, RUN_DIR, 'staging'), { recursive: true, force: true });
  return manifest;
}

async function moveStaged(from: string, to: string, entry: ShardEntry): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // Moved by an earlier, interrupted finalize: it must be the same bytes.
  const exists = await stat(to).then(
    () => true,
    () => false,
  );
  if (!exists) {
    throw new WinnowError('CORE_STAGED_SHARD_MISSING', `a finished task's shard is gone (${from}).`, {
      file: from,
      hint: 'Delete the output folder and rerun the stage.',
    });
  }
  const { checksum } = await checksumFile(to);
  if (checksum !== entry.checksum) throw new ShardChecksumError(to, entry.checksum, checksum);
}

function aggregate(records: readonly TaskRecord[]) {
  const sum = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  const removed: Record<string, number> = {};
  const quarantined: Record<string, number> = {};
  const counters: Record<string, number> = {};
  let rowsIn = 0;
  let bytesIn = 0;
  let rowsOut = 0;
  let bytesOut = 0;
  for (const r of records) {
    rowsIn += r.stats.rowsIn;
    bytesIn += r.stats.bytesIn;
    rowsOut += r.stats.rowsOut;
    bytesOut += r.output.reduce((n, s) => n + s.bytes, 0);
    sum(removed, r.stats.removed);
    sum(quarantined, r.stats.quarantined);
    sum(counters, r.stats.counters);
  }
  return { rowsIn, bytesIn, rowsOut, bytesOut, removed: sortKeys(removed), quarantined: sortKeys(quarantined), counters: sortKeys(counters) };
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function summaryFromManifest(m: Manifest, out: string, durationMs: number): RunSummary {
  const s = m.stats as Partial<ReturnType<typeof aggregate>> & { tasks?: number };
  return {
    stage: m.stage.name,
    out,
    fingerprint: m.stage.fingerprint,
    reused: true,
    complete: true,
    tasks: { total: s.tasks ?? 0, ran: 0, reused: s.tasks ?? 0, pending: 0 },
    rowsIn: s.rowsIn ?? 0,
    bytesIn: s.bytesIn ?? 0,
    rowsOut: m.rows,
    bytesOut: m.bytes,
    removed: s.removed ?? {},
    quarantined: s.quarantined ?? {},
    counters: s.counters ?? {},
    threads: [],
    durationMs,
    manifest: m,
  };
}
