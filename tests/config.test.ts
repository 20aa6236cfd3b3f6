import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration from the environment', () => {
  it('with nothing set, runs the embedded default: briefings/ and a local SQLite file', () => {
    expect(loadConfig({})).toEqual({
      briefingsDir: './briefings',
      databasePath: './data/briefbot.db',
      logLevel: 'info',
      watchBriefings: true,
      digest: { graceMs: 6 * 3_600_000, admins: {} },
    });
  });

  it('names every missing or bad variable at once, with how to fix it', () => {
    const problem = () => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', DISCORD_TOKEN: 'abc', PORT: 'eighty' });
    expect(problem).toThrow(ConfigError);
    try {
      problem();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('SLACK_SIGNING_SECRET');
      expect(message).toContain('SLACK_APP_TOKEN');
      expect(message).toContain('DISCORD_APPLICATION_ID');
      expect(message).toContain('PORT');
    }
  });

  it('enables Slack in HTTP mode and Discord when their credentials are complete', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_MODE: 'http',
      PORT: '8080',
      DISCORD_TOKEN: 'token',
      DISCORD_APPLICATION_ID: '123456789012345678',
    });
    expect(config.slack).toMatchObject({ mode: 'http', port: 8080, signingSecret: 'secret' });
    expect(config.discord).toMatchObject({ applicationId: '123456789012345678' });
  });
});
