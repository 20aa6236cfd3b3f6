import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackEmulator } from './emulators/slack/server.js';
import { eventCallback, FORM, JSON_TYPE, postSigned, slashCommandForm } from './emulators/slack/sign.js';
import { briefingsFolder } from './support/core.js';
import { schemaUrl } from './support/pg-url.js';
import { freePort, type Started, startBotProcess } from './support/process.js';
import { PG_URL, scratchSchema } from './support/stores.js';

const SECRET = 'several-instances-signing-secret';
const CHANNEL = 'C0SHARED';
const running: Started[] = [];
let emulator: SlackEmulator | undefined;
let pool: pg.Pool | undefined;

afterEach(async () => {
  for (const instance of running.splice(0)) {
    instance.child.kill('SIGKILL');
    await instance.exited;
  }
  await emulator?.close();
  await pool?.end();
  emulator = undefined;
  pool = undefined;
});

interface Instance {
  name: string;
  url: string;
  started: Started;
}

async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const started = startBotProcess(
    ['src/main.ts'],
    { ...env, PORT: String(port), INSTANCE_ID: name, SLACK_MODE: 'http', WATCH_BRIEFINGS: 'false' },
    90_000,
  );
  running.push(started);
  await expect
    .poll(() => started.stderr(), { timeout: 60_000, interval: 100 })
    .toContain('connected to slack');
  return { name, url: `http://127.0.0.1:${port}/slack/events`, started };
}

const signed = (
  instance: Instance,
  body: string,
  contentType: typeof FORM | typeof JSON_TYPE,
  headers = {},
) => postSigned(instance.url, body, { secret: SECRET, contentType, timestamp: stamp, headers });
/** One signing time for every request of a test, so a second send is byte for byte a replay. */
let stamp = Math.floor(Date.now() / 1000);

const logged = (instances: Instance[], text: string) =>
  instances.reduce(
    (n, i) =>
      n +
      i.started
        .stderr()
        .split('\n')
        .filter((l) => l.includes(text)).length,
    0,
  );

describe.skipIf(!PG_URL)('two bot processes on one PostgreSQL database (Slack)', () => {
  it('answer a command, a thread question and their retries and replays once, also after a restart', async () => {
    const slack = await SlackEmulator.start();
    emulator = slack;
    const schema = await scratchSchema(PG_URL!);
    const env = {
      BRIEFINGS_DIR: briefingsFolder(),
      DATABASE_URL: schemaUrl(PG_URL!, schema),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
    };
    stamp = Math.floor(Date.now() / 1000);
    const [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)]);
    pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 });
    // The receivers come up before the first ingest ends: wait until the seed is in the shared store.
    const items = async () => (await pool!.query('SELECT count(*)::int AS n FROM items')).rows[0].n;
    await expect.poll(items, { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);

    // A slash command, then the same signed request replayed to both instances.
    const command = slashCommandForm({
      text: 'rafah',
      channel_id: CHANNEL,
      user_id: 'U0ANALYST',
      response_url: slack.responseUrl(),
    });
    expect((await signed(a!, command, FORM)).status).toBe(200);
    const briefing = await slack.waitFor((e) => e.posted()[0], 15_000);
    const briefingTs = (briefing.response as { ts: string }).ts;
    const replays = await Promise.all([signed(a!, command, FORM), signed(b!, command, FORM)]);
    expect(replays.map((r) => r.status)).toEqual([200, 200]);
    await expect.poll(() => logged([a!, b!], 'replayed slash command ignored'), { timeout: 10_000 }).toBe(2);
    await expect
      .poll(async () => (await pool!.query('SELECT count(*)::int AS n FROM thread_contexts')).rows[0].n, {
        timeout: 10_000,
      })
      .toBe(1);

    // A thread question, delivered to both at once (a load balancer retrying on the other one).
    const question = eventCallback({
      type: 'message',
      channel: CHANNEL,
      user: 'U0ANALYST',
      text: 'how many civilians are in Rafah?',
      ts: '1714390000.000101',
      thread_ts: briefingTs,
      client_msg_id: 'msg-shared-1',
    });
    const event = JSON.stringify(question);
    const both = await Promise.all([signed(a!, event, JSON_TYPE), signed(b!, event, JSON_TYPE)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const answers = () => slack.posted().filter((call) => call.body.thread_ts === briefingTs);
    await expect.poll(() => answers().length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => logged([a!, b!], 'duplicate delivery ignored'), { timeout: 10_000 }).toBe(1);
    expect(JSON.stringify(answers()[0]?.body.blocks)).toContain('1.5 million');

    // The instance that answered restarts; Slack's retry of the answered event reaches it.
    const answeredBy = a!.started.stderr().includes('duplicate delivery ignored') ? b! : a!;
    answeredBy.started.child.kill('SIGKILL');
    await answeredBy.started.exited;
    const restarted = await startInstance(`${answeredBy.name}2`, env);
    const retry = await signed(restarted, event, JSON_TYPE, {
      'X-Slack-Retry-Num': '1',
      'X-Slack-Retry-Reason': 'http_timeout',
    });
    expect(retry.status).toBe(200);
    await expect.poll(() => logged([restarted], 'duplicate delivery ignored'), { timeout: 10_000 }).toBe(1);
    expect(answers()).toHaveLength(1);
    expect(slack.posted().filter((call) => call.body.thread_ts === undefined)).toHaveLength(1);
  }, 180_000);
});
