import { Option, type Command } from 'commander';
import { DEFAULT_SAMPLE_ROWS, inspectDataset, openDataset, Progress, type DatasetReport } from '@winnow/core';
import { globalOptions, writeJson, type CliContext, type GlobalOptions } from '../context';
import { integerAtLeast } from '../parse';
import { renderReport } from '../render';
import { examplesText } from '../stage-command';

interface InspectCommandOptions {
  sample: number;
  verify?: boolean;
}

/**
 * Inspects a dataset with a progress bar on standard error.
 *
 * @param dir - the dataset folder.
 * @param options - sample rows and verification.
 * @param globals - the global options (quiet).
 * @param ctx - where output goes.
 * @returns the report.
 */
export async function inspectWithProgress(
  dir: string,
  options: InspectCommandOptions,
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<DatasetReport> {
  const ds = await openDataset(dir);
  const progress = new Progress({ label: 'inspect', totalBytes: ds.manifest.bytes, stream: ctx.stderr, quiet: globals.quiet });
  const report = await inspectDataset(dir, {
    sample: options.sample,
    verify: options.verify === true,
    signal: ctx.signal,
    onProgress: (d) => progress.add(d),
  });
  progress.finish();
  return report;
}

/**
 * `winnow inspect <dataset>`: schema, shards, per-column statistics, ledger
 * reasons and sample rows, as text or (`--json`) the report.
 *
 * @param program - the root command.
 * @param ctx - where output goes.
 * @returns the command.
 */
export function addInspectCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('inspect')
    .description('show what a dataset holds: schema, shards, column statistics, ledger reasons, sample rows')
    .argument('<dataset>', 'dataset folder (holds manifest.json and shards/)')
    .addOption(new Option('--sample <n>', 'sample rows to show (the first n)').argParser(integerAtLeast(0)).default(DEFAULT_SAMPLE_ROWS))
    .option('--verify', 'checksum every shard while reading it')
    .addHelpText(
      'after',
      examplesText([
        'inspect datasets/spamassassin',
        'inspect datasets/spamassassin --sample 5 --verify',
        'inspect out/demo/sample/ledger',
        "inspect out/demo/sample --json | jq '.columns[] | {name, nulls}'",
      ]) +
        '\nStrings get length statistics in characters; top values are counted only for columns whose\n' +
        'values are all at most 256 characters (free text like `text` gets lengths only), exactly up to\n' +
        '10,000 distinct values and approximately (Misra-Gries, marked ~) beyond.\n',
    )
    .action(async (dataset: string, opts: InspectCommandOptions, self: Command) => {
      const globals = globalOptions(self);
      const report = await inspectWithProgress(dataset, opts, globals, ctx);
      if (globals.json) writeJson(ctx, report);
      else ctx.stdout.write(renderReport(report));
    });
}
