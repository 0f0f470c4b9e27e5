import type { Command } from 'commander';
import { Progress, verifyDataset } from '@winnow/core';
import { displayPath, globalOptions, writeJson, type CliContext } from '../context';
import { renderVerify } from '../render';
import { examplesText } from '../stage-command';

/**
 * `winnow verify <dataset>`: checksums every shard (and the ledger's and
 * quarantine's) against the manifests; exit status 1 naming each bad shard.
 *
 * @param program - the root command.
 * @param ctx - where output goes.
 * @returns the command.
 */
export function addVerifyCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('verify')
    .description('checksum every shard of a dataset (and of its ledger and quarantine); exit 1 naming each bad one')
    .argument('<dataset>', 'dataset folder (holds manifest.json and shards/)')
    .addHelpText('after', examplesText(['verify datasets/spamassassin', 'verify out/demo/sample --json']))
    .action(async (dataset: string, _opts: unknown, self: Command) => {
      const globals = globalOptions(self);
      const progress = new Progress({ label: 'verify', stream: ctx.stderr, quiet: globals.quiet });
      const report = await verifyDataset(dataset, {
        signal: ctx.signal,
        onProgress: (d) => progress.add({ bytes: d.bytes, tasks: d.shards }),
      });
      progress.finish();
      if (globals.json) writeJson(ctx, report);
      else ctx.stdout.write(renderVerify(report));
      for (const f of report.failures)
        ctx.stderr.write(`error [${f.error?.code ?? 'UNEXPECTED'}]: ${displayPath(f.file)}: ${f.error?.message ?? 'failed'}\n`);
      if (!report.ok) ctx.exitCode = 1;
    });
}
