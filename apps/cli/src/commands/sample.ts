import type { Command } from 'commander';
import type { CliContext } from '../context';
import { finiteNumber } from '../parse';
import { addStageCommand, type StageCommandSpec } from '../stage-command';

/** `winnow sample`: core's sampleStage, a seeded deterministic fraction of rows. */
export const SAMPLE_COMMAND: StageCommandSpec = {
  name: 'sample',
  description: 'keep a seeded random fraction of rows; the others go to the ledger with reason "sample"',
  stage: { module: require.resolve('@winnow/core'), export: 'sampleStage' },
  options: [
    {
      flags: '--fraction <f>',
      description: 'fraction of rows to keep, in (0, 1]',
      config: 'fraction',
      parse: finiteNumber,
      required: true,
    },
    { flags: '--seed <s>', description: 'seed of the keep decision (default 0)', config: 'seed', parse: finiteNumber },
    {
      flags: '--key <column>',
      description: 'column whose value decides, so the same row is kept in every split (default id)',
      config: 'key',
    },
  ],
  examples: [
    'sample --in datasets/spamassassin --out out/quarter --fraction 0.25 --seed 1',
    'sample --in datasets/spamassassin --out out/half --fraction 0.5 --workers 2 --shard-rows 1000',
    'sample --in big --out big-10pct --fraction 0.1 --task-index 0 --task-count 8   # one of 8 cluster jobs',
  ],
};

/**
 * Adds `winnow sample`.
 *
 * @param program - the root command.
 * @param ctx - where output goes.
 * @returns the command.
 */
export function addSampleCommand(program: Command, ctx: CliContext): Command {
  return addStageCommand(program, SAMPLE_COMMAND, ctx);
}
