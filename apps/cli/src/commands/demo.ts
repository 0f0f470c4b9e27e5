import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { closePool, formatCount, MANIFEST_FILE, WinnowError, type RunSummary } from '@winnow/core';
import { displayPath, globalOptions, writeJson, type CliContext } from '../context';
import { renderReport, renderSummary } from '../render';
import { examplesText, executeStage, summaryJson } from '../stage-command';
import { inspectWithProgress } from './inspect';
import { SAMPLE_COMMAND } from './sample';

/** The repository root: this file is four levels down, in apps/cli/src/commands (source) or apps/cli/dist/commands (build). */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
/** The bundled sample corpus. */
export const DEMO_DATASET = join(REPO_ROOT, 'datasets', 'spamassassin');

interface DemoOptions {
  dataset: string;
  out: string;
}

/**
 * `winnow demo` (what `npm start` runs): inspects the bundled sample, runs
 * `sample --fraction 0.25 --seed 1` on it into `<out>/sample`, inspects the
 * result and says where it is. A rerun reuses the finished output.
 *
 * @param program - the root command.
 * @param ctx - where output goes.
 * @returns the command.
 */
export function addDemoCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('demo')
    .description('what npm start runs: inspect the bundled sample, take a seeded 25% sample of it, inspect the result')
    .option('--dataset <dir>', 'input dataset', displayPath(DEMO_DATASET))
    .option('--out <dir>', 'folder for the demo output', 'out/demo')
    .addHelpText('after', examplesText(['demo', 'demo --workers 2 --out /tmp/winnow-demo', 'demo --json --quiet > demo.json']))
    .action(async (opts: DemoOptions, self: Command) => {
      const globals = globalOptions(self);
      const dataset = resolve(opts.dataset);
      if (!existsSync(join(dataset, MANIFEST_FILE))) {
        throw new WinnowError(
          'CLI_DEMO_DATASET_MISSING',
          `the demo's sample dataset is not built: ${join(dataset, MANIFEST_FILE)} is missing.`,
          {
            hint: 'Run `npm run build-sample` (it rebuilds datasets/spamassassin), or pass --dataset <dir>.',
          },
        );
      }
      const out = resolve(opts.out, 'sample');
      const say = (text: string) => {
        if (!globals.json) ctx.stdout.write(text);
      };
      say(`== 1/3 inspect the bundled sample: winnow inspect ${displayPath(dataset)}\n\n`);
      const before = await inspectWithProgress(dataset, { sample: 2, verify: true }, globals, ctx);
      say(renderReport(before));
      say(
        `\n== 2/3 keep a seeded 25% of it: winnow sample --in ${displayPath(dataset)} --out ${displayPath(out)} --fraction 0.25 --seed 1\n\n`,
      );
      let summary: RunSummary;
      try {
        summary = await executeStage(
          SAMPLE_COMMAND,
          { inputs: [dataset], out, config: { fraction: 0.25, seed: 1 }, overwrite: true },
          globals,
          ctx,
        );
      } finally {
        await closePool();
      }
      say(renderSummary(summary));
      say(`\n== 3/3 inspect the result: winnow inspect ${displayPath(out)}\n\n`);
      const after = await inspectWithProgress(out, { sample: 2, verify: false }, globals, ctx);
      say(renderReport(after));
      say(
        `\nDone: ${formatCount(after.rows)} of ${formatCount(before.rows)} rows kept in ${displayPath(out)}; ` +
          `the ${formatCount(after.ledger?.rows ?? 0)} removed rows, each with its reason, are in ${displayPath(join(out, 'ledger'))}.\n` +
          `Next: npx winnow inspect ${displayPath(join(out, 'ledger'))}   or   npx winnow --help\n`,
      );
      if (globals.json) writeJson(ctx, { dataset: before, sample: summaryJson(summary), result: after });
    });
}
