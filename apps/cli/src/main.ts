/**
 * The `winnow` command. It only wires libraries together (STYLE.md item 1):
 * options in, library calls, text or JSON out, errors as `error [CODE]: ...`.
 *
 * Exit status: 0 ok; 1 a winnow error (bad data, corrupted shard, output
 * conflict, failed task) or a failed check; 2 a usage error (unknown command
 * or option, bad option value); 130 interrupted.
 */
import { Command, CommanderError } from 'commander';
import { closePool, CODE_VERSION } from '@winnow/core';
import { addDemoCommand } from './commands/demo';
import { addIngestCommand } from './commands/ingest';
import { addInspectCommand } from './commands/inspect';
import { addSampleCommand } from './commands/sample';
import { addVerifyCommand } from './commands/verify';
import { addGlobalOptions, reportError, type CliContext } from './context';
import { examplesText } from './stage-command';

/**
 * Builds the command tree.
 *
 * @param ctx - where output goes; commands set `ctx.exitCode`.
 * @returns the root command (errors throw CommanderError instead of exiting).
 * @example
 * ```ts
 * await makeProgram(ctx).parseAsync(['inspect', 'datasets/spamassassin'], { from: 'user' })
 * ```
 */
export function makeProgram(ctx: CliContext): Command {
  const program = new Command('winnow')
    .description('LLM data curation into Arrow shards: inspect, verify and transform winnow datasets.')
    .version(CODE_VERSION, '-V, --version', 'print the version')
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride();
  addGlobalOptions(program);
  addInspectCommand(program, ctx);
  addVerifyCommand(program, ctx);
  addIngestCommand(program, ctx);
  addSampleCommand(program, ctx);
  addDemoCommand(program, ctx);
  program.addHelpText(
    'after',
    examplesText([
      'demo                                   # what npm start runs',
      'inspect datasets/spamassassin --sample 3',
      'sample --in datasets/spamassassin --out /tmp/half --fraction 0.5 --workers 2',
      'verify /tmp/half',
      'inspect --help',
    ]) +
      '\nExit status: 0 ok, 1 error or failed check (printed as "error [CODE]: ..."), 2 usage error, 130 interrupted.\n' +
      'Set WINNOW_DEBUG=1 to print stack traces.\n',
  );
  return program;
}

/**
 * Runs the CLI on arguments and resolves with the exit status; never exits the process.
 *
 * @param args - the arguments after `winnow`.
 * @param io - standard output and error (default: the process's).
 * @returns the exit status.
 * @example
 * ```ts
 * const code = await runCli(['verify', 'out/demo/sample', '--quiet'])
 * ```
 */
export async function runCli(
  args: readonly string[],
  io: Pick<CliContext, 'stdout' | 'stderr'> = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const controller = new AbortController();
  const ctx: CliContext = { ...io, signal: controller.signal, exitCode: 0 };
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop now
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const program = makeProgram(ctx);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(ctx, e, program.opts<{ json?: boolean }>().json === true);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await closePool();
  }
}

/**
 * Entry of `bin/winnow.js`: runs the CLI on `process.argv` and sets the exit status.
 *
 * @example
 * ```ts
 * require('@winnow/cli').main() // what bin/winnow.js does with the build
 * ```
 */
export function main(): void {
  // `winnow inspect ... | head`: a reader that went away is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`winnow: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) main();
