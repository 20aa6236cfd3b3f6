import { parentPort } from 'node:worker_threads';
import { type BuildTask, buildTask } from './build.js';

// Tasks are built in the order they arrive, one answer each: the pool matches answers to tasks by order.
parentPort?.on('message', (task: BuildTask) => {
  parentPort?.postMessage(buildTask(task));
});
