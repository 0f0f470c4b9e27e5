/**
 * The one way a stage becomes a command: `winnow <stage> --in <dataset> --out
 * <dataset> [stage options] [--task-index i --task-count n] [--overwrite]
 * [--shard-rows n] [--shard-bytes size]`. Every stage library's command is a
 * {@link StageCommandSpec} given to {@link addStageCommand}.
 */
import { Option, type Command } from 'commander';
import { closePool, loadConfigFile, loadStage, runStage, validateConfig, type RunSummary, type StageRef } from '@winnow/core';
import { commandLogger, globalOptions, writeJson, type CliContext, type GlobalOptions } from './context';
import { integerAtLeast, parseSize } from './parse';
import { renderSummary } from './render';

/** A command-line option that sets one field of the stage's config. */
export interface StageOptionSpec {
  /** Commander flags, e.g. `--fraction <f>`. */
  flags: string;
  description: string;
  /** The config field it sets, e.g. `fraction`. Validation (ranges, defaults) is the stage's zod schema. */
  config: string;
  /** Turns the text into the config value (default: the text). Throw commander's InvalidArgumentError. */
  parse?: (value: string) => unknown;
  /** Shown as required in `--help`; the stage's schema enforces it (a `--config` file may set it instead). */
  required?: boolean;
}

/** How a stage appears on the command line. */
export interface StageCommandSpec {
  /** Command name, e.g. `sample`. */
  name: string;
  /** One line for `winnow --help`. */
  description: string;
  /** The stage: module path (resolved, loadable by worker threads) and export name. */
  stage: StageRef;
  options: readonly StageOptionSpec[];
  /**
   * For a stage that reads raw sources rather than a dataset (ingest): the
   * positional argument that names them, and how they become config fields.
   * Without it the command takes `--in <dataset>`.
   */
  sources?: {
    /** Commander argument, e.g. `<inputs...>`. */
    argument: string;
    description: string;
    /** Resolves the arguments (files, folders, globs) into config fields, e.g. `{ files }`. */
    toConfig(inputs: string[]): Promise<Record<string, unknown>>;
  };
  /** Example command lines for `--help` (without the leading `winnow`). */
  examples: readonly string[];
}

/** One run of a stage command, after parsing. */
export interface StageRunSettings {
  inputs: string[];
  out: string;
  /** Stage config from the stage's own options. */
  config: Record<string, unknown>;
  /** A YAML file with the stage's config; `config` values win over it. */
  configFile?: string;
  taskIndex?: number;
  taskCount?: number;
  overwrite?: boolean;
  shardRows?: number;
  shardBytes?: number;
  /** Keep removed documents' text in the ledger (default true). */
  ledgerText?: boolean;
}

interface CommonStageOptions {
  config?: string;
  /** Absent for source stages (their inputs are positional). */
  in: string;
  out: string;
  taskIndex?: number;
  taskCount?: number;
  overwrite?: boolean;
  shardRows?: number;
  shardBytes?: number;
  ledgerText: boolean;
}

/**
 * Adds a stage command to the program: the stage's own options, the shared
 * ones, examples in `--help`, and an action that validates the config (errors
 * name the option), runs the stage on the worker pool, prints the summary
 * table (or JSON with `--json`) and closes the pool.
 *
 * @param program - the root command.
 * @param spec - the stage's command description.
 * @param ctx - where output goes.
 * @returns the new command.
 * @example
 * ```ts
 * addStageCommand(program, {
 *   name: 'sample', description: 'keep a seeded fraction of rows',
 *   stage: { module: require.resolve('@winnow/core'), export: 'sampleStage' },
 *   options: [{ flags: '--fraction <f>', description: 'fraction to keep', config: 'fraction', parse: finiteNumber, required: true }],
 *   examples: ['sample --in datasets/spamassassin --out out/s --fraction 0.25'],
 * }, ctx)
 * ```
 */
export function addStageCommand(program: Command, spec: StageCommandSpec, ctx: CliContext): Command {
  const cmd = program.command(spec.name).description(spec.description);
  if (spec.sources === undefined) cmd.requiredOption('--in <dataset>', 'input dataset folder');
  else cmd.argument(spec.sources.argument, spec.sources.description);
  cmd.requiredOption('--out <dataset>', 'output dataset folder (created; a rerun reuses finished work)');
  for (const o of spec.options) {
    const option = new Option(o.flags, o.description);
    if (o.parse !== undefined) option.argParser(o.parse);
    if (o.required === true) option.description = `${o.description} (required, here or in --config)`;
    cmd.addOption(option);
  }
  cmd.option('--config <file.yaml>', "the stage's options as a YAML file (keys as in the manifest's stage config; options given here win)");
  cmd
    .addOption(
      new Option('--task-index <i>', 'run only the tasks t with t % task-count == i (one job of a cluster array)').argParser(
        integerAtLeast(0),
      ),
    )
    .addOption(new Option('--task-count <n>', 'number of slices the tasks are split into').argParser(integerAtLeast(1)))
    .option('--overwrite', 'replace an output folder that holds a dataset made with another config or input')
    .addOption(new Option('--shard-rows <n>', 'roll output shards after this many rows').argParser(integerAtLeast(1)))
    .addOption(new Option('--shard-bytes <size>', 'roll output shards at this size (e.g. 128MiB, 100MB)').argParser(parseSize))
    .option('--no-ledger-text', "leave removed documents' text out of the ledger")
    .addHelpText('after', examplesText(spec.examples))
    .action(async (...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const opts = self.opts<CommonStageOptions & Record<string, unknown>>();
      const config: Record<string, unknown> = {};
      for (const o of spec.options) {
        const value = opts[attributeOf(self, o.flags)];
        if (value !== undefined) config[o.config] = value;
      }
      if (opts.taskIndex !== undefined && opts.taskIndex >= (opts.taskCount ?? 1)) {
        self.error(
          `error: option '--task-index <i>' argument '${opts.taskIndex}' is invalid. expected an integer < --task-count (${opts.taskCount ?? 1}).`,
          {
            exitCode: 2,
            code: 'winnow.usage',
          },
        );
      }
      const globals = globalOptions(self);
      try {
        if (spec.sources !== undefined) Object.assign(config, await spec.sources.toConfig(args[0] as string[]));
        const summary = await executeStage(
          spec,
          {
            inputs: spec.sources === undefined ? [opts.in] : [],
            out: opts.out,
            config,
            ...(opts.config === undefined ? {} : { configFile: opts.config }),
            ...(opts.taskIndex === undefined ? {} : { taskIndex: opts.taskIndex }),
            ...(opts.taskCount === undefined ? {} : { taskCount: opts.taskCount }),
            overwrite: opts.overwrite === true,
            ...(opts.shardRows === undefined ? {} : { shardRows: opts.shardRows }),
            ...(opts.shardBytes === undefined ? {} : { shardBytes: opts.shardBytes }),
            ledgerText: opts.ledgerText,
          },
          globals,
          ctx,
          self,
        );
        if (globals.json) writeJson(ctx, summaryJson(summary));
        else ctx.stdout.write(renderSummary(summary));
      } finally {
        await closePool();
      }
    });
  return cmd;
}

/**
 * Runs a stage with the CLI's settings: validates the config first (with
 * `cmd`, an invalid field is reported as a usage error naming its option),
 * then runs it on the worker pool with progress on standard error.
 *
 * @param spec - the stage's command description.
 * @param settings - inputs, output, config and execution options.
 * @param globals - the global options (workers, on-error, quiet).
 * @param ctx - where output goes.
 * @param cmd - the command, for usage errors; without it an invalid config throws ConfigError.
 * @returns the run's summary.
 * @example
 * ```ts
 * const summary = await executeStage(SAMPLE_COMMAND, { inputs: ['datasets/spamassassin'], out: 'out/s', config: { fraction: 0.25 } }, globals, ctx)
 * ```
 */
export async function executeStage(
  spec: StageCommandSpec,
  settings: StageRunSettings,
  globals: GlobalOptions,
  ctx: CliContext,
  cmd?: Command,
): Promise<RunSummary> {
  const stage = loadStage(spec.stage);
  if (settings.configFile === undefined) {
    const parsed = stage.config.safeParse(settings.config);
    if (!parsed.success && cmd !== undefined) {
      const issue = parsed.error.issues[0]!;
      const option = spec.options.find((o) => o.config === String(issue.path[0]));
      if (option !== undefined) {
        const given = settings.config[option.config];
        const text =
          given === undefined
            ? `error: required option '${option.flags}' not specified (or give it in --config)`
            : `error: option '${option.flags}' argument '${typeof given === 'string' ? given : JSON.stringify(given)}' is invalid. ${issue.message}.`;
        cmd.error(text, { exitCode: 2, code: 'winnow.usage' });
      }
    }
  }
  // a config file is validated with the command-line values laid over it: errors name its line and field
  const config =
    settings.configFile === undefined
      ? validateConfig(stage.config, settings.config, `${spec.name} options`)
      : await loadConfigFile(settings.configFile, stage.config, { overrides: settings.config });
  const shard = {
    ...(settings.shardRows === undefined ? {} : { targetRows: settings.shardRows }),
    ...(settings.shardBytes === undefined ? {} : { targetBytes: settings.shardBytes }),
  };
  return runStage({
    stage: spec.stage,
    config,
    inputs: settings.inputs,
    out: settings.out,
    workers: globals.workers,
    ...(settings.taskIndex === undefined ? {} : { taskIndex: settings.taskIndex }),
    ...(settings.taskCount === undefined ? {} : { taskCount: settings.taskCount }),
    onError: globals.onError,
    ledgerText: settings.ledgerText ?? true,
    overwrite: settings.overwrite ?? false,
    shard,
    logger: commandLogger(ctx, globals),
    progress: { stream: ctx.stderr, quiet: globals.quiet },
    signal: ctx.signal,
  });
}

/**
 * The JSON form of a run summary: everything but the output manifest (read it
 * from `<out>/manifest.json`).
 *
 * @param s - the summary.
 * @returns a plain object.
 * @example
 * ```ts
 * writeJson(ctx, summaryJson(summary))
 * ```
 */
export function summaryJson(s: RunSummary): Omit<RunSummary, 'manifest'> {
  const { manifest: _manifest, ...rest } = s;
  return rest;
}

/**
 * The `Examples:` block of a command's help.
 *
 * @param examples - command lines without the leading `winnow`.
 * @returns the text.
 * @example
 * ```ts
 * cmd.addHelpText('after', examplesText(['inspect datasets/spamassassin']))
 * ```
 */
export function examplesText(examples: readonly string[]): string {
  return `\nExamples:\n${examples.map((e) => `  $ winnow ${e}`).join('\n')}\n`;
}

function attributeOf(cmd: Command, flags: string): string {
  const option = cmd.options.find((o) => o.flags === flags);
  if (option === undefined) throw new Error(`no option ${flags} on ${cmd.name()}`);
  return option.attributeName();
}
