import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from './emulators/slack/server.js';
import { FORM, JSON_TYPE, postSigned, slashCommandForm } from './emulators/slack/sign.js';
import { briefingsFolder, REPO_BRIEFINGS, SEED_FILE, scratchDir } from './support/core.js';
import { freePort, type Started, startBotProcess } from './support/process.js';

const SECRET = 'reliability-signing-secret';

/** Seed paragraphs repeated to about `bytes`: real news text, so ingest does its full work. */
function longBriefing(bytes: number): string {
  const seed = readFileSync(join(REPO_BRIEFINGS, SEED_FILE), 'utf8').split('\n').slice(1).join('\n');
  return `date 2024-04-29\n${`${seed}\n\n`.repeat(Math.ceil(bytes / (seed.length + 2)))}`;
}

describe('the Slack HTTP process while a large folder is ingested', () => {
  let slack: SlackEmulator;
  let bot: Started;
  let base: string;

  beforeAll(async () => {
    slack = await SlackEmulator.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const long = longBriefing(1_500_000);
    bot = startBotProcess(
      ['src/main.ts'],
      {
        BRIEFINGS_DIR: briefingsFolder({ 'long-1.txt': long, 'long-2.txt': long, 'long-3.txt': long }),
        DATABASE_PATH: join(scratchDir(), 'ingesting.db'),
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_MODE: 'http',
        PORT: String(port),
        SLACK_API_URL: slack.apiUrl,
      },
      170_000,
    );
  }, 30_000);

  afterAll(async () => {
    bot.child.kill('SIGKILL');
    await bot.exited;
    await slack.close();
  });

  it('answers /healthz with "ingesting" before the first ingest is done', async () => {
    await expect
      .poll(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status, {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(200);
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ingesting');
    expect(bot.stderr()).not.toContain('briefings ingested');
  }, 70_000);

  it('acks a slash command within Slack’s 3 seconds while ingesting', async () => {
    const ack = await postSigned(
      `${base}/slack/events`,
      slashCommandForm({
        text: 'rafah',
        channel_id: 'C0ING',
        user_id: 'U0ING',
        response_url: slack.responseUrl(),
      }),
      { secret: SECRET, contentType: FORM },
    );
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3_000);
  });

  it('answers a signed request whose JSON body is null with 400 and keeps serving', async () => {
    const answer = await postSigned(`${base}/slack/events`, 'null', {
      secret: SECRET,
      contentType: JSON_TYPE,
    });
    expect(answer.status).toBe(400);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(bot.child.exitCode).toBeNull();
    expect(bot.stderr()).toContain('refused a request whose JSON body is not an object');
  });

  it('refuses a body over 64 KB with 413 before checking its signature', async () => {
    const response = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify({ padding: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
    expect(bot.child.exitCode).toBeNull();
  });
});
