import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging.js';

function captured(format: 'json' | 'pretty', level: 'debug' | 'info' | 'warn' = 'info') {
  const lines: { level: string; line: string }[] = [];
  const logger = createLogger({ level, format, sink: (at, line) => lines.push({ level: at, line }) });
  return { logger, lines };
}

describe('logs', () => {
  it('LOG_FORMAT=json writes one JSON object per event, with the level by name', () => {
    const { logger, lines } = captured('json');
    logger.info('command', { platform: 'slack', channel: 'C1', command: 'brief', outcome: 'ok' });
    logger.debug('not shown at info');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.line.endsWith('}\n')).toBe(true);
    expect(lines[0]?.line.match(/\n/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]?.line ?? '')).toMatchObject({
      level: 'info',
      msg: 'command',
      platform: 'slack',
      channel: 'C1',
      command: 'brief',
    });
  });

  it('pretty lines read as time, level, message and fields', () => {
    const { logger, lines } = captured('pretty');
    logger.warn('skipped broken.md:2: bad YAML', { file: 'broken.md' });
    expect(lines[0]).toEqual({
      level: 'warn',
      line: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT[\d:.]+Z WARN skipped broken\.md:2: bad YAML \{"file":"broken\.md"\}\n$/,
      ),
    });
  });

  it('redacts secrets by key name at any depth, and keeps error messages and stacks', () => {
    const { logger, lines } = captured('json');
    logger.error('slack call failed', {
      token: 'xoxb-123',
      request: { headers: { Authorization: 'Bearer xoxb-123' }, body: { client_secret: 's3cret' } },
      apiKey: 'sk-abc',
      error: new Error('boom'),
    });
    const line = lines[0]?.line ?? '';
    expect(line).not.toMatch(/xoxb-123|s3cret|sk-abc/);
    const entry = JSON.parse(line);
    expect(entry.token).toBe('[redacted]');
    expect(entry.request.headers.Authorization).toBe('[redacted]');
    expect(entry.error).toMatchObject({
      name: 'Error',
      message: 'boom',
      stack: expect.stringContaining('Error: boom'),
    });
  });
});
