import { parentPort } from 'node:worker_threads';
import { type BuildTask, buildFile } from './build.js';

// One task at a time per thread; the pool hands the next one over when this answers.
parentPort?.on('message', (task: BuildTask) => {
  parentPort?.postMessage(buildFile(task));
});
