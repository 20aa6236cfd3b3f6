/** Many digests due at once: compositions bounded, and shared among subscriptions with the same window. */
import { describe, expect, it } from 'vitest';
import { DigestComposer, type DigestDeps } from '../src/core/digests/compose.js';
import type { Item } from '../src/core/model.js';
import type { ItemHit, StoredItem } from '../src/core/store/store.js';
import type { Subscription } from '../src/core/store/subscriptions.js';
import { versionDigest } from '../src/core/stories/versions.js';
import { parseTopicCatalogue } from '../src/core/topics.js';
import { Limiter } from '../src/digest-delivery.js';

const catalogue = parseTopicCatalogue(
  'topics:\n  - slug: gaza\n    label: Gaza\n  - slug: aid\n    label: Aid\n',
  't.yaml',
);

function stored(key: string, ingestedAt: string): StoredItem {
  return {
    id: `doc:${key}`,
    documentId: 'doc',
    storyKey: `story:${key}`,
    position: 0,
    headline: `Headline ${key}`,
    summary: `${key}.`,
    keyPoints: [],
    topics: ['gaza'],
    entities: [],
    published: '2026-03-01T06:00:00.000Z',
    source: 'Wire',
    documentTitle: 'doc',
    sentences: [{ text: `${key}.`, start: 0, end: key.length + 1 }],
    ingestedAt,
    updatedAt: ingestedAt,
  };
}

/** findItems returns whole stored rows, as the SQL stores do; calls are counted. */
function countingStore(items: StoredItem[]) {
  const calls = { findItems: 0, getItems: 0 };
  const store = {
    async findItems(): Promise<ItemHit[]> {
      calls.findItems += 1;
      return items.map((item) => ({ item: item as Item, relevance: 1 }));
    },
    async getItems(ids: readonly string[]): Promise<StoredItem[]> {
      if (ids.length > 0) calls.getItems += 1;
      return items.filter((item) => ids.includes(item.id));
    },
    // No story clustered and no channel shown one: each item is a story of its own, new everywhere.
    async storyMembers(): Promise<Map<string, StoredItem[]>> {
      return new Map();
    },
    async seenVersionDigests(): Promise<Map<string, string>> {
      return new Map();
    },
  } as unknown as DigestDeps['store'];
  return { store, calls };
}

function subscription(id: string, topics: string[], timezone = 'Europe/London'): Subscription {
  return {
    id,
    platform: 'slack',
    channelId: `C${id}`,
    topics,
    time: '08:00',
    timezone,
    quiet: false,
    createdBy: 'U1',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('Limiter', () => {
  it('never runs more than its limit at once, runs everything, and says when it is idle', async () => {
    let idle = 0;
    const limiter = new Limiter(3, () => idle++);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        limiter.run(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBe(3);
    expect(limiter.peak).toBe(3);
    expect(idle).toBe(1);
  });

  it('frees the slot when a task throws', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('DigestComposer', () => {
  const window = { since: '2026-03-01T07:00:00.000Z', until: '2026-03-01T08:00:00.000Z' };
  const items = [stored('a', '2026-03-01T07:10:00.000Z'), stored('late', '2026-03-01T08:00:00.000Z')];

  it('reads the store once per digest, without re-reading the rows by id', async () => {
    const { store, calls } = countingStore(items);
    const composed = await new DigestComposer({ store, catalogue }).compose(
      subscription('1', ['gaza']),
      window,
    );
    expect(calls).toEqual({ findItems: 1, getItems: 0 });
    // The upper bound still holds: the item ingested at `until` waits for the next digest.
    expect(composed?.reply.sections.map((s) => s.itemId)).toEqual(['doc:a']);
  });

  it("reads each topic's items once a batch, however many topic sets hold it", async () => {
    const { store, calls } = countingStore(items);
    const composer = new DigestComposer({ store, catalogue });
    for (const topics of [['gaza'], ['aid'], ['gaza', 'aid'], ['aid', 'gaza']]) {
      await composer.compose(subscription(topics.join('-'), topics), window);
    }
    expect(calls.findItems).toBe(2);
  });

  it('composes once for subscriptions with the same topics and window, and again for others', async () => {
    const { store, calls } = countingStore(items);
    const composer = new DigestComposer({ store, catalogue });
    const replies = await Promise.all(
      ['1', '2', '3', '4'].map((id) => composer.compose(subscription(id, ['gaza']), window)),
    );
    expect(calls.findItems).toBe(1);
    expect(composer.composed).toBe(1);
    expect(new Set(replies).size).toBe(1);

    await composer.compose(subscription('5', ['gaza', 'aid']), window);
    await composer.compose(subscription('6', ['gaza']), { ...window, until: '2026-03-01T08:00:01.000Z' });
    await composer.compose(subscription('7', ['gaza'], 'Asia/Tokyo'), window);
    // Another zone words the digest differently but reads the same items.
    expect(calls.findItems).toBe(3);
    expect(composer.composed).toBe(4);

    composer.clear();
    await composer.compose(subscription('8', ['gaza']), window);
    expect(calls.findItems).toBe(4);
  });

  it('builds each story once for every topic set it turns up under, and repeats none a channel saw as it is', async () => {
    const { store } = countingStore(items);
    const viewed = new Map<string, string>();
    const reads: string[] = [];
    const views = Object.assign(store, {
      async seenVersionDigests(): Promise<Map<string, string>> {
        return new Map(viewed);
      },
      async storyVersion(storyId: string): Promise<undefined> {
        reads.push(storyId);
        return undefined;
      },
    });
    const composer = new DigestComposer({ store: views, catalogue });
    const first = await composer.compose(subscription('1', ['gaza']), window);
    await composer.compose(subscription('2', ['gaza', 'aid']), window);
    expect(composer.cardsBuilt).toBe(1);
    expect(composer.composed).toBe(2);

    // The channel of a third subscription was shown exactly this version: nothing is new to it.
    viewed.set('story:a', versionDigest(first!.versions[0]!));
    const third = await composer.compose(subscription('3', ['gaza'], 'Asia/Tokyo'), window);
    expect(third?.reply.title).toMatch(/^No new developments on Gaza/);
    // Known to be the story as it stands, so no version had to be read.
    expect(reads).toEqual([]);
    expect(composer.cardsBuilt).toBe(1);
  });

  it("reads a channel's views once a batch, and knows what it then posts there without reading", async () => {
    const { store } = countingStore(items);
    const asked: string[][] = [];
    const views = Object.assign(store, {
      async seenVersionDigests(_platform: string, _channel: string, storyIds: readonly string[]) {
        asked.push([...storyIds]);
        return new Map<string, string>();
      },
    });
    const composer = new DigestComposer({ store: views, catalogue });
    const first = await composer.compose(subscription('4', ['gaza']), window);
    composer.shown('slack', 'C4', first!.versions);
    const second = await composer.compose({ ...subscription('5', ['gaza', 'aid']), channelId: 'C4' }, window);
    expect(asked).toEqual([['story:a']]);
    // The story went out to C4 a moment ago as it stands: not repeated.
    expect(second?.reply.title).toMatch(/^No new developments on Gaza, Aid/);
    composer.clear();
    await composer.compose({ ...subscription('6', ['gaza']), channelId: 'C4' }, window);
    expect(asked).toHaveLength(2);
  });
});
