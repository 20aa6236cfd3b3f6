import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { type RecordedCall, SlackEmulator } from './emulators/slack/server.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { freePort, type Started, startBotProcess } from './support/process.js';

/**
 * The real bot process, killed with SIGKILL in the middle of a digest and started again: the digest
 * reaches the channel exactly once, and promptly, not when the 5-minute lease ends.
 */
const CHANNEL = 'C0DIGEST';
const running: Started[] = [];
let slack: SlackEmulator | undefined;

afterEach(async () => {
  for (const bot of running.splice(0)) {
    bot.child.kill('SIGKILL');
    await bot.exited;
  }
  await slack?.close();
  slack = undefined;
});

/** A database with one Slack subscription whose digest fell due a minute ago (made yesterday). */
async function dueSubscription(database: string): Promise<{ subscriptionId: string; periodKey: string }> {
  const due = new Date(Date.now() - 60_000);
  const time = due.toISOString().slice(11, 16);
  const store = new SqliteStore(database);
  await store.saveSubscription({
    id: 'sub-crash',
    platform: 'slack',
    workspaceId: 'T0EMU',
    channelId: CHANNEL,
    topics: ['gaza'],
    time,
    timezone: 'UTC',
    quiet: false,
    createdBy: 'U0LEAD',
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  });
  await store.close();
  return { subscriptionId: 'sub-crash', periodKey: due.toISOString().slice(0, 10) };
}

function runRow(database: string, periodKey: string) {
  const db = new Database(database, { readonly: true });
  try {
    return db
      .prepare('SELECT status, owner, attempts, message_ref FROM digest_runs WHERE period_key = ?')
      .get(periodKey) as { status: string; owner: string; attempts: number; message_ref: string | null };
  } finally {
    db.close();
  }
}

async function startBot(emulator: SlackEmulator, env: Record<string, string>): Promise<Started> {
  const bot = startBotProcess(
    ['src/main.ts'],
    {
      SLACK_BOT_TOKEN: emulator.botToken,
      SLACK_SIGNING_SECRET: 'digest-crash-secret',
      SLACK_MODE: 'http',
      SLACK_API_URL: emulator.apiUrl,
      PORT: String(await freePort()),
      WATCH_BRIEFINGS: 'false',
      ...env,
    },
    90_000,
  );
  running.push(bot);
  return bot;
}

async function kill(bot: Started): Promise<void> {
  bot.child.kill('SIGKILL');
  await bot.exited;
}

const digestRunOf = (call: RecordedCall) =>
  (call.body.metadata as { event_payload?: { run_id?: string } } | undefined)?.event_payload?.run_id;

describe('a digest across SIGKILL (the real bot process, Slack)', () => {
  it('killed between Slack’s 200 and recording it: after a restart it is found in the channel, not posted again', async () => {
    const emulator = await SlackEmulator.start();
    slack = emulator;
    const database = join(scratchDir(), 'crash.db');
    const env = { BRIEFINGS_DIR: briefingsFolder(), DATABASE_PATH: database };
    const run = await dueSubscription(database);

    // Slack takes the post and shows it; its 200 waits until the store is locked, so the bot gets the
    // 200 and then cannot record it, whatever the machine's speed.
    emulator.holdNext('chat.postMessage', 'accept');
    const first = await startBot(emulator, env);
    const held = await emulator.waitFor((e) => e.held[0], 60_000);
    expect(digestRunOf(held.call)).toBe(`${run.subscriptionId}/${run.periodKey}`);
    const lock = new Database(database);
    lock.pragma('busy_timeout = 5000');
    lock.exec('BEGIN IMMEDIATE');
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await kill(first);
    lock.exec('ROLLBACK');
    lock.close();
    expect(runRow(database, run.periodKey)).toMatchObject({ status: 'claimed', attempts: 1 });
    expect(emulator.posted()).toHaveLength(1);

    // Same host, no INSTANCE_ID: the restart adopts the stored id of the dead process.
    const restartedAt = Date.now();
    const second = await startBot(emulator, env);
    await expect
      .poll(() => runRow(database, run.periodKey).status, { timeout: 60_000, interval: 200 })
      .toBe('posted');
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    const posted = emulator.posted();
    expect(posted).toHaveLength(1);
    expect(runRow(database, run.periodKey).message_ref).toBe(
      `slack:${CHANNEL}:${(posted[0]!.response as { ts: string }).ts}`,
    );
    expect(emulator.callsOf('conversations.history').length).toBeGreaterThan(0);
    expect(second.stderr()).toContain('instance id adopted');
    // Logged just after the run is recorded, and read from the child's stderr a moment later.
    await expect
      .poll(() => second.stderr(), { timeout: 10_000, interval: 100 })
      .toContain('digest found already posted by an earlier attempt');
  }, 150_000);

  it('killed while claimed but before Slack took the post: the same INSTANCE_ID posts it at once after a restart', async () => {
    const emulator = await SlackEmulator.start();
    slack = emulator;
    const database = join(scratchDir(), 'crash.db');
    const env = { BRIEFINGS_DIR: briefingsFolder(), DATABASE_PATH: database, INSTANCE_ID: 'digests-1' };
    const run = await dueSubscription(database);

    emulator.holdNext('chat.postMessage', 'drop');
    const first = await startBot(emulator, env);
    await emulator.waitFor((e) => e.held[0], 60_000);
    await kill(first);
    expect(runRow(database, run.periodKey)).toMatchObject({ status: 'claimed', owner: 'digests-1' });
    expect(emulator.posted()).toHaveLength(0);

    const restartedAt = Date.now();
    await startBot(emulator, env);
    await expect
      .poll(() => runRow(database, run.periodKey).status, { timeout: 60_000, interval: 200 })
      .toBe('posted');
    // Within the restart, not after the 5-minute lease.
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    expect(emulator.posted().map(digestRunOf)).toEqual([`${run.subscriptionId}/${run.periodKey}`]);
  }, 150_000);

  it('a graceful stop does not wait for a digest post Slack is not answering, and the restart posts it', async () => {
    const emulator = await SlackEmulator.start();
    slack = emulator;
    const database = join(scratchDir(), 'stop.db');
    const env = { BRIEFINGS_DIR: briefingsFolder(), DATABASE_PATH: database };
    const run = await dueSubscription(database);

    emulator.holdNext('chat.postMessage', 'drop');
    const first = await startBot(emulator, env);
    await emulator.waitFor((e) => e.held[0], 60_000);
    const stoppedAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // The post waits out the client's timeout (it is never resent by the client); the stop gives it 10 s.
    expect(Date.now() - stoppedAt).toBeLessThan(25_000);
    expect(first.stderr()).toContain('stopping without waiting for digest posts still under way');

    await startBot(emulator, env);
    await expect
      .poll(() => runRow(database, run.periodKey).status, { timeout: 60_000, interval: 200 })
      .toBe('posted');
    expect(emulator.posted().map(digestRunOf)).toEqual([`${run.subscriptionId}/${run.periodKey}`]);
  }, 150_000);
});
