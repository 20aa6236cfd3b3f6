import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread on `entry`, a module's compiled `.js` URL. From a build the worker is plain
 * JavaScript. From the TypeScript sources (tsx, vitest) it is the `.ts` beside it, and Node 20 does not
 * apply `--import tsx` to a worker's entry point, so a small bootstrap registers tsx's loader in the
 * thread first (the ESM entry of `tsx/esm/api`, beside the CommonJS one that require.resolve finds).
 */
export function startWorker(entry: URL): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(entry);
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  );
  const source = new URL(entry.href.replace(/\.js$/, '.ts'));
  const bootstrap = `import(${JSON.stringify(api.href)}).then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}
