import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/logger.js';
import { type Readiness, startHealthServer } from '../src/health.js';
import { PrometheusMetrics } from '../src/metrics.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { startScript } from './support/process.js';

async function get(port: number, path: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/** Bounded wait for a condition on a running process's output. */
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the health server', () => {
  it('is not ready until the store answers, the first ingest is done and every platform is connected', async () => {
    const readiness: Readiness = { ingested: false, platforms: new Map([['slack', false]]) };
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      readiness,
      registry: new Registry(),
      logger: silentLogger,
    });
    try {
      expect((await get(server.port, '/healthz')).status).toBe(200);
      const before = await get(server.port, '/readyz');
      expect(before.status).toBe(503);
      expect(JSON.parse(before.body)).toEqual({
        ready: false,
        store: false,
        ingest: false,
        platforms: { slack: false },
      });

      readiness.store = () => Promise.reject(new Error('database is down'));
      readiness.ingested = true;
      readiness.platforms.set('slack', true);
      expect(JSON.parse((await get(server.port, '/readyz')).body)).toMatchObject({
        ready: false,
        store: false,
      });

      readiness.store = () => Promise.resolve(1);
      const after = await get(server.port, '/readyz');
      expect(after.status).toBe(200);
      expect(JSON.parse(after.body)).toMatchObject({ ready: true, store: true, ingest: true });
      expect((await get(server.port, '/nope')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('/metrics speaks the Prometheus text format with the bot’s counters', async () => {
    const metrics = new PrometheusMetrics();
    metrics.command('slack', 'brief', 'ok');
    metrics.answer('discord', 'refused');
    metrics.digestPosted('slack', 90);
    metrics.rateLimited('discord');
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      readiness: { ingested: true, platforms: new Map() },
      registry: metrics.registry,
      logger: silentLogger,
    });
    try {
      const { status, type, body } = await get(server.port, '/metrics');
      expect(status).toBe(200);
      expect(type).toContain('text/plain');
      expect(body).toContain('briefbot_commands_total{platform="slack",command="brief",outcome="ok"} 1');
      expect(body).toContain('briefbot_answers_total{platform="discord",outcome="refused"} 1');
      expect(body).toContain('briefbot_digest_posts_total{platform="slack"} 1');
      expect(body).toContain('briefbot_digest_lateness_seconds_bucket{le="300",platform="slack"} 1');
      expect(body).toContain('briefbot_rate_limited_total{platform="discord"} 1');
      expect(body).toContain('# TYPE process_cpu_seconds_total counter');
    } finally {
      await server.close();
    }
  });
});

describe('health and metrics in console mode', () => {
  it('HEALTH_PORT serves /readyz and /metrics while the console runs, counting its commands', async () => {
    const dir = scratchDir();
    const bot = startScript(['src/main.ts'], {
      BRIEFINGS_DIR: briefingsFolder(),
      DATABASE_PATH: join(dir, 'health.db'),
      HEALTH_PORT: '0',
      LOG_FORMAT: 'json',
      WATCH_BRIEFINGS: 'false',
    });
    try {
      await until(
        () => /"platform":"console"/.test(bot.stderr()) && /"port":\d+/.test(bot.stderr()),
        'ready',
      );
      const port = Number(/"port":(\d+)/.exec(bot.stderr())?.[1]);
      const ready = await get(port, '/readyz');
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({
        ready: true,
        store: true,
        ingest: true,
        platforms: { console: true },
      });

      bot.child.stdin.write('/brief rafah\nhow many civilians are in Rafah?\n/brief zebras\n');
      await until(
        () =>
          bot.stdout().includes('1.5 million') && /"command":"brief".*"command":"brief"/s.test(bot.stderr()),
        'replies',
      );
      const { body } = await get(port, '/metrics');
      expect(body).toContain('briefbot_commands_total{platform="console",command="brief",outcome="ok"} 2');
      expect(body).toContain('briefbot_answers_total{platform="console",outcome="answered"} 1');
      expect(body).toContain('briefbot_ingest_documents_total 1');
      expect(body).toContain('briefbot_ingest_errors_total 0');
    } finally {
      bot.child.stdin.end();
      expect(await bot.exited).toBe(0);
    }
  });
});
