import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('digest settings from the environment', () => {
  it('defaults to a 6 hour grace, anyone may subscribe, and no fixed instance id', () => {
    expect(loadConfig({}).digest).toEqual({ graceMs: 6 * 3_600_000, admins: {} });
  });

  it('reads DIGEST_GRACE, admin lists per platform and INSTANCE_ID', () => {
    const config = loadConfig({
      DIGEST_GRACE: '1h30m',
      SLACK_ADMIN_USERS: 'U1, U2',
      DISCORD_ADMIN_USERS: '123456789012345678',
      INSTANCE_ID: 'web-1',
    });
    expect(config.digest).toEqual({
      graceMs: 90 * 60_000,
      admins: { slack: ['U1', 'U2'], discord: ['123456789012345678'] },
      instanceId: 'web-1',
    });
  });

  it('a bad DIGEST_GRACE is named with what is accepted', () => {
    expect(() => loadConfig({ DIGEST_GRACE: '6 hours' })).toThrow(ConfigError);
    expect(() => loadConfig({ DIGEST_GRACE: '6 hours' })).toThrow(
      'DIGEST_GRACE: must be a duration such as 6h, 90m or 1h30m',
    );
  });
});
