import { describe, expect, it } from 'vitest';
import type { Store } from '../src/core/store/store.js';
import type { Subscription } from '../src/core/store/subscriptions.js';
import { STORE_FACTORIES } from './support/stores.js';

/**
 * The SubscriptionStore contract, on every store the contract suite knows (PostgreSQL when
 * BRIEFBOT_TEST_PG_URL is set): what the scheduler's exactly-once delivery rests on.
 */
const T0 = '2027-03-27T08:00:00.000Z';
const LEASE = '2027-03-27T08:05:00.000Z';
const AFTER_LEASE = '2027-03-27T08:06:00.000Z';

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: 'sub-1',
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'C1',
    topics: ['gaza', 'humanitarian-aid'],
    time: '08:00',
    timezone: 'Europe/London',
    quiet: false,
    createdBy: 'U1',
    createdAt: '2027-03-26T10:00:00.000Z',
    ...overrides,
  };
}

const key = { subscriptionId: 'sub-1', periodKey: '2027-03-27' };
const claim = (owner: string, now = T0, leaseUntil = LEASE) => ({ ...key, owner, now, leaseUntil });

describe.each(STORE_FACTORIES.filter((factory) => !factory.unavailable))(
  'subscription store: $name',
  (factory) => {
    async function open(): Promise<{ store: Store; another: () => Promise<Store> }> {
      return factory.create();
    }

    it('saves, lists by channel and deletes subscriptions', async () => {
      const { store } = await open();
      const saved = await store.saveSubscription(subscription());
      expect(saved).toEqual({ subscription: subscription(), created: true });
      await store.saveSubscription(subscription({ id: 'sub-2', channelId: 'C2', topics: ['rafah'] }));
      expect((await store.listSubscriptions()).map((s) => s.id)).toEqual(['sub-1', 'sub-2']);
      expect(await store.listSubscriptions({ platform: 'slack', channelId: 'C2' })).toHaveLength(1);
      expect(await store.listSubscriptions({ platform: 'discord', channelId: 'C2' })).toEqual([]);
      expect(await store.deleteSubscription('sub-2')).toBe(true);
      expect(await store.deleteSubscription('sub-2')).toBe(false);
      expect(await store.getSubscription('sub-1')).toEqual(subscription());
    });

    it('saving the same topics in a channel again updates that subscription and keeps its id', async () => {
      const { store } = await open();
      await store.saveSubscription(subscription());
      const again = await store.saveSubscription(
        subscription({ id: 'sub-new', topics: ['humanitarian-aid', 'gaza'], time: '18:30', quiet: true }),
      );
      expect(again.created).toBe(false);
      expect(again.subscription).toMatchObject({ id: 'sub-1', time: '18:30', quiet: true });
      expect(await store.listSubscriptions()).toHaveLength(1);
    });

    it('narrows a subscription to fewer topics', async () => {
      const { store } = await open();
      await store.saveSubscription(subscription());
      expect(await store.setSubscriptionTopics('sub-1', ['humanitarian-aid'])).toMatchObject({
        id: 'sub-1',
        topics: ['humanitarian-aid'],
      });
      expect(await store.setSubscriptionTopics('gone', ['gaza'])).toBeUndefined();
    });

    it('claims a run once: the second claim, from any instance, gets nothing', async () => {
      const { store, another } = await open();
      const other = await another();
      await store.saveSubscription(subscription());
      const [a, b] = await Promise.all([store.claimDigestRun(claim('A')), other.claimDigestRun(claim('B'))]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const run = await store.getDigestRun(key);
      expect(run).toMatchObject({ status: 'claimed', attempts: 0, claimedAt: T0, leaseUntil: LEASE });
      expect(await store.claimDigestRun(claim('C'))).toBeUndefined();
    });

    it('claims nothing for a deleted subscription', async () => {
      const { store } = await open();
      expect(await store.claimDigestRun(claim('A'))).toBeUndefined();
    });

    it('re-claims a run only after its lease, and the old owner then loses it', async () => {
      const { store } = await open();
      await store.saveSubscription(subscription());
      await store.claimDigestRun(claim('A'));
      expect(await store.startDigestAttempt(key, 'A', LEASE)).toBe(1);
      expect(await store.reclaimDigestRun(claim('B', '2027-03-27T08:04:00.000Z'))).toBeUndefined();
      const taken = await store.reclaimDigestRun(claim('B', AFTER_LEASE, '2027-03-27T08:11:00.000Z'));
      expect(taken).toMatchObject({ owner: 'B', attempts: 1, status: 'claimed' });
      expect(await store.startDigestAttempt(key, 'A', AFTER_LEASE)).toBeUndefined();
      expect(await store.extendDigestLease(key, 'A', AFTER_LEASE)).toBe(false);
      expect(await store.finishDigestRun(key, 'A', { status: 'posted', finishedAt: AFTER_LEASE })).toBe(
        false,
      );
      expect(await store.startDigestAttempt(key, 'B', '2027-03-27T08:12:00.000Z')).toBe(2);
      expect(await store.extendDigestLease(key, 'B', '2027-03-27T08:13:00.000Z')).toBe(true);
    });

    it('an instance takes back its own claim at once, lists it, and a graceful stop releases the rest', async () => {
      const { store } = await open();
      await store.saveSubscription(subscription());
      await store.claimDigestRun(claim('A'));
      expect(await store.startDigestAttempt(key, 'A', LEASE)).toBe(1);
      // The same id after a restart: no wait for the lease, attempts kept for the check on the platform.
      expect((await store.listExpiredDigestClaims(T0, 'A')).map((run) => run.owner)).toEqual(['A']);
      expect(await store.listExpiredDigestClaims(T0, 'B')).toEqual([]);
      expect(await store.reclaimDigestRun(claim('B', T0))).toBeUndefined();
      expect(await store.reclaimDigestRun(claim('A', T0))).toMatchObject({ owner: 'A', attempts: 1 });
      expect(await store.releaseDigestClaims('B', T0)).toBe(0);
      expect(await store.releaseDigestClaims('A', T0)).toBe(1);
      expect(await store.reclaimDigestRun(claim('B', T0))).toMatchObject({ owner: 'B', attempts: 1 });
    });

    it('hands out instance ids per host, adopted again only from the holder it names', async () => {
      const { store, another } = await open();
      const other = await another();
      const first = { id: 'h1-a', host: 'h1', pid: 10, startedAt: T0 };
      expect(await store.takeInstance(first, undefined)).toBe(true);
      expect(await store.takeInstance({ ...first, pid: 11 }, undefined)).toBe(false);
      expect(await store.listInstances('h1')).toEqual([first]);
      expect(await store.listInstances('h2')).toEqual([]);
      // Two starters adopt the same dead holder at once: one wins.
      const next = (pid: number) => ({ ...first, pid, startedAt: LEASE });
      const won = await Promise.all([
        store.takeInstance(next(20), first),
        other.takeInstance(next(21), first),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const [holder] = await store.listInstances('h1');
      await store.releaseInstance(first, AFTER_LEASE);
      expect((await store.listInstances('h1'))[0]?.stoppedAt).toBeUndefined();
      await store.releaseInstance(holder!, AFTER_LEASE);
      expect(await store.listInstances('h1')).toEqual([{ ...holder, stoppedAt: AFTER_LEASE }]);
    });

    it('lists expired claims, and never re-claims a finished run', async () => {
      const { store } = await open();
      await store.saveSubscription(subscription());
      await store.claimDigestRun(claim('A'));
      expect(await store.listExpiredDigestClaims(T0)).toEqual([]);
      expect((await store.listExpiredDigestClaims(AFTER_LEASE)).map((run) => run.owner)).toEqual(['A']);
      const done = { status: 'posted' as const, finishedAt: T0, windowEnd: T0, messageRef: 'slack:C1:1.2' };
      expect(await store.finishDigestRun(key, 'A', done)).toBe(true);
      expect(await store.listExpiredDigestClaims(AFTER_LEASE)).toEqual([]);
      expect(await store.reclaimDigestRun(claim('B', AFTER_LEASE))).toBeUndefined();
      expect(await store.finishDigestRun(key, 'A', { status: 'failed', finishedAt: T0 })).toBe(false);
      expect(await store.getDigestRun(key)).toMatchObject({ status: 'posted', messageRef: 'slack:C1:1.2' });
    });

    it('keeps a failed run with its error, and the window of the latest finished digest', async () => {
      const { store } = await open();
      await store.saveSubscription(subscription());
      expect(await store.lastDigestWindowEnd('sub-1')).toBeUndefined();
      await store.claimDigestRun(claim('A'));
      await store.finishDigestRun(key, 'A', { status: 'posted', finishedAt: T0, windowEnd: T0 });
      const next = { subscriptionId: 'sub-1', periodKey: '2027-03-28' };
      await store.claimDigestRun({ ...next, owner: 'A', now: AFTER_LEASE, leaseUntil: AFTER_LEASE });
      await store.finishDigestRun(next, 'A', {
        status: 'failed',
        finishedAt: AFTER_LEASE,
        error: 'HTTP 500',
      });
      expect(await store.getDigestRun(next)).toMatchObject({ status: 'failed', error: 'HTTP 500' });
      expect(await store.lastDigestWindowEnd('sub-1')).toBe(T0);
    });

    it('deleting a subscription deletes its runs', async () => {
      const { store } = await open();
      await store.saveSubscription(subscription());
      await store.claimDigestRun(claim('A'));
      await store.deleteSubscription('sub-1');
      expect(await store.getDigestRun(key)).toBeUndefined();
    });
  },
);
