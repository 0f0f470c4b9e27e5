import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetWriter } from './dataset-writer';
import { openDataset } from './dataset';
import { OutputConflictError, TaskFailedError } from './errors';
import { closePool, runStage, type RunStageOptions } from './executor';
import { fixtureRow, writeFixtureDataset } from '../test/fixtures';
import { documentColumns } from './schema';

const SAMPLE = { module: require.resolve('./sample-stage'), export: 'sampleStage' };
const META = { module: require.resolve('../test/stages'), export: 'metaStage' };
const quiet = { quiet: true };

let dir: string;
let input: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-exec-'));
  input = join(dir, 'input');
  await writeFixtureDataset(input, 3000, { targetRows: 250, batchRows: 50 });
});
afterAll(async () => {
  await closePool();
  rmSync(dir, { recursive: true, force: true });
});

function run(out: string, extra: Partial<RunStageOptions> = {}) {
  return runStage({ stage: SAMPLE, config: { fraction: 0.4, seed: 7 }, inputs: [input], out: join(dir, out), progress: quiet, ...extra });
}

describe('the local executor', () => {
  it('writes identical output with 1 and 2 workers, on worker threads', async () => {
    const one = await run('w1', { workers: 1 });
    const two = await run('w2', { workers: 2 });
    expect(one.tasks).toEqual({ total: 12, ran: 12, reused: 0, pending: 0 });
    expect(two.manifest!.shards).toEqual(one.manifest!.shards);
    const ledger1 = await openDataset(join(dir, 'w1', 'ledger'));
    const ledger2 = await openDataset(join(dir, 'w2', 'ledger'));
    expect(ledger2.manifest.shards).toEqual(ledger1.manifest.shards);
    expect(one.rowsOut + one.removed['sample']!).toBe(3000);
    // real worker threads: never the main thread (id 0), at most one id per worker
    expect(one.threads).toHaveLength(1);
    expect(two.threads.length).toBeGreaterThanOrEqual(1);
    expect(two.threads.length).toBeLessThanOrEqual(2);
    for (const t of [...one.threads, ...two.threads]) expect(t).toBeGreaterThan(0);
    expect((one.manifest!.stats['threads'] as number[]).every((t) => t > 0)).toBe(true);
    // and the same rows as running on the main thread
    const inline = await run('w0', { workers: 0 });
    expect(inline.threads).toEqual([0]);
    expect(inline.manifest!.shards).toEqual(one.manifest!.shards);
  });

  it('keeps exactly the rows whose seeded draw is under the fraction, and ledgers the rest', async () => {
    const s = await run('kept', { workers: 2 });
    const kept = new Set<string>();
    for await (const r of (await openDataset(s.out)).rows({ columns: ['id'] })) kept.add(String(r['id']));
    const removed = new Set<string>();
    for await (const r of (await openDataset(join(s.out, 'ledger'))).rows()) {
      expect(r['reason']).toBe('sample');
      expect(r['stage']).toBe('sample');
      expect(JSON.parse(String(r['signals'])).sample_u).toBeGreaterThanOrEqual(0.4);
      removed.add(String(r['id']));
    }
    expect(kept.size + removed.size).toBe(3000);
    expect([...kept].some((id) => removed.has(id))).toBe(false);
    expect(kept.size / 3000).toBeGreaterThan(0.35);
    expect(kept.size / 3000).toBeLessThan(0.45);
  });

  it('does no work when rerun with the same config and input', async () => {
    const first = await run('rerun', { workers: 2 });
    const again = await run('rerun', { workers: 2 });
    expect(again.reused).toBe(true);
    expect(again.tasks.ran).toBe(0);
    expect(again.manifest!.shards).toEqual(first.manifest!.shards);
  });

  it('refuses to overwrite a dataset made with another config unless told to', async () => {
    await run('conflict', { workers: 1 });
    await expect(runStage({ stage: SAMPLE, config: { fraction: 0.5 }, inputs: [input], out: join(dir, 'conflict'), progress: quiet })).rejects.toThrow(
      OutputConflictError,
    );
    const replaced = await runStage({ stage: SAMPLE, config: { fraction: 0.5 }, inputs: [input], out: join(dir, 'conflict'), overwrite: true, progress: quiet, workers: 1 });
    expect(replaced.reused).toBe(false);
  });

  it('runs one slice per task-index and writes the manifest when the last slice finishes', async () => {
    const whole = await run('whole', { workers: 1 });
    const a = await run('sliced', { workers: 1, taskIndex: 0, taskCount: 3 });
    expect(a.complete).toBe(false);
    expect(a.tasks).toEqual({ total: 12, ran: 4, reused: 0, pending: 8 });
    await expect(openDataset(join(dir, 'sliced'))).rejects.toMatchObject({ code: 'CORE_DATASET_NOT_FOUND' });
    const b = await run('sliced', { workers: 1, taskIndex: 2, taskCount: 3 });
    expect(b.tasks.pending).toBe(4);
    const c = await run('sliced', { workers: 1, taskIndex: 1, taskCount: 3 });
    expect(c.complete).toBe(true);
    expect(c.manifest!.shards).toEqual(whole.manifest!.shards);
  });

  it('quarantines bad records under skip, and fails naming the source and line under fail', async () => {
    const bad = join(dir, 'bad-input');
    const w = await DatasetWriter.create({ dir: bad, columns: documentColumns(), targetRows: 40 });
    for (let i = 0; i < 100; i++) {
      const { id, text, url, source, meta } = fixtureRow(i);
      w.write({ id, text, url, source, meta: i === 57 ? '{"paragraph": 57,' : meta });
    }
    await w.close();
    const skipped = await runStage({ stage: META, config: { minWords: 30 }, inputs: [bad], out: join(dir, 'meta-skip'), workers: 2, progress: quiet });
    expect(skipped.quarantined).toEqual({ TEST_BAD_META: 1 });
    expect(skipped.removed['min_words']).toBe(skipped.counters['short']);
    expect(skipped.rowsOut + skipped.removed['min_words']! + 1).toBe(100);
    const q = await openDataset(join(dir, 'meta-skip', 'quarantine'));
    const rows = [];
    for await (const r of q.rows()) rows.push(r);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ code: 'TEST_BAD_META', line: 18, source: fixtureRow(57)['source'] });
    expect(Buffer.from(rows[0]!['raw'] as Uint8Array).toString()).toBe('{"paragraph": 57,');
    // the output carries the new signal column
    const out = await openDataset(join(dir, 'meta-skip'));
    expect(out.columns.map((c) => c.name)).toContain('meta_keys');

    const failing = runStage({ stage: META, config: {}, inputs: [bad], out: join(dir, 'meta-fail'), workers: 2, onError: 'fail', progress: quiet });
    await expect(failing).rejects.toThrow(TaskFailedError);
    await expect(
      runStage({ stage: META, config: {}, inputs: [bad], out: join(dir, 'meta-fail'), workers: 2, onError: 'fail', progress: quiet }),
    ).rejects.toMatchObject({ code: 'CORE_TASK_FAILED', file: String(fixtureRow(57)['source']), line: 18 });
    await expect(openDataset(join(dir, 'meta-fail'))).rejects.toMatchObject({ code: 'CORE_DATASET_NOT_FOUND' });
  });

  it('rejects an invalid config naming the field', async () => {
    await expect(run('badcfg', { config: { fraction: 2 } })).rejects.toMatchObject({ code: 'CORE_CONFIG_INVALID', field: 'fraction' });
    await expect(run('badcfg', { config: { fraction: 0.5, sede: 1 } })).rejects.toThrow(/sede/);
  });

  it('discards unfinished work of another config instead of mixing it in', async () => {
    const out = join(dir, 'stale');
    await run('stale', { workers: 1, taskIndex: 0, taskCount: 2 });
    const runFile = join(out, '.winnow', 'run.json');
    expect(JSON.parse(readFileSync(runFile, 'utf8')).stage).toBe('sample');
    const other = await runStage({ stage: SAMPLE, config: { fraction: 0.9, seed: 7 }, inputs: [input], out, workers: 1, progress: quiet });
    expect(other.tasks.reused).toBe(0);
    const reference = await runStage({ stage: SAMPLE, config: { fraction: 0.9, seed: 7 }, inputs: [input], out: join(dir, 'stale-ref'), workers: 1, progress: quiet });
    expect(other.manifest!.shards).toEqual(reference.manifest!.shards);
  });
});
