/**
 * End-to-end tests of the `winnow` command: the real bin, spawned as a child
 * process from TypeScript source (WINNOW_SOURCE=1, no build needed), on a
 * dataset of real text (the license texts Debian ships in base-files).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetWriter, documentColumns, type DatasetReport, type Manifest, type RunSummary, type VerifyReport } from '@winnow/core';

const REPO = resolve(__dirname, '..', '..');
const BIN = join(REPO, 'apps', 'cli', 'bin', 'winnow.js');
const LICENSES = '/usr/share/common-licenses';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `winnow ...args` from source in the repository root. */
function winnow(...args: string[]): Promise<Result> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: { ...process.env, WINNOW_SOURCE: '1', WINNOW_DEBUG: '' }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

function json<T>(r: Result): T {
  return JSON.parse(r.stdout) as T;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

/** Paragraphs of real prose from the license texts, in a stable order. */
function paragraphs(): string[] {
  const out: string[] = [];
  for (const name of readdirSync(LICENSES).sort()) {
    const path = join(LICENSES, name);
    if (!statSync(path).isFile()) continue;
    for (const p of readFileSync(path, 'utf8').split(/\n\s*\n/)) if (p.trim().length >= 40) out.push(p.trim());
  }
  return out;
}

let root: string;
let input: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'winnow-cli-'));
  input = join(root, 'licenses');
  const texts = paragraphs().slice(0, 800);
  expect(texts.length).toBe(800);
  const w = await DatasetWriter.create({
    dir: input,
    columns: documentColumns([{ name: 'n_words', type: 'int32', nullable: false }]),
    targetRows: 200,
    batchRows: 64,
    stage: { name: 'fixture', version: '1', config: { from: LICENSES } },
  });
  texts.forEach((text, i) =>
    w.write({
      id: `lic-${String(i).padStart(5, '0')}`,
      text,
      url: null,
      source: LICENSES,
      meta: i % 3 === 0 ? null : JSON.stringify({ i }),
      n_words: text.split(/\s+/).length,
    }),
  );
  await w.close({ documents: texts.length });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('winnow inspect', () => {
  it('reports with --json the numbers of the manifest, and column stats over every row', async () => {
    const r = await winnow('inspect', input, '--json', '--quiet', '--sample', '2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = json<DatasetReport>(r);
    const m = manifest(input);
    expect(report.rows).toBe(m.rows);
    expect(report.bytes).toBe(m.bytes);
    expect(report.stage).toEqual(m.stage);
    expect(report.shards.count).toBe(m.shards.length);
    expect(report.shards.batches).toBe(m.shards.reduce((n, s) => n + s.batches, 0));
    expect(report.shards.rows).toEqual({ min: 200, max: 200, mean: 200 });
    expect(report.shards.bytes!.max).toBe(Math.max(...m.shards.map((s) => s.bytes)));
    expect(report.columns.map((c) => [c.name, c.type])).toEqual(m.columns.map((c) => [c.name, c.type]));
    for (const c of report.columns) expect(c.count + c.nulls).toBe(m.rows);
    expect(report.columns.find((c) => c.name === 'meta')!.nulls).toBe(267); // rows 0, 3, ..., 798
    expect(report.samples.map((s) => s['id'])).toEqual(['lic-00000', 'lic-00001']);
  });

  it('prints the sections Schema, Shards, Columns, Ledger reasons and Samples as text', async () => {
    const r = await winnow('inspect', input, '--quiet');
    expect(r.code).toBe(0);
    for (const title of ['Schema', 'Shards', 'Columns', 'Ledger reasons', 'Samples'])
      expect(r.stdout).toMatch(new RegExp(`^${title}$`, 'm'));
    expect(r.stdout).toMatch(/^ {2}rows +800$/m);
    expect(r.stdout).toMatch(/^text +utf8 .*\(free text: lengths only\)$/m);
  });
});

describe('winnow sample and verify', () => {
  it('writes identical shards with --workers 1 and --workers 2, reuses a finished run, and catches a flipped byte', async () => {
    const one = join(root, 'w1');
    const two = join(root, 'w2');
    const sample = (out: string, workers: string, ...more: string[]) =>
      winnow(
        'sample',
        '--in',
        input,
        '--out',
        out,
        '--fraction',
        '0.3',
        '--seed',
        '7',
        '--workers',
        workers,
        '--shard-rows',
        '40',
        '--quiet',
        ...more,
      );
    const [r1, r2] = await Promise.all([sample(one, '1', '--json'), sample(two, '2', '--json')]);
    expect([r1.code, r1.stderr, r2.code, r2.stderr]).toEqual([0, '', 0, '']);
    const s1 = json<RunSummary>(r1);
    const s2 = json<RunSummary>(r2);
    expect(s1.tasks).toEqual({ total: 4, ran: 4, reused: 0, pending: 0 });
    expect(s1.rowsIn).toBe(800);
    expect(s1.rowsOut + s1.removed['sample']!).toBe(800);
    // real worker threads: never the main thread (id 0)
    expect(s1.threads).toHaveLength(1);
    expect(s2.threads.length).toBeGreaterThanOrEqual(1);
    for (const t of [...s1.threads, ...s2.threads]) expect(t).toBeGreaterThan(0);
    expect(manifest(two).shards).toEqual(manifest(one).shards);
    expect(manifest(join(two, 'ledger')).shards).toEqual(manifest(join(one, 'ledger')).shards);
    expect(manifest(one).shards.length).toBeGreaterThan(4);

    // two slices of a cluster array, one after the other, give the same dataset
    const sliced = join(root, 'sliced');
    const [a, b] = [
      await sample(sliced, '1', '--task-index', '0', '--task-count', '2'),
      await sample(sliced, '1', '--task-index', '1', '--task-count', '2'),
    ];
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toMatch(/left to other slices/);
    expect(manifest(sliced).shards).toEqual(manifest(one).shards);

    // the same command again: nothing runs
    const again = await sample(two, '2');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do: .* is up to date/);
    expect(again.stdout).toMatch(/tasks +0 ran, 4 reused/);

    // verify: all good, then one flipped byte in a copy
    const ok = await winnow('verify', two, '--quiet');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: /m);
    const bad = join(root, 'damaged');
    cpSync(two, bad, { recursive: true });
    const victim = join(bad, manifest(bad).shards[2]!.file);
    const bytes = readFileSync(victim);
    bytes[bytes.length >> 1]! ^= 0x10;
    writeFileSync(victim, bytes);
    const v = await winnow('verify', bad, '--quiet');
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/error \[CORE_SHARD_CHECKSUM\]: .*shards\/part-00002\.arrow/);
    expect(v.stdout).toMatch(/BAD +.*part-00002\.arrow/);
    const vj = json<VerifyReport>(await winnow('verify', bad, '--quiet', '--json'));
    expect(vj.failures.map((f) => f.file)).toEqual([victim]);
  });
});

describe('winnow ingest', () => {
  it('reads gzip and plain JSONL from a folder into a dataset, quarantining a bad line', async () => {
    const src = join(root, 'raw');
    const texts = paragraphs().slice(0, 120);
    const lines = texts.map((text, i) => JSON.stringify({ id: `p${i}`, text, kind: 'license' }));
    mkdirSync(src);
    writeFileSync(join(src, 'a.jsonl.gz'), gzipSync(lines.slice(0, 60).join('\n') + '\n'));
    writeFileSync(join(src, 'b.jsonl'), [...lines.slice(60), '{"text": no}'].join('\n') + '\n');
    const r = await winnow('--json', 'ingest', src, '--out', join(root, 'ingested'));
    expect(r.code).toBe(0);
    const summary = json<RunSummary>(r);
    expect(summary.rowsOut).toBe(120);
    expect(summary.quarantined).toEqual({ INGEST_BAD_JSON: 1 });
    const report = json<DatasetReport>(await winnow('--json', 'inspect', join(root, 'ingested')));
    expect(report.rows).toBe(120);
    const failing = await winnow('--on-error', 'fail', 'ingest', join(src, 'b.jsonl'), '--out', join(root, 'ingest-fail'));
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/b\.jsonl, line 61, byte \d+: line 61 is not JSON/);
  });
});

describe('errors', () => {
  it('names the option of a bad value and exits 2', async () => {
    const [fraction, workers, policy] = await Promise.all([
      winnow('sample', '--in', input, '--out', join(root, 'x'), '--fraction', '1.5'),
      winnow('--workers', 'many', 'inspect', input),
      winnow('inspect', input, '--on-error', 'ignore'),
    ]);
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toMatch(/option '--fraction <f>' argument '1.5' is invalid/);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/option '--workers <n>' argument 'many' is invalid/);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/option '--on-error <policy>' argument 'ignore' is invalid/);
  });

  it('reads stage options from a YAML --config, naming the file, line and field of a bad one', async () => {
    const good = join(root, 'sample.yaml');
    const bad = join(root, 'bad.yaml');
    writeFileSync(good, '# keep a third\nfraction: 0.33\nseed: 5\n');
    writeFileSync(bad, 'fraction: 0.33\nseeed: 5\n');
    const [fromFile, fromFlags, overridden, wrong, missing] = await Promise.all([
      winnow('--json', 'sample', '--in', input, '--out', join(root, 'cfg-a'), '--config', good),
      winnow('--json', 'sample', '--in', input, '--out', join(root, 'cfg-b'), '--fraction', '0.33', '--seed', '5'),
      winnow('--json', 'sample', '--in', input, '--out', join(root, 'cfg-c'), '--config', good, '--seed', '6'),
      winnow('sample', '--in', input, '--out', join(root, 'cfg-d'), '--config', bad),
      winnow('sample', '--in', input, '--out', join(root, 'cfg-e')),
    ]);
    for (const r of [fromFile, fromFlags, overridden]) expect(r.code).toBe(0);
    expect(manifest(join(root, 'cfg-a')).stage.config).toEqual({ fraction: 0.33, seed: 5, key: 'id' });
    expect(manifest(join(root, 'cfg-a')).shards).toEqual(manifest(join(root, 'cfg-b')).shards);
    expect(manifest(join(root, 'cfg-c')).stage.config).toEqual({ fraction: 0.33, seed: 6, key: 'id' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error \[CORE_CONFIG_INVALID\]: .*bad\.yaml, line 2: field seeed: Unrecognized key/m);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--fraction <f>' not specified/);
  });

  it('prints a winnow error as "error [CODE]: message" with its hint and no stack, and exits 1', async () => {
    const r = await winnow('inspect', join(root, 'nothing-here'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[CORE_DATASET_NOT_FOUND\]: .*nothing-here: no dataset here/m);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('--help', () => {
  it('documents every command with its options and examples', async () => {
    const [main, inspect, verify, sample, demo] = await Promise.all([
      winnow('--help'),
      winnow('inspect', '--help'),
      winnow('verify', '--help'),
      winnow('sample', '--help'),
      winnow('help', 'demo'),
    ]);
    for (const r of [main, inspect, verify, sample, demo]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Examples:$/m);
      expect(r.stdout).toMatch(/--workers <n>/);
    }
    for (const command of ['inspect', 'verify', 'sample', 'demo']) expect(main.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(inspect.stdout).toMatch(/--sample <n>/);
    expect(inspect.stdout).toMatch(/--verify/);
    for (const flag of [
      '--in <dataset>',
      '--out <dataset>',
      '--fraction <f>',
      '--seed <s>',
      '--task-index <i>',
      '--task-count <n>',
      '--overwrite',
      '--shard-rows <n>',
      '--shard-bytes <size>',
      '--config <file.yaml>',
    ]) {
      expect(sample.stdout).toContain(flag);
    }
    expect(demo.stdout).toMatch(/npm start/);
  });
});
