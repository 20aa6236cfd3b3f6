import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { configProblems } from './support/config.js';

describe('configuration from the environment', () => {
  it('with nothing set, runs the embedded default: briefings/ and a local SQLite file', () => {
    expect(loadConfig({})).toEqual({
      briefingsDir: './briefings',
      ingest: {
        workers: 1,
        limits: { maxFileBytes: 2 * 1024 * 1024, maxSentences: 20_000, maxYamlAliases: 100 },
      },
      databasePath: './data/briefbot.db',
      logLevel: 'info',
      logFormat: 'pretty',
      logFile: join('data', 'briefbot.log'),
      watchBriefings: true,
      console: { color: true, historyFile: join(homedir(), '.briefbot_history') },
      digest: { graceMs: 6 * 3_600_000, admins: {} },
      feedFailureReportMs: 3_600_000,
    });
  });

  it('LOG_FORMAT, HEALTH_PORT, NO_COLOR and BRIEFBOT_HISTORY set the service options', () => {
    const config = loadConfig({
      LOG_FORMAT: 'json',
      HEALTH_PORT: '0',
      NO_COLOR: '1',
      BRIEFBOT_HISTORY: '/tmp/h',
      LOG_FILE: '/var/log/briefbot.log',
    });
    expect(config).toMatchObject({
      logFormat: 'json',
      healthPort: 0,
      logFile: '/var/log/briefbot.log',
      console: { color: false, historyFile: '/tmp/h' },
    });
    expect(() => loadConfig({ HEALTH_PORT: '99999' })).toThrow(
      /HEALTH_PORT: must be a port number up to 65535/,
    );
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  it('names every missing or bad variable at once, with how to fix it', () => {
    const message = configProblems({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_MODE: 'http',
      DISCORD_TOKEN: 'abc',
      PORT: 'eighty',
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
    });
    for (const name of ['SLACK_SIGNING_SECRET', 'DISCORD_APPLICATION_ID', 'PORT', 'LLM_MODEL']) {
      expect(message).toContain(name);
    }
    expect(configProblems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/SLACK_APP_TOKEN: missing: Socket Mode/);
  });

  it('turns on the optional language model only when endpoint and model are both set', () => {
    expect(loadConfig({}).llm).toBeUndefined();
    expect(
      loadConfig({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llama3', LLM_TIMEOUT: '5s' }).llm,
    ).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3',
      timeoutMs: 5000,
    });
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
