import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/core/store/postgres.js';
import { type RecordedCall, SlackEmulator } from './emulators/slack/server.js';
import { briefingsFolder } from './support/core.js';
import { freePort, type Started, startBotProcess } from './support/process.js';
import { PG_URL, schemaUrl, scratchSchema } from './support/stores.js';

/**
 * The soak of issue 15 in its short CI form: three bot processes on one PostgreSQL database, digests
 * of 24 subscriptions in 8 channels due at once on a slow Slack, one instance SIGKILLed mid-run and
 * started again: every digest is in its channel exactly once.
 */
const SUBSCRIPTIONS = 24;
const CHANNELS = 8;
const running: Started[] = [];
let slack: SlackEmulator | undefined;
let pool: pg.Pool | undefined;

afterEach(async () => {
  for (const bot of running.splice(0)) {
    bot.child.kill('SIGKILL');
    await bot.exited;
  }
  await slack?.close();
  await pool?.end();
  slack = undefined;
  pool = undefined;
});

const runOf = (call: RecordedCall) =>
  (call.body.metadata as { event_payload?: { run_id?: string } } | undefined)?.event_payload?.run_id;

describe.skipIf(!PG_URL)('soak: three instances on one PostgreSQL database', () => {
  it('one SIGKILLed mid-run and restarted: every digest is posted exactly once', async () => {
    const emulator = await SlackEmulator.start();
    slack = emulator;
    // Each post takes a while, so the run is under way when an instance dies.
    emulator.slowDown('chat.postMessage', 300);
    const url = schemaUrl(PG_URL!, await scratchSchema(PG_URL!));
    const due = new Date(Date.now() - 60_000);
    const store = await PostgresStore.open(url);
    const topics = ['gaza', 'rafah', 'humanitarian-aid'];
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      await store.saveSubscription({
        id: `soak-${i}`,
        platform: 'slack',
        workspaceId: 'T0EMU',
        channelId: `C0SOAK${i % CHANNELS}`,
        topics: [topics[Math.floor(i / CHANNELS) % topics.length]!],
        time: due.toISOString().slice(11, 16),
        timezone: 'UTC',
        quiet: false,
        createdBy: 'U0LEAD',
        createdAt: new Date(Date.now() - 86_400_000).toISOString(),
      });
    }
    await store.close();
    const env = {
      BRIEFINGS_DIR: briefingsFolder(),
      DATABASE_URL: url,
      SLACK_BOT_TOKEN: emulator.botToken,
      SLACK_SIGNING_SECRET: 'soak-secret',
      SLACK_MODE: 'http',
      SLACK_API_URL: emulator.apiUrl,
      WATCH_BRIEFINGS: 'false',
    };
    const start = async (name: string) => {
      const bot = startBotProcess(
        ['src/main.ts'],
        { ...env, INSTANCE_ID: name, PORT: String(await freePort()) },
        300_000,
      );
      running.push(bot);
      return bot;
    };
    const [a] = await Promise.all([start('soak-a'), start('soak-b'), start('soak-c')]);

    await emulator
      .waitFor((e) => e.posted().length >= 3 || undefined, 150_000)
      .catch((error) => {
        // What each instance was doing, for whoever reads the failure.
        console.log(running.map((r) => r.stderr()).join('\n-----\n'));
        throw error;
      });
    a!.child.kill('SIGKILL');
    await a!.exited;
    await start('soak-a');

    pool = new pg.Pool({ connectionString: url, max: 1 });
    const unfinished = async () =>
      (await pool!.query("SELECT count(*)::int AS n FROM digest_runs WHERE status <> 'posted'")).rows[0].n +
      SUBSCRIPTIONS -
      (await pool!.query('SELECT count(*)::int AS n FROM digest_runs')).rows[0].n;
    await expect.poll(unfinished, { timeout: 120_000, interval: 500 }).toBe(0);
    const runs = emulator.posted().map(runOf);
    expect(runs).toHaveLength(SUBSCRIPTIONS);
    expect(new Set(runs).size).toBe(SUBSCRIPTIONS);
  }, 330_000);
});
