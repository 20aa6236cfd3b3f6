import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CHANNEL_SUBSCRIPTIONS } from '../src/core/commands/subscribe.js';
import { analyse } from '../src/core/ingest/text.js';
import { createLogger } from '../src/logging.js';
import { openCore } from '../src/runtime.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { allText, command, openDigestCore } from './support/digest.js';

describe('lower-severity findings of the adversarial round', () => {
  it('a sentence is not split at the ! inside <!here>', () => {
    const sentences = analyse('Heads up <!here> the Rafah crossing is closed. Aid is stuck at the border.');
    expect(sentences.map((s) => s.text)).toEqual([
      'Heads up <!here> the Rafah crossing is closed.',
      'Aid is stuck at the border.',
    ]);
  });

  it('a briefing file whose name holds a newline cannot forge a log line', async () => {
    const forged = '2026-12-02T00:00:00.000Z ERROR forged by a file name';
    const dir = briefingsFolder();
    writeFileSync(join(dir, `evil\n${forged}.md`), '---\ntitle: [1, 2]\n---\nText.\n');
    const lines: string[] = [];
    const core = await openCore({
      briefingsDir: dir,
      databasePath: join(scratchDir(), 'forge.db'),
      logger: createLogger({ format: 'pretty', sink: (_level, line) => lines.push(line) }),
    });
    await core.close();
    const skipped = lines.find((line) => line.includes('forged by a file name'));
    expect(skipped).toContain(`evil\\n${forged}`);
    for (const line of lines) expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(
      lines
        .join('')
        .split('\n')
        .some((line) => line.startsWith(forged)),
    ).toBe(false);
  });

  it(`a channel has at most ${MAX_CHANNEL_SUBSCRIPTIONS} digests, and /brief subscriptions pages through them`, async () => {
    const core = await openDigestCore();
    for (let i = 1; i < MAX_CHANNEL_SUBSCRIPTIONS; i++) {
      await core.store.saveSubscription({
        id: `sub-${i}`,
        platform: 'slack',
        channelId: 'C1',
        topics: [`topic-${String(i).padStart(2, '0')}`],
        time: '09:00',
        timezone: 'UTC',
        quiet: false,
        createdBy: 'U1',
        createdAt: new Date().toISOString(),
      });
    }
    // Two at once for the last place: one gets it.
    const raced = await Promise.all(
      ['gaza', 'rafah'].map((topic) =>
        command(core, `subscribe ${topic} 08:00 UTC`, { userId: `U-${topic}` }),
      ),
    );
    expect(raced.map((reply) => reply.kind).sort()).toEqual(['error', 'info']);
    const winner = raced[0]?.kind === 'info' ? 'gaza' : 'rafah';
    expect(await core.store.listSubscriptions({ platform: 'slack', channelId: 'C1' })).toHaveLength(50);
    const refused = await command(core, 'subscribe israel 08:00 UTC');
    expect(refused.kind).toBe('error');
    expect(allText(refused)).toContain(`This channel has ${MAX_CHANNEL_SUBSCRIPTIONS} digests`);
    // Changing one the channel has is not adding one.
    expect((await command(core, `subscribe ${winner} 10:30 UTC`)).title).toMatch(/^Subscription updated/);
    expect(await core.store.listSubscriptions({ platform: 'slack', channelId: 'C1' })).toHaveLength(50);

    const first = await command(core, 'subscriptions');
    expect(first.title).toBe('Digests in this channel (50)');
    expect(first.intro).toBe('Page 1 of 3, soonest first.');
    expect(first.sections).toHaveLength(20);
    expect(first.footer).toContain('Next page: {/subscriptions 2}');
    const last = await command(core, 'subscriptions 3');
    expect(last.sections).toHaveLength(10);
    expect(last.footer).not.toContain('Next page');
    const shown = [first, await command(core, 'subscriptions 2'), last].flatMap((r) => r.sections);
    expect(new Set(shown.map((s) => s.heading)).size).toBe(50);
    expect((await command(core, 'subscriptions 4')).title).toBe('No page 4');
    expect((await command(core, 'subscriptions two')).kind).toBe('error');
  });

  it('threads nobody posted or asked in for 30 days are forgotten, the rest kept', async () => {
    let now = new Date('2027-01-01T08:00:00.000Z');
    const core = await openCore({
      briefingsDir: briefingsFolder(),
      databasePath: join(scratchDir(), 'threads.db'),
      logger: createLogger({ level: 'error' }),
      clock: () => now,
    });
    try {
      const thread = (id: string) => ({
        platform: 'slack' as const,
        channelId: 'C1',
        threadId: `slack:C1:${id}`,
      });
      const shown = { kind: 'briefing' as const, audience: 'channel' as const, title: 'Gaza', sections: [] };
      const withThread = { ...shown, thread: { topic: 'gaza', itemIds: [] } };
      await core.bot.rememberThread(thread('old'), withThread);
      now = new Date('2027-01-20T08:00:00.000Z');
      await core.bot.rememberThread(thread('recent'), withThread);
      now = new Date('2027-02-05T08:00:00.000Z');
      await core.bot.rememberThread(thread('new'), withThread);
      expect(await core.store.getThreadContext(thread('old'))).toBeUndefined();
      expect(await core.store.getThreadContext(thread('recent'))).toBeDefined();
      expect(await core.store.getThreadContext(thread('new'))).toBeDefined();
      const question = {
        platform: 'slack' as const,
        channelId: 'C1',
        userId: 'U1',
        text: 'who is mediating?',
      };
      expect(await core.bot.followUp({ ...question, threadId: 'slack:C1:old' })).toBeUndefined();
    } finally {
      await core.close();
    }
  });
});
