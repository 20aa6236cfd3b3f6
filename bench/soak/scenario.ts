// The soak of the whole system: several bot processes (the real main.ts, each its own Node process) on
// one PostgreSQL database, posting digests to the Slack and Discord emulators under tests/emulators.
// Subscriptions fall due over two minutes; once a share of the digests is out, one instance is killed
// with SIGKILL and started again under its own INSTANCE_ID. Counted on what the platforms accepted:
// every digest exactly once, and a thread question sent to every instance answered once.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../src/core/store/postgres.js';
import { DiscordEmulator } from '../../tests/emulators/discord/server.js';
import { SlackEmulator } from '../../tests/emulators/slack/server.js';
import { eventCallback, JSON_TYPE, postSigned } from '../../tests/emulators/slack/sign.js';
import { schemaUrl } from '../../tests/support/pg-url.js';
import { freePort, type Started, startBotProcess } from '../../tests/support/process.js';
import { repoRoot } from '../paths.js';

export interface SoakOptions {
  /** postgres:// URL of a database the soak may create a schema in (dropped at the end). */
  databaseUrl: string;
  slackChannels: number;
  discordChannels: number;
  instances: number;
  /** Over how many whole minutes the subscriptions fall due (the soak: 2). */
  dueMinutes: number;
  /** The instance is killed once this share of the digests has been accepted. */
  killAfterShare: number;
  /** The whole run gives up after this long. */
  timeoutMs: number;
  log(line: string): void;
}

export interface SoakResult {
  subscriptions: number;
  /** Digests the platforms accepted, by subscription channel. */
  posted: number;
  /** Subscriptions with no digest on the platform, and of those, how many on each platform. */
  lost: number;
  lostByPlatform: { slack: number; discord: number };
  /** Digests posted more than once. */
  duplicated: number;
  /** Runs the store still holds as claimed at the end. */
  stillClaimed: number;
  /** When the first and last digest were accepted, in ms after the first due minute. */
  firstPostMs: number | undefined;
  lastPostMs: number | undefined;
  /** Digests accepted before the kill, and by the restarted instance after it. */
  postedBeforeKill: number;
  killedAt: number | undefined;
  /** Answers to one thread question delivered to every instance. */
  followUpAnswers: number;
  instanceIds: string[];
}

const SECRET = 'soak-signing-secret';
const FOLLOW_UP_WAIT_MS = 30_000;

/** A news file dated today, so every digest has something new to carry. */
function todaysBriefing(today: string): string {
  return `---\ntitle: Aid convoys reach Rafah crossing\ndate: ${today}\ntopics: [gaza]\nsource: Soak Wire\n---\n\nForty aid trucks crossed into Rafah on ${today}, the UN said. The convoy carried food and medical supplies for about 1.4 million civilians sheltering in the city. Officials said more trucks were expected later in the week.\n`;
}

interface Instance {
  id: string;
  port: number;
  started: Started;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { log } = options;
  const admin = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  const schema = `briefbot_soak_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const databaseUrl = schemaUrl(options.databaseUrl, schema);
  const dir = mkdtempSync(path.join(tmpdir(), 'briefbot-soak-'));
  const briefings = path.join(dir, 'briefings');
  cpSync(path.join(repoRoot, 'briefings', 'topics.yaml'), path.join(briefings, 'topics.yaml'), {
    recursive: true,
  });
  writeFileSync(path.join(briefings, 'today.md'), todaysBriefing(new Date().toISOString().slice(0, 10)));
  const slack = await SlackEmulator.start();
  const discord = await DiscordEmulator.start({
    heartbeatIntervalMs: 5_000,
    recommendedShards: options.instances,
  });
  const running: Instance[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    // Subscriptions first, due over the next whole minutes (at least 20 s away): an instance that
    // is not up by then catches up at start, which the count below must survive too.
    const firstDue = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
    const store = await PostgresStore.open(databaseUrl);
    const channels: { platform: 'slack' | 'discord'; channelId: string; subscriptionId: string }[] = [];
    try {
      const createdAt = new Date().toISOString();
      const plan = [
        ...Array.from({ length: options.slackChannels }, (_, i) => ({
          platform: 'slack' as const,
          channelId: `C0SOAK${String(i).padStart(4, '0')}`,
        })),
        ...Array.from({ length: options.discordChannels }, (_, i) => ({
          platform: 'discord' as const,
          channelId: discord.addGuild([i % options.instances, options.instances]).channelId,
        })),
      ];
      for (const [i, channel] of plan.entries()) {
        const due = new Date(firstDue.getTime() + (i % options.dueMinutes) * 60_000);
        const { subscription } = await store.saveSubscription({
          id: `soak-${i}`,
          platform: channel.platform,
          ...(channel.platform === 'slack' ? { workspaceId: slack.teamId } : {}),
          channelId: channel.channelId,
          topics: ['gaza'],
          time: due.toISOString().slice(11, 16),
          timezone: 'UTC',
          quiet: false,
          createdBy: 'soak',
          createdAt,
        });
        channels.push({ ...channel, subscriptionId: subscription!.id });
      }
    } finally {
      await store.close();
    }
    log(
      `${channels.length} subscriptions due from ${firstDue.toISOString().slice(11, 16)} UTC over ${options.dueMinutes} minute(s)`,
    );

    const baseEnv = {
      BRIEFINGS_DIR: briefings,
      DATABASE_URL: databaseUrl,
      WATCH_BRIEFINGS: 'false',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_MODE: 'http',
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_SHARD_COUNT: String(options.instances),
      LOG_LEVEL: 'info',
    };
    const start = async (id: string, shard: number): Promise<Instance> => {
      const port = await freePort();
      const started = startBotProcess(
        ['src/main.ts'],
        { ...baseEnv, PORT: String(port), INSTANCE_ID: id, DISCORD_SHARDS: String(shard) },
        options.timeoutMs,
      );
      const instance = { id, port, started };
      running.push(instance);
      return instance;
    };
    const ids = Array.from({ length: options.instances }, (_, i) => `soak-${i + 1}`);
    await Promise.all(ids.map((id, shard) => start(id, shard)));

    const postsByChannel = () => {
      const counts = new Map<string, number>();
      for (const call of slack.posted())
        if (!call.body.thread_ts)
          counts.set(String(call.body.channel), (counts.get(String(call.body.channel)) ?? 0) + 1);
      for (const message of discord.messages.values())
        if (message.author.id === discord.botUser.id && discord.channels.get(message.channel_id)?.type === 0)
          counts.set(message.channel_id, (counts.get(message.channel_id) ?? 0) + 1);
      return counts;
    };
    const postedCount = () => [...postsByChannel().values()].reduce((n, c) => n + c, 0);
    // Sampled, as a user would see it: when the first digest appeared and when the last one did.
    let firstPostAt: number | undefined;
    let lastPostAt: number | undefined;
    let seen = 0;
    sampler = setInterval(() => {
      const now = postedCount();
      if (now > seen) {
        firstPostAt ??= Date.now();
        lastPostAt = Date.now();
        seen = now;
      }
    }, 50);
    const deadline = Date.now() + options.timeoutMs;
    const waitUntil = async (check: () => boolean, what: string) => {
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(`soak: timed out waiting for ${what} (${postedCount()} digests so far)`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    // The kill: the instance that has posted least recently is as good as any; the first one is killed.
    const killAt = Math.max(1, Math.ceil(channels.length * options.killAfterShare));
    await waitUntil(() => postedCount() >= killAt, `${killAt} digests before the kill`);
    const victim = running[0]!;
    victim.started.child.kill('SIGKILL');
    await victim.started.exited;
    const postedBeforeKill = postedCount();
    const killedAt = Date.now() - firstDue.getTime();
    log(`killed ${victim.id} with SIGKILL after ${postedBeforeKill} digests; starting it again`);
    await start(victim.id, 0);

    await waitUntil(() => postsByChannel().size >= channels.length, 'every digest').catch((error: unknown) =>
      log(String(error)),
    );
    // Let any duplicate that is on its way arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // A question in the thread of one Slack digest, delivered to every live instance at once.
    const digest = slack.posted().find((call) => !call.body.thread_ts);
    let followUpAnswers = 0;
    if (digest) {
      const ts = (digest.response as { ts: string }).ts;
      const event = JSON.stringify(
        eventCallback({
          type: 'message',
          channel: digest.body.channel,
          user: 'U0ANALYST',
          text: 'how many civilians are in Rafah?',
          ts: `${Math.floor(Date.now() / 1000)}.000100`,
          thread_ts: ts,
          client_msg_id: 'soak-question',
        }),
      );
      const stamp = Math.floor(Date.now() / 1000);
      const live = running.filter(
        (instance) => instance.started.child.exitCode === null && instance.started.child.signalCode === null,
      );
      await waitUntil(
        () => live.every((instance) => instance.started.stderr().includes('connected to slack')),
        'every instance to be connected to Slack',
      );
      await Promise.all(
        live.map((instance) =>
          postSigned(`http://127.0.0.1:${instance.port}/slack/events`, event, {
            secret: SECRET,
            contentType: JSON_TYPE,
            timestamp: stamp,
          }),
        ),
      );
      const answers = () => slack.posted().filter((call) => call.body.thread_ts === ts).length;
      // Bounded on its own: an unanswered question is counted (0), not a hung soak.
      const until = Date.now() + FOLLOW_UP_WAIT_MS;
      while (answers() === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      followUpAnswers = answers();
    }

    const counts = postsByChannel();
    const claimed = await admin.query(
      `SELECT count(*)::int AS n FROM ${schema}.digest_runs WHERE status = 'claimed'`,
    );
    return {
      subscriptions: channels.length,
      posted: [...counts.values()].reduce((n, c) => n + c, 0),
      lost: channels.filter((channel) => !counts.has(channel.channelId)).length,
      lostByPlatform: {
        slack: channels.filter((c) => c.platform === 'slack' && !counts.has(c.channelId)).length,
        discord: channels.filter((c) => c.platform === 'discord' && !counts.has(c.channelId)).length,
      },
      duplicated: [...counts.values()].filter((c) => c > 1).length,
      stillClaimed: claimed.rows[0].n,
      firstPostMs: firstPostAt === undefined ? undefined : firstPostAt - firstDue.getTime(),
      lastPostMs: lastPostAt === undefined ? undefined : lastPostAt - firstDue.getTime(),
      postedBeforeKill,
      killedAt,
      followUpAnswers,
      instanceIds: ids,
    };
  } finally {
    clearInterval(sampler);
    for (const instance of running) {
      instance.started.child.kill('SIGKILL');
      await instance.started.exited;
    }
    await slack.close();
    await discord.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
