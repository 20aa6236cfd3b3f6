import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Manifest {
  features: { slash_commands: { command: string; should_escape: boolean }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; socket_mode_enabled: boolean };
}

describe('slack/manifest.yml', () => {
  const manifest = parse(readFileSync(new URL('../slack/manifest.yml', import.meta.url), 'utf8')) as Manifest;

  it('creates an app with /brief, the scopes the adapter uses, thread messages and Socket Mode', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/brief']);
    expect(manifest.features.slash_commands[0]?.should_escape).toBe(false);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ['channels:history', 'chat:write', 'commands', 'groups:history'].sort(),
    );
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      'message.channels',
      'message.groups',
    ]);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
