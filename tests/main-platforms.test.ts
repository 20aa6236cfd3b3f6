import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './emulators/discord/server.js';
import { SlackEmulator } from './emulators/slack/server.js';
import { FORM, postSigned, slashCommandForm } from './emulators/slack/sign.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { freePort, type Started, startScript } from './support/process.js';

const SECRET = 'main-test-signing-secret';
let running: Started | undefined;
let emulator: SlackEmulator | DiscordEmulator | undefined;

afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  await emulator?.close();
  running = undefined;
  emulator = undefined;
});

describe('npm start with Slack credentials', () => {
  it('connects to Slack instead of the console and answers /brief through the Web API', async () => {
    const slack = await SlackEmulator.start();
    emulator = slack;
    const port = await freePort();
    running = startScript(['src/main.ts'], {
      BRIEFINGS_DIR: briefingsFolder(),
      DATABASE_PATH: join(scratchDir(), 'main-slack.db'),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_MODE: 'http',
      PORT: String(port),
      SLACK_API_URL: slack.apiUrl,
    });
    await expect
      .poll(() => running?.stderr() ?? '', { timeout: 20_000, interval: 100 })
      .toContain('connected to slack');
    // The receiver is up before the first ingest ends; the briefing asked for needs the seed in.
    await expect
      .poll(() => running?.stderr() ?? '', { timeout: 20_000, interval: 100 })
      .toContain('briefings ingested');
    expect(running.stderr()).not.toContain('local console');

    const form = slashCommandForm({
      text: 'rafah',
      channel_id: 'C0MAIN',
      user_id: 'U0MAIN',
      response_url: slack.responseUrl(),
    });
    const ack = await postSigned(`http://127.0.0.1:${port}/slack/events`, form, {
      secret: SECRET,
      contentType: FORM,
    });
    expect(ack.status).toBe(200);
    await expect.poll(() => slack.posted().length, { timeout: 10_000 }).toBe(1);
    const message = JSON.stringify(slack.posted()[0]?.body);
    expect(message).toContain('C0MAIN');
    expect(message).toContain('1.5 million civilians');

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    // Two processes start, each with an ingest thread: on a shared 2-core machine that takes a while.
  }, 60_000);
});

describe('npm start with Discord credentials', () => {
  it('connects through the gateway and answers /brief with embeds and a thread', async () => {
    const discord = await DiscordEmulator.start();
    emulator = discord;
    running = startScript(['src/main.ts'], {
      BRIEFINGS_DIR: briefingsFolder(),
      DATABASE_PATH: join(scratchDir(), 'main-discord.db'),
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
    });
    await expect
      .poll(() => running?.stderr() ?? '', { timeout: 20_000, interval: 100 })
      .toContain('connected to discord');
    await expect
      .poll(() => running?.stderr() ?? '', { timeout: 20_000, interval: 100 })
      .toContain('briefings ingested');
    const interaction = discord.command('brief', { topic: 'rafah' });
    await expect.poll(() => interaction.originalMessageId, { timeout: 10_000 }).toBeDefined();
    const original = discord.messages.get(interaction.originalMessageId ?? '');
    expect(JSON.stringify(original)).toContain('1.5 million civilians');
    await expect
      .poll(() => discord.threadOn(interaction.originalMessageId ?? ''), { timeout: 5000 })
      .toBeDefined();
    expect(discord.violations).toEqual([]);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    // Two processes start, each with an ingest thread: on a shared 2-core machine that takes a while.
  }, 60_000);
});
