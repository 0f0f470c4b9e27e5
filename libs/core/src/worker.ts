/**
 * Entry of the piscina worker threads: runs one task of a stage.
 * Loaded by file name; see executor.ts.
 */
import { runTask, type TaskMessage, type TaskOutcome } from './task-runner';

export default function work(msg: TaskMessage): Promise<TaskOutcome> {
  return runTask(msg);
}
