import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { configProblems } from './support/config.js';

const problems = configProblems;

describe('settings checked at the edge', () => {
  it('DIGEST_GRACE=0s is refused: the grace must be at least a minute', () => {
    expect(problems({ DIGEST_GRACE: '0s' })).toContain('DIGEST_GRACE: must be at least 1m');
  });

  it('API URLs must be http(s), ports decimal, and timeouts above zero', () => {
    const message = problems({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_MODE: 'http',
      SLACK_API_URL: 'javascript:alert(1)',
      PORT: '0x1F90',
      DISCORD_TOKEN: 't',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'ftp://discord.example/api',
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM_MODEL: 'm',
      LLM_TIMEOUT: '0s',
    });
    for (const name of ['SLACK_API_URL', 'PORT', 'DISCORD_API_URL', 'LLM_TIMEOUT'])
      expect(message).toContain(name);
  });

  it('durations take milliseconds, and variables the chosen mode does not use are ignored', () => {
    const config = loadConfig({
      LLM_BASE_URL: 'http://127.0.0.1:1/v1',
      LLM_MODEL: 'm',
      LLM_TIMEOUT: '1s500ms',
    });
    expect(config.llm?.timeoutMs).toBe(1500);
    // The console: no Slack, so neither an empty nor a stale PORT stops it.
    expect(loadConfig({ PORT: '' }).slack).toBeUndefined();
    expect(loadConfig({ PORT: 'eighty', LLM_TIMEOUT: 'soon' }).llm).toBeUndefined();
  });

  it('the ingest limits are read and checked', () => {
    expect(loadConfig({ INGEST_MAX_FILE_SIZE: '512KB', INGEST_WORKERS: '2' }).ingest).toEqual({
      workers: 2,
      limits: { maxFileBytes: 512 * 1024, maxSentences: 20_000, maxYamlAliases: 100 },
    });
    expect(problems({ INGEST_MAX_FILE_SIZE: 'huge' })).toContain('INGEST_MAX_FILE_SIZE');
  });
});
