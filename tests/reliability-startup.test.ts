import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './emulators/discord/server.js';
import { SlackEmulator } from './emulators/slack/server.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { freePort, startScript } from './support/process.js';

/** What an operator sees when the bot cannot start: one line naming what to fix, exit code 2, no stack. */
let slack: SlackEmulator;
let discord: DiscordEmulator;
/** Discord's REST accepts the token, its gateway closes IDENTIFY with 4004. */
let discordGatewayRefusing: DiscordEmulator;
/** Holds a port, so the bot finds it taken. */
let taken: Server;
beforeAll(async () => {
  slack = await SlackEmulator.start();
  discord = await DiscordEmulator.start();
  discordGatewayRefusing = await DiscordEmulator.start({ refuseIdentify: true });
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, resolve));
});
afterAll(async () => {
  await slack.close();
  await discord.close();
  await discordGatewayRefusing.close();
  await new Promise((resolve) => taken.close(resolve));
});

/**
 * Several start at once on a busy machine. Each is killed after 170 s (code null): less than the
 * Web API client's 5 minutes of retries against an unreachable SLACK_API_URL.
 */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const started = startScript(['src/main.ts'], env, 170_000);
  started.child.stdin.end();
  return { code: await started.exited, stderr: started.stderr() };
}

function oneMessage(result: { code: number | null; stderr: string }, names: string): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toContain(names);
  // Progress logged before the failure (ingest, instance id) is not part of the message.
  expect(
    result.stderr
      .trim()
      .split('\n')
      .filter((line) => !/^\S+Z (INFO|DEBUG) /.test(line)),
  ).toHaveLength(1);
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
  }, 240_000);
});

describe('start-up failures past the configuration', () => {
  it('a token Discord refuses, at REST or at the gateway, a database that cannot be used and a port taken: one message each, exit 2', async () => {
    const database = () => join(scratchDir(), 'startup.db');
    const folder = { BRIEFINGS_DIR: briefingsFolder() };
    const discordEnv = (emulator: DiscordEmulator, token: string) => ({
      ...folder,
      DATABASE_PATH: database(),
      DISCORD_TOKEN: token,
      DISCORD_APPLICATION_ID: emulator.applicationId,
      DISCORD_API_URL: emulator.apiUrl,
    });
    const takenPort = String((taken.address() as { port: number }).port);
    const refusedUrl = `postgres://briefbot:secret-pw@127.0.0.1:${await freePort()}/briefbot`;
    const aDirectory = scratchDir();
    const underProc = '/proc/briefbot/briefbot.db';
    const [restRefused, gatewayRefused, badPort, refused, directory, proc, healthTaken, slackTaken] =
      await Promise.all([
        start(discordEnv(discord, 'not-this-token')),
        start(discordEnv(discordGatewayRefusing, discordGatewayRefusing.token)),
        start({ ...folder, DATABASE_URL: 'postgres://briefbot@127.0.0.1:99999/briefbot' }),
        start({ ...folder, DATABASE_URL: refusedUrl }),
        start({ ...folder, DATABASE_PATH: aDirectory }),
        // Node's recursive mkdir hangs there for ever; the bot must say it cannot.
        start({ ...folder, DATABASE_PATH: underProc }),
        start({ ...folder, DATABASE_PATH: database(), HEALTH_PORT: takenPort }),
        start({
          ...folder,
          DATABASE_PATH: database(),
          SLACK_BOT_TOKEN: slack.botToken,
          SLACK_API_URL: slack.apiUrl,
          SLACK_SIGNING_SECRET: 's',
          SLACK_MODE: 'http',
          PORT: takenPort,
        }),
      ]);
    oneMessage(restRefused!, 'DISCORD_TOKEN: Discord refused it (401 Unauthorized)');
    oneMessage(gatewayRefused!, 'DISCORD_TOKEN: Discord refused it (the gateway closed with 4004)');
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('DATABASE_URL: port 99999 is not a port');
    expect(badPort.stderr).not.toMatch(/^\s+at /m);
    oneMessage(refused!, 'PostgreSQL cannot be reached (ECONNREFUSED');
    expect(refused!.stderr).toContain('DATABASE_URL postgres://briefbot:***@127.0.0.1:');
    expect(refused!.stderr).not.toContain('secret-pw');
    oneMessage(directory!, `DATABASE_PATH ${aDirectory}: cannot use it as the SQLite database`);
    oneMessage(proc!, `DATABASE_PATH ${underProc}: cannot use it as the SQLite database (ENOENT: no such`);
    oneMessage(healthTaken!, `HEALTH_PORT ${takenPort}: cannot listen there (EADDRINUSE)`);
    oneMessage(slackTaken!, `PORT ${takenPort}: Slack's HTTP receiver cannot listen there (EADDRINUSE)`);
  }, 240_000);

  it('at LOG_LEVEL=debug the message is followed by what caused it', async () => {
    const result = await start({
      BRIEFINGS_DIR: briefingsFolder(),
      DATABASE_URL: `postgres://briefbot@127.0.0.1:${await freePort()}/briefbot`,
      LOG_LEVEL: 'debug',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PostgreSQL cannot be reached (ECONNREFUSED');
    expect(result.stderr).toMatch(/^\s+at /m);
  }, 120_000);
});
