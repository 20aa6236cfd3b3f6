import { describe, expect, it } from 'vitest';
import {
  advanceTo,
  allText,
  command,
  digestSetup,
  fakeTime,
  MemoryLog,
  openDigestCore,
  RecordingPoster,
  startScheduler,
} from './support/digest.js';

/** The real node-cron, driven by faked timers and Date; the real SQLite store. */

async function subscribed(text = 'subscribe gaza,aid 08:00 Europe/London') {
  const core = await openDigestCore();
  const reply = await command(core, text);
  if (reply.kind !== 'info') throw new Error(allText(reply));
  const [subscription] = await core.store.listSubscriptions();
  if (!subscription) throw new Error('no subscription');
  return { core, subscription };
}

describe('the digest scheduler', () => {
  it('posts at 08:00 London time on both sides of the change to summer time', async () => {
    fakeTime('2027-03-26T12:00:00Z');
    const core = await openDigestCore();
    const slack = new RecordingPoster('slack');
    const scheduler = startScheduler(core, [slack]);
    await scheduler.start();
    await command(core, 'subscribe gaza,aid 08:00 Europe/London');
    expect(scheduler.jobCount).toBe(1);

    await advanceTo('2027-03-27T07:59:59Z');
    expect(slack.posts).toHaveLength(0);
    await advanceTo('2027-03-27T08:00:01Z');
    await scheduler.idle();
    // GMT: 08:00 local is 08:00 UTC. The seed was ingested 20 hours before: within a first digest's day.
    expect(slack.posts.map((post) => [post.channelId, post.at])).toEqual([
      ['C1', '2027-03-27T08:00:00.000Z'],
    ]);
    const first = slack.posts[0]?.reply;
    expect(first?.kind).toBe('digest');
    expect(first?.title).toBe('Daily digest: Gaza, Humanitarian aid');
    expect(first?.thread?.itemIds).toHaveLength(3);

    await advanceTo('2027-03-28T06:59:59Z');
    expect(slack.posts).toHaveLength(1);
    await advanceTo('2027-03-28T07:00:01Z');
    await scheduler.idle();
    // BST: 08:00 local is 07:00 UTC. Nothing was ingested since the first digest.
    expect(slack.posts[1]?.at).toBe('2027-03-28T07:00:00.000Z');
    expect(slack.posts[1]?.reply.title).toBe(
      'No new developments on Gaza, Humanitarian aid since Sat 27 Mar, 08:00 (Europe/London)',
    );
    const [subscription] = await core.store.listSubscriptions();
    const run = await core.store.getDigestRun({ subscriptionId: subscription!.id, periodKey: '2027-03-28' });
    expect(run).toMatchObject({
      status: 'posted',
      attempts: 1,
      owner: 'instance-a',
      messageRef: 'slack:C1:2',
    });
  });

  it('follows subscriptions made, changed and removed while it runs', async () => {
    fakeTime('2027-03-27T06:00:00Z');
    const core = await openDigestCore();
    const slack = new RecordingPoster('slack');
    const scheduler = startScheduler(core, [slack, new RecordingPoster('console')]);
    await scheduler.start();
    await command(core, 'subscribe gaza 08:00 UTC');
    await command(core, 'subscribe gaza 09:00 UTC');
    await command(core, 'subscribe rafah 08:30 UTC', { platform: 'discord' });
    // Discord has no adapter in this instance: another instance serves it.
    expect(scheduler.jobCount).toBe(1);
    await advanceTo('2027-03-27T08:59:00Z');
    expect(slack.posts).toHaveLength(0);
    await advanceTo('2027-03-27T09:00:30Z');
    await scheduler.idle();
    expect(slack.posts.map((post) => post.at)).toEqual(['2027-03-27T09:00:00.000Z']);
    await command(core, 'unsubscribe all');
    expect(scheduler.jobCount).toBe(0);
    await advanceTo('2027-03-28T10:00:00Z');
    expect(slack.posts).toHaveLength(1);
  });

  it('posts once when the same digest is triggered twice at once, here and by another instance', async () => {
    fakeTime('2027-03-27T08:00:00Z');
    const { core, subscription } = await subscribed();
    const slack = new RecordingPoster('slack');
    const a = startScheduler(core, [slack]);
    const b = startScheduler(core, [slack], { instanceId: 'instance-b' });
    const due = new Date('2027-03-27T08:00:00Z');
    const outcomes = await Promise.all([
      a.runDue(subscription.id, due, subscription.timezone),
      a.runDue(subscription.id, due, subscription.timezone),
      b.runDue(subscription.id, due, subscription.timezone),
    ]);
    expect(outcomes).toEqual(['posted', 'posted', 'taken']);
    expect(slack.posts).toHaveLength(1);
    expect(await a.runDue(subscription.id, due, subscription.timezone)).toBe('taken');
  });

  it('retries a failed post with backoff and posts once; attempts are counted', async () => {
    fakeTime('2027-03-27T08:00:00Z');
    const { core, subscription } = await subscribed();
    const slack = new RecordingPoster('slack');
    const log = new MemoryLog();
    const scheduler = startScheduler(core, [slack], { logger: log });
    slack.failNext(1);
    const outcome = scheduler.runDue(
      subscription.id,
      new Date('2027-03-27T08:00:00Z'),
      subscription.timezone,
    );
    await advanceTo('2027-03-27T08:00:00.999Z');
    expect(slack.calls).toBe(1);
    await advanceTo('2027-03-27T08:00:01Z');
    expect(await outcome).toBe('posted');
    expect(slack.posts.map((post) => post.at)).toEqual(['2027-03-27T08:00:01.000Z']);
    const run = await core.store.getDigestRun({ subscriptionId: subscription.id, periodKey: '2027-03-27' });
    expect(run).toMatchObject({ status: 'posted', attempts: 2 });
    expect(log.messages('warn')).toContain('digest post failed; retrying');
  });

  it('gives up after its attempts, records the error, and never posts that digest later', async () => {
    fakeTime('2027-03-27T08:00:00Z');
    const { core, subscription } = await subscribed();
    const slack = new RecordingPoster('slack');
    const scheduler = startScheduler(core, [slack]);
    slack.failNext(10);
    const outcome = scheduler.runDue(
      subscription.id,
      new Date('2027-03-27T08:00:00Z'),
      subscription.timezone,
    );
    await advanceTo('2027-03-27T08:01:00Z');
    expect(await outcome).toBe('failed');
    expect(slack.calls).toBe(3);
    const key = { subscriptionId: subscription.id, periodKey: '2027-03-27' };
    expect(await core.store.getDigestRun(key)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'after 3 attempts: platform said 500',
    });
    expect(
      await scheduler.runDue(subscription.id, new Date('2027-03-27T08:00:00Z'), subscription.timezone),
    ).toBe('taken');
    expect(slack.calls).toBe(3);
  });

  it('a claim left by a crashed instance is taken over once its lease ends, and posted once, late', async () => {
    fakeTime('2027-03-27T08:00:00Z');
    const { core, subscription } = await subscribed();
    const key = { subscriptionId: subscription.id, periodKey: '2027-03-27' };
    await core.store.claimDigestRun({
      ...key,
      owner: 'crashed',
      now: '2027-03-27T08:00:00.000Z',
      leaseUntil: '2027-03-27T08:07:00.000Z',
    });
    await advanceTo('2027-03-27T08:01:00Z');
    const slack = new RecordingPoster('slack');
    const scheduler = startScheduler(core, [slack]);
    await scheduler.start();
    await scheduler.idle();
    await advanceTo('2027-03-27T08:06:59Z');
    await scheduler.idle();
    expect(slack.posts).toHaveLength(0);
    // The minute sweep after the lease ends takes it over.
    await advanceTo('2027-03-27T08:07:30Z');
    await scheduler.idle();
    expect(slack.posts.map((post) => post.at)).toEqual(['2027-03-27T08:07:00.000Z']);
    expect(slack.posts[0]?.reply.intro).toMatch(/^Late \(was due Sat 27 Mar, 08:00\)\. 3 new stories/);
    expect(await core.store.getDigestRun(key)).toMatchObject({ status: 'posted', owner: 'instance-a' });
    await advanceTo('2027-03-27T09:00:00Z');
    expect(slack.posts).toHaveLength(1);
  });

  it('a shutdown during a retry hands the claim back, and the next start posts it once', async () => {
    fakeTime('2027-03-27T08:00:00Z');
    const { core, subscription } = await subscribed();
    const slack = new RecordingPoster('slack');
    const first = startScheduler(core, [slack]);
    slack.failNext(1);
    const outcome = first.runDue(subscription.id, new Date('2027-03-27T08:00:00Z'), subscription.timezone);
    await advanceTo('2027-03-27T08:00:00.500Z');
    await first.stop();
    expect(await outcome).toBe('stopped');
    const second = startScheduler(core, [slack], { instanceId: 'instance-b' });
    await second.start();
    await second.idle();
    expect(slack.posts).toHaveLength(1);
    expect(
      await core.store.getDigestRun({ subscriptionId: subscription.id, periodKey: '2027-03-27' }),
    ).toMatchObject({
      status: 'posted',
      owner: 'instance-b',
      attempts: 2,
    });
  });

  it('two instances on one SQLite file post each digest once', async () => {
    fakeTime('2027-03-26T12:00:00Z');
    const setup = digestSetup();
    const one = await openDigestCore(setup);
    const two = await openDigestCore(setup);
    await command(one, 'subscribe gaza,aid 08:00 Europe/London');
    await command(one, 'subscribe rafah 08:00 Europe/London', { channelId: 'C2' });
    const postersOne = new RecordingPoster('slack');
    const postersTwo = new RecordingPoster('slack');
    const a = startScheduler(one, [postersOne]);
    const b = startScheduler(two, [postersTwo], { instanceId: 'instance-b' });
    await a.start();
    await b.start();
    await advanceTo('2027-03-28T07:00:01Z');
    await Promise.all([a.idle(), b.idle()]);
    const all = [...postersOne.posts, ...postersTwo.posts]
      .map((post) => `${post.channelId} ${post.at}`)
      .sort();
    expect(all).toEqual([
      'C1 2027-03-27T08:00:00.000Z',
      'C1 2027-03-28T07:00:00.000Z',
      'C2 2027-03-27T08:00:00.000Z',
      'C2 2027-03-28T07:00:00.000Z',
    ]);
  });

  it('a quiet subscription posts nothing on a day with nothing new, and records why', async () => {
    fakeTime('2027-03-26T12:00:00Z');
    const { core, subscription } = await subscribed('subscribe gaza 08:00 Europe/London quiet');
    const slack = new RecordingPoster('slack');
    const scheduler = startScheduler(core, [slack]);
    await scheduler.start();
    await advanceTo('2027-03-28T07:00:01Z');
    await scheduler.idle();
    expect(slack.posts.map((post) => post.reply.title)).toEqual(['Daily digest: Gaza']);
    expect(
      await core.store.getDigestRun({ subscriptionId: subscription.id, periodKey: '2027-03-28' }),
    ).toMatchObject({
      status: 'skipped',
      error: 'quiet: nothing new',
    });
  });
});

describe('catch-up at start-up', () => {
  it('posts a digest missed while the bot was down, marked late, inside the grace period', async () => {
    fakeTime('2027-03-26T12:00:00Z');
    const { core, subscription } = await subscribed();
    // Down from here until 10:00 the next morning: no scheduler ran at 08:00.
    await advanceTo('2027-03-27T10:00:00Z');
    const slack = new RecordingPoster('slack');
    const scheduler = startScheduler(core, [slack]);
    await scheduler.start();
    await scheduler.idle();
    expect(slack.posts.map((post) => post.at)).toEqual(['2027-03-27T10:00:00.000Z']);
    expect(slack.posts[0]?.reply.intro).toMatch(
      /^Late \(was due Sat 27 Mar, 08:00\)\. 3 new stories since Fri 26 Mar, 10:00/,
    );
    // A second start the same day finds it done.
    const again = startScheduler(core, [slack], { instanceId: 'instance-b' });
    await again.start();
    await again.idle();
    expect(slack.posts).toHaveLength(1);
    expect(
      await core.store.getDigestRun({ subscriptionId: subscription.id, periodKey: '2027-03-27' }),
    ).toMatchObject({
      status: 'posted',
    });
  });

  it('skips and logs a digest missed by more than the grace period', async () => {
    fakeTime('2027-03-26T12:00:00Z');
    const { core, subscription } = await subscribed();
    await advanceTo('2027-03-27T14:00:01Z');
    const slack = new RecordingPoster('slack');
    const log = new MemoryLog();
    const scheduler = startScheduler(core, [slack], { logger: log });
    await scheduler.start();
    await scheduler.idle();
    expect(slack.posts).toHaveLength(0);
    expect(log.messages('warn')).toEqual(['digest skipped: missed beyond the grace period']);
    const run = await core.store.getDigestRun({ subscriptionId: subscription.id, periodKey: '2027-03-27' });
    expect(run?.status).toBe('skipped');
    expect(run?.error).toMatch(
      /^missed: due 2027-03-27T08:00:00.000Z, found 360 min later, beyond DIGEST_GRACE$/,
    );
  });

  it('does not post for a time that passed before the subscription was made', async () => {
    fakeTime('2027-03-27T09:00:00Z');
    const { core } = await subscribed();
    const slack = new RecordingPoster('slack');
    const scheduler = startScheduler(core, [slack]);
    await scheduler.start();
    await scheduler.idle();
    expect(slack.posts).toHaveLength(0);
  });
});
