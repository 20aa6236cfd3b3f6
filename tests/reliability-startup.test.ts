import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from './emulators/slack/server.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { freePort, startScript } from './support/process.js';

/** What an operator sees when the bot cannot start: one line naming what to fix, exit code 2, no stack. */
let slack: SlackEmulator;
beforeAll(async () => {
  slack = await SlackEmulator.start();
});
afterAll(async () => {
  await slack.close();
});

/**
 * Four start at once on a busy machine. Each is killed after 2 minutes (code null): far less than the
 * Web API client's 5 minutes of retries against an unreachable SLACK_API_URL.
 */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const started = startScript(['src/main.ts'], env, 120_000);
  started.child.stdin.end();
  return { code: await started.exited, stderr: started.stderr() };
}

function oneMessage(result: { code: number | null; stderr: string }, names: string): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(names);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('start-up failures', () => {
  it('a missing folder or topics.yaml, a token Slack refuses and an unreachable SLACK_API_URL: one message each, exit 2', async () => {
    const database = () => join(scratchDir(), 'startup.db');
    const slackEnv = { SLACK_SIGNING_SECRET: 's', SLACK_MODE: 'http', PORT: String(await freePort()) };
    const unreachable = `http://127.0.0.1:${await freePort()}/api/`;
    const [noFolder, noTopics, badToken, noSlack] = await Promise.all([
      start({ BRIEFINGS_DIR: join(scratchDir(), 'nowhere'), DATABASE_PATH: database() }),
      start({
        BRIEFINGS_DIR: join(briefingsFolder(), '..'),
        DATABASE_PATH: database(),
      }),
      start({
        BRIEFINGS_DIR: briefingsFolder(),
        DATABASE_PATH: database(),
        SLACK_BOT_TOKEN: 'xoxb-not-this-one',
        SLACK_API_URL: slack.apiUrl,
        ...slackEnv,
      }),
      start({
        BRIEFINGS_DIR: briefingsFolder(),
        DATABASE_PATH: database(),
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_API_URL: unreachable,
        ...slackEnv,
        PORT: String(await freePort()),
      }),
    ]);
    oneMessage(noFolder!, 'BRIEFINGS_DIR');
    oneMessage(noTopics!, 'topics.yaml');
    oneMessage(badToken!, 'SLACK_BOT_TOKEN: Slack refused it (invalid_auth)');
    oneMessage(noSlack!, `SLACK_API_URL ${unreachable}: Slack's Web API cannot be reached`);
  }, 180_000);
});
