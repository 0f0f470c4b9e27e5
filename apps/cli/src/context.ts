/**
 * What every command shares: the global options, where output goes, the
 * logger and progress settings, and how results and errors are printed.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { makeLogger, serializeError, WinnowError, type Logger, type ProgressStream } from '@winnow/core';
import { integerAtLeast } from './parse';

/** A stream the CLI writes to (process.stdout / process.stderr, or a test double). */
export interface OutputStream extends ProgressStream {
  write(text: string): unknown;
}

/** Where a command's output goes, and what stops it. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Aborted on SIGINT / SIGTERM. */
  signal: AbortSignal;
  /** Exit status the command asks for (e.g. 1 when `verify` finds a bad shard). */
  exitCode: number;
}

/** Options every command takes. */
export interface GlobalOptions {
  /** Worker threads of stage commands (0: run tasks on the main thread, for debugging). */
  workers: number;
  /** What stages do with bad records. */
  onError: 'skip' | 'fail';
  /** Machine output: one JSON document on standard output. */
  json: boolean;
  /** No progress and no info logs on standard error. */
  quiet: boolean;
}

/**
 * Adds the global options to the root command.
 *
 * @param program - the root command.
 */
export function addGlobalOptions(program: Command): void {
  program
    .addOption(
      new Option('--workers <n>', 'worker threads for stage commands (0 runs tasks on the main thread)')
        .argParser(integerAtLeast(0))
        .default(availableParallelism(), `the number of cores, ${availableParallelism()} here`),
    )
    .addOption(
      new Option('--on-error <policy>', 'bad input records: skip (quarantine them and go on) or fail (stop at the first)')
        .choices(['skip', 'fail'])
        .default('skip'),
    )
    .option('--json', 'machine output: one JSON document on standard output')
    .option('--quiet', 'no progress bar or info logs on standard error');
}

/**
 * The global options as seen from a (sub)command.
 *
 * @param cmd - the command whose action runs.
 * @returns the resolved global options.
 */
export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<Partial<GlobalOptions>>();
  return {
    workers: o.workers ?? availableParallelism(),
    onError: o.onError ?? 'skip',
    json: o.json === true,
    quiet: o.quiet === true,
  };
}

/**
 * The logger of a command: text lines on standard error; info is dropped under `--quiet`.
 *
 * @param ctx - where output goes.
 * @param globals - the global options.
 * @returns the logger.
 */
export function commandLogger(ctx: CliContext, globals: GlobalOptions): Logger {
  return makeLogger({ level: globals.quiet ? 'warn' : 'info', write: (line) => ctx.stderr.write(`${line}\n`) });
}

/**
 * Writes one JSON document on standard output (bigints as numbers when safe, else strings).
 *
 * @param ctx - where output goes.
 * @param value - the document.
 */
export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v !== 'bigint') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/**
 * Prints an error for people on standard error (`error [CODE]: message`, then
 * the hint; the stack only with `WINNOW_DEBUG=1`) and, under `--json`, as
 * `{ "error": {...} }` on standard output.
 *
 * @param ctx - where output goes.
 * @param e - what was thrown.
 * @param json - also write the JSON form.
 * @returns the exit status: 130 when interrupted, else 1.
 */
export function reportError(ctx: CliContext, e: unknown, json: boolean): number {
  const debug = process.env['WINNOW_DEBUG'] === '1';
  const interrupted = ctx.signal.aborted && e instanceof Error && e.name === 'AbortError';
  if (json) {
    const { stack: _stack, ...error } = serializeError(e);
    writeJson(ctx, { error });
  }
  if (interrupted) {
    ctx.stderr.write('interrupted: finished tasks are kept; rerun the same command to resume.\n');
    return 130;
  }
  if (e instanceof WinnowError) {
    const hint = e.hint;
    const message = hint !== undefined && e.message.endsWith(` ${hint}`) ? e.message.slice(0, -hint.length - 1) : e.message;
    ctx.stderr.write(`error [${e.code}]: ${message}\n`);
    const cause = e.cause as { code?: unknown; message?: unknown; hint?: unknown; stack?: unknown } | undefined;
    const causeHint = typeof cause?.hint === 'string' ? cause.hint : undefined;
    if (hint !== undefined) ctx.stderr.write(`hint: ${hint}\n`);
    else if (causeHint !== undefined) ctx.stderr.write(`hint: ${causeHint}\n`);
    if (typeof cause?.code === 'string' && cause.code !== e.code) {
      const causeText =
        typeof cause.message === 'string' && causeHint !== undefined && cause.message.endsWith(` ${causeHint}`)
          ? cause.message.slice(0, -causeHint.length - 1)
          : cause.message;
      const detail = typeof causeText === 'string' && !e.message.includes(causeText) ? ` ${causeText}` : '';
      ctx.stderr.write(`caused by: [${cause.code}]${detail}\n`);
    }
    if (debug) {
      ctx.stderr.write(`${e.stack ?? ''}\n`);
      if (typeof cause?.stack === 'string') ctx.stderr.write(`cause: ${cause.stack}\n`);
    }
    return 1;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  ctx.stderr.write(`error: ${err.message}\n`);
  ctx.stderr.write(
    debug ? `${err.stack ?? ''}\n` : 'This is not an error winnow expected; run with WINNOW_DEBUG=1 for the stack trace and report it.\n',
  );
  return 1;
}

/**
 * A path as people want to read it: relative to the working directory when inside it.
 *
 * @param abs - an absolute path.
 * @returns the display path.
 */
export function displayPath(abs: string): string {
  const cwd = process.cwd();
  return abs.startsWith(`${cwd}/`) ? abs.slice(cwd.length + 1) : abs;
}
