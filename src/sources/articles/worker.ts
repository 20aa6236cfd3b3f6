import { parentPort } from 'node:worker_threads';
import { extractArticle } from './extract.js';

export interface ExtractTask {
  id: number;
  html: string;
}

export interface ExtractAnswer {
  id: number;
  text?: string | undefined;
  error?: string | undefined;
}

// Imports are loaded: from now on the parent's time limit is the page's alone.
parentPort?.postMessage({ ready: true });

// One page at a time: the parent times each out and replaces a thread stuck on one.
parentPort?.on('message', ({ id, html }: ExtractTask) => {
  let answer: ExtractAnswer;
  try {
    answer = { id, text: extractArticle(html) };
  } catch (error) {
    answer = { id, error: (error as Error).message };
  }
  parentPort?.postMessage(answer);
});
