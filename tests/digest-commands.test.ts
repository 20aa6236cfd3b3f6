import { describe, expect, it } from 'vitest';
import type { Subscription } from '../src/core/store/subscriptions.js';
import { allText, command, fakeTime, openDigestCore } from './support/digest.js';

describe('/brief subscribe', () => {
  it('confirms with the next delivery in the subscription’s zone, aliases resolved', async () => {
    fakeTime('2027-03-27T07:00:00Z');
    const core = await openDigestCore();
    const reply = await command(core, 'subscribe gaza,aid 08:00 Europe/London');
    expect(reply.kind).toBe('info');
    expect(reply.title).toBe('Subscribed: Gaza, Humanitarian aid');
    expect(allText(reply)).toContain('Every day at 08:00 (Europe/London). Next: Sat 27 Mar, 08:00.');
    const [stored] = await core.store.listSubscriptions({ platform: 'slack', channelId: 'C1' });
    expect(stored).toMatchObject({
      topics: ['gaza', 'humanitarian-aid'],
      time: '08:00',
      quiet: false,
      createdBy: 'U1',
      workspaceId: 'T1',
    });
  });

  it('after today’s time, the next delivery is tomorrow, in summer time across the change', async () => {
    fakeTime('2027-03-27T09:00:00Z');
    const core = await openDigestCore();
    const reply = await command(core, 'subscribe rafah 8:00 europe/london quiet');
    expect(allText(reply)).toContain(
      'Every day at 08:00 (Europe/London), silent when nothing is new. Next: Sun 28 Mar, 08:00.',
    );
  });

  it('the same topics again update the time instead of adding a second digest', async () => {
    const core = await openDigestCore();
    await command(core, 'subscribe gaza,aid 08:00 Europe/London');
    const again = await command(core, 'subscribe aid,gaza 18:30 UTC quiet');
    expect(again.title).toBe('Subscription updated: Humanitarian aid, Gaza');
    const all = await core.store.listSubscriptions();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ time: '18:30', timezone: 'UTC', quiet: true });
  });

  it.each([
    [
      'subscribe gaza 8am Europe/London',
      '“8am” is not a time. Give the time as 24-hour HH:MM, e.g. 08:00 or 18:30.',
    ],
    ['subscribe gaza 24:00 Europe/London', '“24:00” is not a time.'],
    [
      'subscribe gaza 08:00 Mars/Olympus',
      '“Mars/Olympus” is not a time zone I know. Use an IANA time zone name such as Europe/London',
    ],
    ['subscribe gaza 08:00 +01:00', 'is not a time zone I know'],
    ['subscribe gazza 08:00 UTC', 'Unknown topic: gazza. Did you mean gaza? Topics: gaza, israel,'],
    ['subscribe gaza,weather 08:00 UTC', 'Unknown topic: weather.'],
    ['subscribe gaza 08:00 UTC loud', 'The only option after the time zone is quiet'],
    ['subscribe gaza 08:00', 'Say which time zone.'],
    ['subscribe', 'Say which topics. Name topics separated by commas, no spaces, e.g. gaza,aid'],
  ])('"%s" is refused saying what is accepted', async (text, message) => {
    const core = await openDigestCore();
    const reply = await command(core, text);
    expect(reply.kind).toBe('error');
    expect(allText(reply)).toContain(message);
    expect(await core.store.listSubscriptions()).toEqual([]);
  });

  it('only listed admins may change a channel’s digests when admins are configured', async () => {
    const core = await openDigestCore(undefined, { subscriptionAdmins: { slack: ['U1'] } });
    const refused = await command(core, 'subscribe gaza 08:00 UTC', { userId: 'U2' });
    expect(allText(refused)).toContain("Only this bot's admins can change a channel's digests");
    expect((await command(core, 'subscribe gaza 08:00 UTC', { userId: 'U1' })).title).toBe(
      'Subscribed: Gaza',
    );
    expect(allText(await command(core, 'unsubscribe all', { userId: 'U2' }))).toContain('Only this bot');
    // Other platforms have no list, so anyone there may; anyone may list.
    expect((await command(core, 'subscribe gaza 08:00 UTC', { platform: 'discord', userId: 'X' })).kind).toBe(
      'info',
    );
    expect((await command(core, 'subscriptions', { userId: 'U2' })).title).toBe(
      'Digests in this channel (1)',
    );
  });

  it('tells the scheduler hook about every save and removal', async () => {
    const core = await openDigestCore();
    const events: string[] = [];
    core.subscriptionEvents.listen({
      saved: (s: Subscription) => events.push(`saved ${s.topics.join(',')} ${s.time}`),
      removed: (id: string) => events.push(`removed ${id.length > 0}`),
    });
    await command(core, 'subscribe gaza,aid 08:00 UTC');
    await command(core, 'unsubscribe gaza');
    await command(core, 'unsubscribe aid');
    expect(events).toEqual([
      'saved gaza,humanitarian-aid 08:00',
      'saved humanitarian-aid 08:00',
      'removed true',
    ]);
  });
});

describe('/brief subscriptions and /brief unsubscribe', () => {
  it('lists the channel’s digests, soonest first, with their next run, and only this channel’s', async () => {
    fakeTime('2027-03-27T07:00:00Z');
    const core = await openDigestCore();
    expect((await command(core, 'subscriptions')).title).toBe('No digests in this channel');
    await command(core, 'subscribe gaza,aid 08:00 Europe/London');
    await command(core, 'subscribe rafah 18:30 America/New_York quiet');
    await command(core, 'subscribe israel 09:00 UTC', { channelId: 'C2' });
    const reply = await command(core, 'subscriptions');
    expect(reply.title).toBe('Digests in this channel (2)');
    expect(reply.sections.map((s) => s.heading)).toEqual(['Gaza, Humanitarian aid', 'Rafah']);
    expect(reply.sections[0]?.text).toBe('Every day at 08:00 (Europe/London). Next: Sat 27 Mar, 08:00.');
    expect(reply.sections[1]?.text).toContain('Next: Sat 27 Mar, 18:30.');
  });

  it('unsubscribing one topic of several keeps the rest; "all" stops everything', async () => {
    const core = await openDigestCore();
    await command(core, 'subscribe gaza,aid 08:00 Europe/London');
    await command(core, 'subscribe rafah 18:30 UTC');
    const one = await command(core, 'unsubscribe gaza');
    expect(one.title).toBe('Unsubscribed');
    expect(allText(one)).toContain(
      'Gaza, Humanitarian aid at 08:00 (Europe/London): now Humanitarian aid only',
    );
    const all = await command(core, 'unsubscribe all');
    expect(all.sections[0]?.bullets).toEqual([
      'Humanitarian aid at 08:00 (Europe/London): stopped',
      'Rafah at 18:30 (UTC): stopped',
    ]);
    expect(await core.store.listSubscriptions()).toEqual([]);
  });

  it('narrowing onto a digest the channel already has removes the duplicate instead', async () => {
    const core = await openDigestCore();
    await command(core, 'subscribe gaza,aid 08:00 UTC');
    await command(core, 'subscribe aid 18:00 UTC');
    expect(allText(await command(core, 'unsubscribe gaza'))).toContain(
      'Gaza, Humanitarian aid at 08:00 (UTC): stopped',
    );
    expect((await core.store.listSubscriptions()).map((s) => s.time)).toEqual(['18:00']);
  });

  it('says so when there is nothing to stop, and refuses unknown topics', async () => {
    const core = await openDigestCore();
    await command(core, 'subscribe gaza 08:00 UTC');
    expect(allText(await command(core, 'unsubscribe rafah'))).toContain(
      'This channel has no digest on rafah',
    );
    expect(allText(await command(core, 'unsubscribe weather'))).toContain('Unknown topic: weather.');
    expect(await core.store.listSubscriptions()).toHaveLength(1);
  });

  it('help lists the three commands', async () => {
    const core = await openDigestCore();
    const help = allText(await command(core, 'help'));
    expect(help).toContain('/brief subscribe <topics,comma-separated> <HH:MM> <time-zone> [quiet]');
    expect(help).toContain('/brief subscriptions');
    expect(help).toContain('/brief unsubscribe');
  });
});
