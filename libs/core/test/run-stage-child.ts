/**
 * Child process for the crash test: runs the sample stage with 2 workers.
 * usage: node --conditions=@winnow/source --import tsx run-stage-child.ts <input> <out>
 */
import { closePool, runStage } from '../src';

async function main(): Promise<void> {
  const [input, out] = process.argv.slice(2);
  const summary = await runStage({
    stage: { module: require.resolve('../src/sample-stage'), export: 'sampleStage' },
    config: { fraction: 0.5, seed: 3 },
    inputs: [input!],
    out: out!,
    workers: 2,
    shard: { targetRows: 700, batchRows: 100 },
    progress: { quiet: true },
  });
  await closePool();
  process.stdout.write(`${JSON.stringify({ reused: summary.reused, ran: summary.tasks.ran, reusedTasks: summary.tasks.reused })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
