import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoCatalogue } from '../bench/catalogues.js';
import { runClaim, runDelivery } from '../bench/digests/runs.js';
import {
  countDeliveries,
  DUE,
  fillStore,
  labelsInTitle,
  localTime,
  ManualCron,
  makeSubscriptions,
  resetSubscriptions,
  wrongDeliveries,
  ZONES,
} from '../bench/digests/scenario.js';
import { BOT_TOKEN, lowerBoundMs, RateLimitedSlack, UNLIMITED } from '../bench/digests/slack-server.js';
import { topicLabels } from '../src/core/digests/compose.js';
import { SqliteStore } from '../src/core/store/sqlite.js';

const catalogue = repoCatalogue();

describe('digests bench: counting what the platform accepted', () => {
  const subscriptions = makeSubscriptions(catalogue, { count: 6, channels: 3 });
  const title = (i: number) => `Daily digest: ${topicLabels(catalogue, subscriptions[i]!.topics)}`;
  const post = (i: number, text = title(i)) => ({ channel: subscriptions[i]!.channelId, title: text });

  it('reads the topics out of digest and "no new developments" titles', () => {
    expect(labelsInTitle('Daily digest: Gaza, Humanitarian aid')).toBe('Gaza, Humanitarian aid');
    expect(labelsInTitle('No new developments on Gaza since Wed 15 Jan, 08:00 (Europe/London)')).toBe('Gaza');
    expect(labelsInTitle('Late (was due Wed 15 Jan, 08:00). No new developments on Rafah since x')).toBe(
      'Rafah',
    );
    expect(labelsInTitle('Gaza: latest')).toBeUndefined();
  });

  it('one message each is exact; a second is a duplicate, a missing one lost, a stranger unattributed', () => {
    const once = subscriptions.map((_, i) => post(i));
    expect(countDeliveries(subscriptions, catalogue, once)).toMatchObject({
      expected: 6,
      delivered: 6,
      lost: 0,
      duplicated: 0,
      unattributed: 0,
    });
    const noNews = `No new developments on ${topicLabels(catalogue, subscriptions[0]!.topics)} since now`;
    const wrong = [
      post(0, noNews),
      post(0),
      post(1),
      post(1),
      post(1),
      post(3),
      { channel: 'C9', title: title(4) },
    ];
    const count = countDeliveries(subscriptions, catalogue, wrong);
    expect(count).toMatchObject({ delivered: 3, lost: 3, duplicated: 3, unattributed: 1 });
    expect(wrongDeliveries(count)).toBe(7);
    // The right topics in the wrong channel are not that subscription's message.
    expect(
      countDeliveries(subscriptions, catalogue, [{ channel: subscriptions[1]!.channelId, title: title(0) }]),
    ).toMatchObject({ lost: 6, unattributed: 1 });
  });

  it('makes subscriptions that cannot be mistaken for one another, all due at the same instant', () => {
    const many = makeSubscriptions(catalogue, { count: 120, channels: 4 });
    expect(() => countDeliveries(many, catalogue, [])).not.toThrow();
    for (const s of many) expect(s.time).toBe(localTime(DUE, s.timezone));
    expect(new Set(many.map((s) => s.timezone))).toEqual(new Set(ZONES.slice(0, 4)));
    const cron = new ManualCron();
    let ticks = 0;
    for (const s of many) {
      const [hour, minute] = s.time.split(':');
      cron.factory(`${Number(minute)} ${Number(hour)} * * *`, s.timezone, () => ticks++, console);
    }
    cron.factory('* * * * *', 'UTC', () => ticks++, console);
    expect(cron.fire(new Date(DUE.getTime() - 60_000))).toBe(1);
    expect(cron.fire(DUE)).toBe(121);
    expect(ticks).toBe(122);
  });
});

describe('digests bench: the rate-limited Slack', () => {
  it('answers 429 with Retry-After when a channel posts within a second or the workspace budget is spent', async () => {
    const slack = await RateLimitedSlack.start({
      perChannelMs: 1_000,
      workspacePerSecond: 1,
      workspaceBurst: 2,
    });
    try {
      const postTo = (channel: string) =>
        fetch(`${slack.apiUrl}chat.postMessage`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${BOT_TOKEN}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ channel, text: 'Daily digest: Gaza' }).toString(),
        });
      expect((await postTo('C1')).status).toBe(200);
      const limited = await postTo('C1');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect((await postTo('C2')).status).toBe(200);
      expect((await postTo('C3')).status).toBe(429);
      expect(slack.accepted.map((m) => [m.channel, m.title])).toEqual([
        ['C1', 'Daily digest: Gaza'],
        ['C2', 'Daily digest: Gaza'],
      ]);
      expect(slack.rejected.map((r) => r.rule)).toEqual(['channel', 'workspace']);
    } finally {
      await slack.close();
    }
  });

  it('knows the least time the limits allow', () => {
    const limits = { perChannelMs: 1_000, workspacePerSecond: 10, workspaceBurst: 10 };
    expect(lowerBoundMs(['a', 'a', 'a', 'b'], limits)).toBe(2_000);
    expect(
      lowerBoundMs(
        Array.from({ length: 40 }, (_, i) => `c${i}`),
        limits,
      ),
    ).toBe(3_000);
    expect(lowerBoundMs(['a', 'a'], UNLIMITED)).toBe(0);
  });
});

// The tiny version of `npm run bench -- digests`: the seed only, 50 subscriptions, real instance processes.
describe('digests bench: end to end on 50 subscriptions', () => {
  let dir: string;
  let file: string;
  let store: SqliteStore;
  const subscriptions = makeSubscriptions(catalogue, { count: 50, channels: 25 });
  const base = () => ({ file, catalogue, catalogueName: 'repo' as const, subscriptions });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefbot-bench-digests-test-'));
    file = path.join(dir, 'digests.db');
    store = new SqliteStore(file);
    const filled = await fillStore(store, catalogue, { documents: 0, seed: 1 });
    expect(filled.items).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('claims, composes and queues every digest once, and times it', async () => {
    await resetSubscriptions(store, file, subscriptions);
    const result = await runClaim({ ...base(), cutoffMs: 20_000 });
    expect(result.completed).toBe(true);
    expect(result.claimed?.count).toBe(50);
    expect(result.done?.queuedAt).toHaveLength(50);
    expect(result.count).toMatchObject({ delivered: 50, lost: 0, duplicated: 0, unattributed: 0 });
    expect(result.done?.states).toEqual([
      expect.objectContaining({ status: 'posted', owner: 'bench-claim', runs: 50 }),
    ]);
  }, 60_000);

  it('posts each digest once through the Slack adapter, paced within the limits', async () => {
    await resetSubscriptions(store, file, subscriptions);
    // Two digests per channel: the second meets the per-channel limit and must wait its turn.
    const limits = { perChannelMs: 1_000, workspacePerSecond: 1_000, workspaceBurst: 1_000 };
    const result = await runDelivery({ ...base(), limits, cutoffMs: 20_000 });
    expect(result.settled).toBe(true);
    // The adapter paces digests to Slack's limits, so the platform never has to refuse one.
    expect(result.rejectedByChannel + result.rejectedByWorkspace).toBe(0);
    expect(result.count).toMatchObject({ accepted: 50, delivered: 50, lost: 0, duplicated: 0 });
    expect(result.lastAcceptedMs - result.firstAcceptedMs).toBeGreaterThanOrEqual(result.lowerBoundMs);
  }, 60_000);

  it('catches a poster that posts twice, and one that posts nothing', async () => {
    await resetSubscriptions(store, file, subscriptions);
    const doubled = await runDelivery({ ...base(), limits: UNLIMITED, cutoffMs: 20_000, fault: 'double' });
    expect(doubled.count).toMatchObject({ accepted: 100, delivered: 50, lost: 0, duplicated: 50 });
    expect(wrongDeliveries(doubled.count)).toBe(50);

    await resetSubscriptions(store, file, subscriptions);
    const dropped = await runDelivery({ ...base(), limits: UNLIMITED, cutoffMs: 20_000, fault: 'drop' });
    expect(dropped.count).toMatchObject({ accepted: 0, delivered: 0, lost: 50 });
    // The store believes they were posted: only the platform's count shows the loss.
    expect(dropped.states).toEqual([expect.objectContaining({ status: 'posted', runs: 50 })]);
  }, 60_000);

  it('two instances racing for the same minute post each digest once', async () => {
    await resetSubscriptions(store, file, subscriptions);
    const result = await runDelivery({ ...base(), limits: UNLIMITED, cutoffMs: 20_000, instances: 2 });
    expect(result.instances).toHaveLength(2);
    const won = result.instances.map((i) => i.tally?.won ?? 0);
    expect(won[0]! + won[1]!).toBe(50);
    expect(result.instances.every((i) => i.fired === 50)).toBe(true);
    expect(result.count).toMatchObject({
      accepted: 50,
      delivered: 50,
      lost: 0,
      duplicated: 0,
      unattributed: 0,
    });
  }, 60_000);
});
