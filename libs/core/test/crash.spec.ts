import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataset, type Manifest } from '../src';
import { writeFixtureDataset } from './fixtures';

const CHILD = join(__dirname, 'run-stage-child.ts');
const NODE_ARGS = ['--conditions=@winnow/source', '--import', 'tsx', CHILD];

/** mulberry32: a seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function runToEnd(input: string, out: string): { reused: boolean; ran: number; reusedTasks: number } {
  const r = spawnSync(process.execPath, [...NODE_ARGS, input, out], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { reused: boolean; ran: number; reusedTasks: number };
}

function runAndKill(input: string, out: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, input, out], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.on('error', reject);
  });
}

/** Runs the child and kills it with SIGKILL as soon as `ready()` holds (polled every 10 ms). */
function runAndKillWhen(input: string, out: string, ready: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, input, out], { stdio: 'ignore' });
    const timer = setInterval(() => {
      if (ready()) child.kill('SIGKILL');
    }, 10);
    child.on('exit', () => {
      clearInterval(timer);
      resolve();
    });
    child.on('error', reject);
  });
}

/** What a reader may see after a crash: no dataset, or a complete one. Never a partial shard. */
async function assertNothingPartialVisible(out: string): Promise<void> {
  const shardsDir = join(out, 'shards');
  if (existsSync(shardsDir)) {
    for (const name of readdirSync(shardsDir)) expect(name).toMatch(/^part-\d{5}\.arrow$/);
  }
  if (existsSync(join(out, 'manifest.json'))) {
    const ds = await openDataset(out, { verify: true });
    expect(ds.numRows).toBeGreaterThan(0);
  }
}

function shardsOf(m: Manifest) {
  return m.shards.map(({ file, rows, bytes, checksum }) => ({ file, rows, bytes, checksum }));
}

describe('a stage killed with SIGKILL', () => {
  let dir: string;
  let input: string;
  let reference: Manifest;
  let referenceLedger: Manifest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'winnow-crash-'));
    input = join(dir, 'input');
    await writeFixtureDataset(input, 24_000, { targetRows: 400, batchRows: 100 });
    runToEnd(input, join(dir, 'reference'));
    reference = (await openDataset(join(dir, 'reference'))).manifest;
    referenceLedger = (await openDataset(join(dir, 'reference', 'ledger'))).manifest;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no partial shard visible, and the rerun equals an uninterrupted run', async () => {
    const random = rng(20261123);
    for (let trial = 0; trial < 4; trial++) {
      const out = join(dir, `crashed-${trial}`);
      // kill it up to three times at random points, checking what is visible each time
      for (let kill = 0; kill < 3; kill++) {
        await runAndKill(input, out, 300 + Math.floor(random() * 2500));
        await assertNothingPartialVisible(out);
      }
      runToEnd(input, out);
      const ds = await openDataset(out, { verify: true });
      expect(shardsOf(ds.manifest)).toEqual(shardsOf(reference));
      const ledger = await openDataset(join(out, 'ledger'), { verify: true });
      expect(shardsOf(ledger.manifest)).toEqual(shardsOf(referenceLedger));
      expect(existsSync(join(out, '.winnow', 'staging'))).toBe(false);
    }
  });

  it('reuses the tasks that finished before the kill', async () => {
    const out = join(dir, 'resume');
    let reusedTasks = 0;
    // kill as soon as some task has left its record (and before the manifest), then resume
    for (let attempt = 0; attempt < 5 && reusedTasks === 0; attempt++) {
      rmSync(out, { recursive: true, force: true });
      await runAndKillWhen(input, out, () => {
        const tasks = join(out, '.winnow', 'tasks');
        return existsSync(tasks) && readdirSync(tasks).some((n) => /^task-\d+\.json$/.test(n));
      });
      if (existsSync(join(out, 'manifest.json'))) continue;
      const resumed = runToEnd(input, out);
      reusedTasks = resumed.reusedTasks;
      expect(resumed.ran + resumed.reusedTasks).toBe(reference.stats['tasks']);
    }
    expect(reusedTasks).toBeGreaterThan(0);
    expect(shardsOf((await openDataset(out)).manifest)).toEqual(shardsOf(reference));
  });
});
