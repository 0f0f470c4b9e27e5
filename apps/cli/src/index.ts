/**
 * `@winnow/cli`: the `winnow` command. Import it to run the CLI in-process or
 * to add stage commands the same way the built-in ones are added.
 */
export { makeProgram, runCli, main } from './main';
export {
  addStageCommand,
  executeStage,
  examplesText,
  summaryJson,
  type StageCommandSpec,
  type StageOptionSpec,
  type StageRunSettings,
} from './stage-command';
export { type CliContext, type GlobalOptions, type OutputStream } from './context';
export { integerAtLeast, finiteNumber, parseSize } from './parse';
