import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectDataset, ShardChecksumError, TaskFailedError, type DatasetReport, type RunSummary } from '@winnow/core';
import { writeLicenseDataset } from '../test/fixtures';
import { reportError, type CliContext } from './context';
import { runCli } from './main';

/** Runs the CLI in this process with captured output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function captured(): CliContext & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    signal: new AbortController().signal,
    exitCode: 0,
    out: () => out,
    err: () => err,
  };
}

let root: string;
let input: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'winnow-cli-unit-'));
  input = join(root, 'licenses');
  await writeLicenseDataset(input, 120, 50);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runCli', () => {
  it('prints the inspect report as one JSON document equal to the library report', async () => {
    const r = await cli('inspect', input, '--json', '--quiet', '--sample', '1');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as DatasetReport;
    expect(report).toEqual(JSON.parse(JSON.stringify(await inspectDataset(input, { sample: 1 }))));
    expect(report.shards).toMatchObject({ count: 3, rows: { min: 20, max: 50 } });
  });

  it('runs a stage command on the main thread with --workers 0 and prints the summary', async () => {
    const out = join(root, 'sampled');
    const r = await cli('sample', '--in', input, '--out', out, '--fraction', '0.5', '--seed', '3', '--workers', '0', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sample: wrote /);
    expect(r.stdout).toMatch(/^ {2}tasks +3 ran, 0 reused \(of 3\)$/m);
    expect(r.stdout).toMatch(/^ {2}threads +the main thread/m);
    expect(r.stdout).toMatch(/^removed by reason +rows$/m);
    const again = await cli('--json', 'sample', '--in', input, '--out', out, '--fraction', '0.5', '--seed', '3', '--quiet');
    const summary = JSON.parse(again.stdout) as RunSummary;
    expect(summary).toMatchObject({ reused: true, tasks: { ran: 0, reused: 3 }, rowsIn: 120 });
    expect(summary.rowsOut + summary.removed['sample']!).toBe(120);
    expect(summary).not.toHaveProperty('manifest');
  });

  it('reports an invalid stage config value as a usage error naming the option', async () => {
    const r = await cli('sample', '--in', input, '--out', join(root, 'never'), '--fraction', '0', '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: option '--fraction <f>' argument '0' is invalid\. Too small/m);
  });

  it('exits 2 on an unknown command and 0 on --help and --version', async () => {
    expect((await cli('prune')).code).toBe(2);
    const help = await cli('verify', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: winnow verify \[options\] <dataset>/);
    expect((await cli('--version')).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('reportError', () => {
  const saved = process.env['WINNOW_DEBUG'];
  afterEach(() => {
    if (saved === undefined) delete process.env['WINNOW_DEBUG'];
    else process.env['WINNOW_DEBUG'] = saved;
  });

  it('prints "error [CODE]: message" and the hint on its own line, without a stack', () => {
    delete process.env['WINNOW_DEBUG'];
    const ctx = captured();
    expect(reportError(ctx, new ShardChecksumError('/d/shards/part-00001.arrow', 'sha256:aa', 'sha256:bb'), false)).toBe(1);
    const lines = ctx.err().trimEnd().split('\n');
    expect(lines[0]).toBe(
      'error [CORE_SHARD_CHECKSUM]: /d/shards/part-00001.arrow: shard is corrupted: expected sha256:aa, found sha256:bb.',
    );
    expect(lines[1]).toMatch(/^hint: The file changed after it was written/);
    expect(lines).toHaveLength(2);
    expect(ctx.out()).toBe('');
  });

  it('adds the stack with WINNOW_DEBUG=1, the JSON form under --json, and the code of a failed task', () => {
    process.env['WINNOW_DEBUG'] = '1';
    const ctx = captured();
    const cause = { name: 'WinnowError', code: 'INGEST_BAD_JSON', message: 'a.jsonl, line 3: Unexpected token', hint: 'Fix the line.' };
    reportError(ctx, new TaskFailedError('ingest', 4, cause), true);
    expect(ctx.err()).toMatch(/^error \[CORE_TASK_FAILED\]: stage ingest, task 4 failed: a\.jsonl, line 3: Unexpected token\n/);
    expect(ctx.err()).toMatch(/^hint: Fix the line\.$/m);
    expect(ctx.err()).toMatch(/^caused by: \[INGEST_BAD_JSON\]$/m);
    expect(ctx.err()).toMatch(/\n\s+at /);
    expect(JSON.parse(ctx.out())).toMatchObject({ error: { code: 'CORE_TASK_FAILED' } });
  });
});
