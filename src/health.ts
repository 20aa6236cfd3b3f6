import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { UserError } from './core/errors.js';
import type { Logger } from './core/logger.js';

/** What /readyz checks; main fills it in as start-up goes on. */
export interface Readiness {
  /** Answers whether the store responds; unset until the store is open. */
  store?: (() => Promise<unknown>) | undefined;
  /** The first pass over the briefings is done. */
  ingested: boolean;
  /** Each platform adapter: connected or not yet. */
  platforms: Map<string, boolean>;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

const STORE_TIMEOUT_MS = 2_000;

/**
 * /healthz (the process answers: liveness), /readyz (store reachable, first ingest done, every
 * platform connected: 200, else 503 naming what is not) and /metrics (Prometheus text format).
 */
export async function startHealthServer(options: {
  port: number;
  host?: string | undefined;
  readiness: Readiness;
  registry: Registry;
  logger: Logger;
}): Promise<HealthServer> {
  const { readiness, registry, logger } = options;
  const checks = async () => {
    const store = readiness.store ? await reachable(readiness.store) : false;
    const platforms = Object.fromEntries(readiness.platforms);
    const ready = store && readiness.ingested && Object.values(platforms).every(Boolean);
    return { ready, store, ingest: readiness.ingested, platforms };
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'text/plain', 'GET only\n');
    if (path === '/healthz') return answer(200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      void checks().then((state) =>
        answer(state.ready ? 200 : 503, 'application/json', `${JSON.stringify(state)}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      void registry.metrics().then(
        (text) => answer(200, registry.contentType, text),
        (error: unknown) => {
          logger.error('metrics failed', { error });
          answer(500, 'text/plain', 'metrics failed\n');
        },
      );
      return;
    }
    answer(404, 'text/plain', 'Try /healthz, /readyz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: Error & { code?: string }) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new UserError(
              `HEALTH_PORT ${options.port}: cannot listen there (${error.code}): choose a free port, or 0 for any`,
              { cause: error },
            )
          : error,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  logger.info('health server listening', { url: `http://${options.host ?? '0.0.0.0'}:${port}`, port });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
