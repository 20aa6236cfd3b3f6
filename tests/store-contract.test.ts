import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildItems } from '../src/core/ingest/items.js';
import { parseBriefing } from '../src/core/ingest/parse.js';
import { silentLogger } from '../src/core/logger.js';
import type { Item, ThreadContext } from '../src/core/model.js';
import { PostgresStore } from '../src/core/store/postgres.js';
import { POSTGRES_MIGRATIONS } from '../src/core/store/postgres-migrations.js';
import type { Store } from '../src/core/store/store.js';
import type { Subscription } from '../src/core/store/subscriptions.js';
import { clusterItems } from '../src/core/stories/ingest.js';
import { type StoryVersion, versionDigest } from '../src/core/stories/versions.js';
import { parseTopicCatalogue } from '../src/core/topics.js';
import { openCore } from '../src/runtime.js';
import { briefingsFolder, REPO_BRIEFINGS, SEED_FILE, scratchDir } from './support/core.js';
import { makeDocument, makeItem, WIRE } from './support/documents.js';
import {
  IN_CI,
  PG_URL,
  STORE_FACTORIES,
  type StoreFactory,
  schemaPool,
  scratchSchema,
} from './support/stores.js';

const T0 = '2024-05-01T08:00:00.000Z';
const T1 = '2024-05-02T08:00:00.000Z';
const T2 = '2024-05-03T08:00:00.000Z';

/** Three documents on three days; item topics are listed strongest first. */
function corpus() {
  const monday = makeDocument('monday.md', '2024-04-29');
  const tuesday = makeDocument('tuesday.md', '2024-04-30');
  const wednesday = makeDocument('wednesday.md', '2024-05-01');
  const items = {
    talks: makeItem(monday, {
      key: 'talks',
      headline: 'Ceasefire talks resume in Cairo',
      topics: ['ceasefire', 'hostages', 'gaza'],
      sentences: ['Negotiators from Egypt and Qatar met in Cairo.', 'A hostage exchange was discussed.'],
    }),
    aid: makeItem(monday, {
      key: 'aid',
      position: 1,
      headline: 'Aid trucks cross into northern Gaza',
      topics: ['humanitarian-aid', 'gaza'],
      sentences: ['Sixty aid trucks crossed at Kerem Shalom.', 'Agencies warned of famine in the north.'],
    }),
    famine: makeItem(tuesday, {
      key: 'famine',
      headline: 'Famine declared in northern Gaza',
      topics: ['humanitarian-aid', 'gaza'],
      sentences: [
        'The UN said famine had taken hold in northern Gaza.',
        'About 300,000 people remain there.',
      ],
    }),
    rafah: makeItem(wednesday, {
      key: 'rafah',
      headline: 'Troops mass near Rafah',
      topics: ['gaza', 'rafah'],
      sentences: [
        'More than 1.5 million civilians shelter in Rafah.',
        'Washington opposes an offensive there.',
      ],
    }),
    knesset: makeItem(wednesday, {
      key: 'knesset',
      position: 1,
      headline: 'Knesset debates budget',
      topics: ['israel'],
      sentences: ['Lawmakers argued over the budget until late at night.'],
    }),
  };
  return {
    documents: { monday, tuesday, wednesday },
    items,
    async load(store: Store, at = T0) {
      await store.replaceDocument(monday, [items.talks, items.aid], at);
      await store.replaceDocument(tuesday, [items.famine], at);
      await store.replaceDocument(wednesday, [items.rafah, items.knesset], at);
    },
  };
}

const ids = (hits: { item: Item }[]) => hits.map((hit) => hit.item.id);

/** Runs when this implementation cannot: skipped with the reason, or failed under CI. */
function unavailable(factory: StoreFactory, reason: string) {
  if (IN_CI) {
    describe(`store contract: ${factory.name}`, () => {
      it('has its server under CI', () => {
        throw new Error(
          `CI is set but ${reason}; the ${factory.name} store contract must not be skipped in CI`,
        );
      });
    });
  } else {
    console.warn(`store contract: ${factory.name} skipped: ${reason}`);
    describe.skip(`store contract: ${factory.name} (skipped: ${reason})`, () => {
      it('runs the store contract', () => undefined);
    });
  }
}

for (const factory of STORE_FACTORIES) {
  if (factory.unavailable) unavailable(factory, factory.unavailable);
}

describe.each(STORE_FACTORIES.filter((factory) => !factory.unavailable))(
  'store contract: $name',
  (factory) => {
    const open = async () => (await factory.create()).store;

    describe('documents', () => {
      it('stores a document under its origin and gives its items back whole, with when they were ingested', async () => {
        const store = await open();
        const { documents, items, load } = corpus();
        expect(await store.sourceDocuments(WIRE)).toEqual(new Map());
        await load(store);
        expect(await store.sourceDocuments(WIRE)).toEqual(
          new Map([
            ['monday.md', documents.monday.fingerprint],
            ['tuesday.md', documents.tuesday.fingerprint],
            ['wednesday.md', documents.wednesday.fingerprint],
          ]),
        );
        expect(await store.getDocument(documents.monday.id)).toEqual({
          ...documents.monday,
          firstSeen: T0,
          updatedAt: T0,
        });
        const [talks] = await store.getItems([items.talks.id]);
        expect(talks).toEqual({ ...items.talks, ingestedAt: T0, updatedAt: T0 });
        // An item without a URL comes back without one.
        const { url: _url, ...bare } = makeItem(documents.monday, {
          key: 'bare',
          headline: 'No link',
          topics: [],
          sentences: ['Nothing to link to.'],
        });
        const bareDocument = makeDocument('bare.md', '2024-04-29');
        await store.replaceDocument(bareDocument, [{ ...bare, documentId: bareDocument.id }], T1);
        const [stored] = await store.getItems([bare.id]);
        expect(stored).toEqual({ ...bare, documentId: bareDocument.id, ingestedAt: T1, updatedAt: T1 });
        expect(stored).not.toHaveProperty('url');
      });

      it('replacing a document with itself changes nothing', async () => {
        const store = await open();
        const { documents, items, load } = corpus();
        await load(store);
        const before = {
          all: ids(await store.findItems({}, 100)),
          count: await store.countItems({}),
          topics: await store.topicCounts(),
          sentences: await store.searchSentences(['famine'], 10),
        };
        await store.replaceDocument(documents.monday, [items.talks, items.aid], T0);
        await store.replaceDocument(documents.monday, [items.talks, items.aid], T0);
        expect(ids(await store.findItems({}, 100)).sort()).toEqual([...before.all].sort());
        expect(await store.countItems({})).toBe(5);
        expect(await store.countItems({})).toBe(before.count);
        expect(await store.topicCounts()).toEqual(before.topics);
        expect(await store.searchSentences(['famine'], 10)).toHaveLength(before.sentences.length);
        expect((await store.sourceDocuments(WIRE)).size).toBe(3);
      });

      it('an edit replaces the items; survivors keep their first ingestion time', async () => {
        const store = await open();
        const { documents, items, load } = corpus();
        await load(store, T0);
        const edited = { ...documents.monday, fingerprint: 'monday.md#v2', body: 'edited' };
        const replacement = makeItem(edited, {
          key: 'convoy',
          position: 1,
          headline: 'Convoy reaches Jabalia',
          topics: ['humanitarian-aid'],
          sentences: ['A convoy reached Jabalia after dark.'],
        });
        await store.replaceDocument(edited, [items.talks, replacement], T1);
        expect((await store.sourceDocuments(WIRE)).get('monday.md')).toBe('monday.md#v2');
        expect(await store.getDocument(edited.id)).toMatchObject({
          body: 'edited',
          firstSeen: T0,
          updatedAt: T1,
        });
        expect(await store.getItems([items.aid.id])).toEqual([]);
        const [talks, convoy] = await store.getItems([items.talks.id, replacement.id]);
        expect(talks).toMatchObject({ ingestedAt: T0, updatedAt: T0 });
        expect(convoy).toMatchObject({ ingestedAt: T1, updatedAt: T1 });
        // The removed item is gone from every index.
        expect(await store.findItems({ text: 'kerem shalom' }, 10)).toEqual([]);
        expect(await store.searchSentences(['kerem', 'shalom'], 10)).toEqual([]);
        expect(await store.countItems({ topics: ['humanitarian-aid'] })).toBe(2);
        expect(ids(await store.findItems({ ingestedSince: T1 }, 10))).toEqual([replacement.id]);
      });

      it('a sentence search finds the rare word among 10,000 sentences that share a common one', async () => {
        const store = await open();
        const document = makeDocument('crowd.md', T0);
        const common = Array.from({ length: 10_200 }, (_, i) => `Officials said nothing new on day ${i}.`);
        const rare = ['Officials said broadband reached the valley.', 'Broadband said to be slow.'];
        const item = makeItem(document, {
          key: 'crowd',
          headline: 'Crowd',
          topics: [],
          sentences: [...common.slice(0, 5_000), rare[0] ?? '', ...common.slice(5_000), rare[1] ?? ''],
        });
        await store.replaceDocument(document, [item], T0);
        const hits = await store.searchSentences(['said', 'broadband'], 30);
        expect(
          hits
            .slice(0, 2)
            .map((hit) => hit.index)
            .sort((a, b) => a - b),
        ).toEqual([5_000, 10_201]);
      });

      it('removes a document with all its items, and says whether there was one', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        expect(await store.removeDocument(WIRE, 'monday.md')).toBe(true);
        expect(await store.removeDocument(WIRE, 'monday.md')).toBe(false);
        expect(await store.removeDocument(WIRE, 'never-seen.md')).toBe(false);
        expect([...(await store.sourceDocuments(WIRE)).keys()].sort()).toEqual([
          'tuesday.md',
          'wednesday.md',
        ]);
        expect(await store.getItems([items.talks.id, items.aid.id])).toEqual([]);
        expect(await store.countItems({})).toBe(3);
        expect(await store.findItems({ text: 'Cairo' }, 10)).toEqual([]);
        expect(await store.searchSentences(['Cairo'], 10)).toEqual([]);
        const counts = await store.topicCounts();
        expect(counts.get('ceasefire') ?? 0).toBe(0);
        expect(counts.get('gaza')).toBe(2);
      });

      it('a replacement that fails leaves the previous version in place', async () => {
        const store = await open();
        const { documents, items, load } = corpus();
        await load(store);
        const edited = { ...documents.monday, fingerprint: 'monday.md#broken' };
        // Two items with one id: the store must refuse, and roll back the whole replacement.
        const clash = makeItem(edited, {
          key: 'talks',
          headline: 'Clash',
          topics: ['gaza'],
          sentences: ['Clash.'],
        });
        await expect(store.replaceDocument(edited, [clash, clash], T1)).rejects.toThrow();
        expect((await store.sourceDocuments(WIRE)).get('monday.md')).toBe(documents.monday.fingerprint);
        expect(await store.getItems([items.talks.id, items.aid.id])).toEqual([
          { ...items.talks, ingestedAt: T0, updatedAt: T0 },
          { ...items.aid, ingestedAt: T0, updatedAt: T0 },
        ]);
        expect(await store.countItems({ topics: ['ceasefire'] })).toBe(1);
        expect(await store.searchSentences(['Cairo'], 10)).toHaveLength(1);
      });

      it('a batch of documents is stored whole, or not at all when one of them cannot be', async () => {
        const store = await open();
        const { documents, items } = corpus();
        await store.replaceDocuments(
          [
            { document: documents.monday, items: [items.talks, items.aid] },
            { document: documents.tuesday, items: [items.famine] },
          ],
          T0,
        );
        expect([...(await store.sourceDocuments(WIRE)).keys()].sort()).toEqual(['monday.md', 'tuesday.md']);
        expect(await store.countItems({})).toBe(3);
        const clash = makeItem(documents.wednesday, {
          key: 'rafah',
          headline: 'Clash',
          topics: ['gaza'],
          sentences: ['Clash.'],
        });
        const edited = { ...documents.monday, fingerprint: 'monday.md#v2' };
        await expect(
          store.replaceDocuments(
            [
              { document: edited, items: [items.talks] },
              { document: documents.wednesday, items: [clash, clash] },
            ],
            T1,
          ),
        ).rejects.toThrow();
        // Neither the edit nor the new document: Monday keeps both items.
        expect((await store.sourceDocuments(WIRE)).get('monday.md')).toBe(documents.monday.fingerprint);
        expect((await store.sourceDocuments(WIRE)).has('wednesday.md')).toBe(false);
        expect(await store.countItems({})).toBe(3);
      });

      it('a document may have no items', async () => {
        const store = await open();
        const { documents } = corpus();
        await store.replaceDocument(documents.monday, [], T0);
        expect([...(await store.sourceDocuments(WIRE)).keys()]).toEqual(['monday.md']);
        expect(await store.countItems({})).toBe(0);
      });

      it('an item edited by a word is the same development updated: it keeps its first-seen time', async () => {
        const store = await open();
        const { documents, items, load } = corpus();
        await load(store, T0);
        const edited = { ...documents.monday, fingerprint: 'monday.md#v2' };
        const revised = makeItem(edited, {
          key: 'aid-revised',
          position: 1,
          headline: items.aid.headline,
          topics: items.aid.topics,
          sentences: [
            'Sixty-one aid trucks crossed at Kerem Shalom.',
            'Agencies warned of famine in the north.',
          ],
        });
        await store.replaceDocument(edited, [items.talks, revised], T1);
        const [talks, aid] = await store.getItems([items.talks.id, revised.id]);
        expect(talks).toMatchObject({ ingestedAt: T0, updatedAt: T0 });
        expect(aid).toMatchObject({ ingestedAt: T0, updatedAt: T1 });
        expect(await store.findItems({ ingestedSince: T1 }, 10)).toEqual([]);
      });

      it('a source replaces and removes only its own documents, though another source has the same origins', async () => {
        const { store, another } = await factory.create();
        const second = await another();
        const mine = makeDocument('gaza.md', '2024-04-29', 'v1', 'folder:/srv/a/briefings');
        const theirs = makeDocument('gaza.md', '2024-04-29', 'v1', 'folder:/srv/b/briefings');
        expect(mine.id).not.toBe(theirs.id);
        const talks = makeItem(mine, {
          key: 'a',
          headline: 'A',
          topics: ['gaza'],
          sentences: ['Talks went on.'],
        });
        const aid = makeItem(theirs, {
          key: 'b',
          headline: 'B',
          topics: ['gaza'],
          sentences: ['Aid arrived.'],
        });
        await store.replaceDocument(mine, [{ ...talks, id: 'a:1' }], T0);
        await second.replaceDocument(theirs, [{ ...aid, id: 'b:1' }], T0);
        expect(await store.removeDocument('folder:/srv/a/briefings', 'elsewhere.md')).toBe(false);
        expect(await store.sourceDocuments('folder:/srv/b/briefings')).toEqual(
          new Map([['gaza.md', theirs.fingerprint]]),
        );
        expect(await second.removeDocument('folder:/srv/b/briefings', 'gaza.md')).toBe(true);
        expect((await store.getItems(['a:1', 'b:1'])).map((item) => item.id)).toEqual(['a:1']);
        expect(await store.getDocument(mine.id)).toMatchObject({ sourceId: 'folder:/srv/a/briefings' });
      });
    });

    describe('the topic vocabulary', () => {
      it('holds none at first, then the last snapshot saved', async () => {
        const store = await open();
        expect(await store.loadTopicVocabulary()).toBeUndefined();
        await store.saveTopicVocabulary('{"version":1,"from":"A"}', T0);
        await store.saveTopicVocabulary('{"version":1,"from":"B"}', '2024-05-01T09:00:00.000Z');
        expect(await store.loadTopicVocabulary()).toBe('{"version":1,"from":"B"}');
      });
    });

    describe('feed poll state across instances', () => {
      const FEEDS = Array.from({ length: 12 }, (_, index) => `http://127.0.0.1/feed-${index}.xml`);
      const LEASE_UNTIL = '2024-05-01T08:05:00.000Z';

      it('a feed never polled is due at once; its state comes back as saved, and it is not due again until its time', async () => {
        const store = await open();
        const [first] = await store.claimDueFeeds(FEEDS.slice(0, 1), T0, 'A', LEASE_UNTIL, 10);
        expect(first).toEqual({ url: FEEDS[0], failures: 0, nextPoll: T0 });
        const saved = {
          url: FEEDS[0]!,
          etag: '"v1"',
          lastModified: 'Wed, 01 May 2024 07:00:00 GMT',
          failures: 0,
          nextPoll: T1,
          lastSuccess: T0,
        };
        await store.saveFeedPoll(saved, 'A');
        expect(await store.feedPolls(FEEDS)).toEqual([saved]);
        expect(await store.claimDueFeeds(FEEDS.slice(0, 1), T0, 'A', LEASE_UNTIL, 10)).toEqual([]);
        expect(await store.claimDueFeeds(FEEDS.slice(0, 1), T1, 'A', T2, 10)).toEqual([saved]);
      });

      it('two instances claiming the same feeds at once: each feed goes to exactly one of them', async () => {
        const { store, another } = await factory.create();
        const others = [store, await another(), await another()];
        const claimed = await Promise.all(
          others.map((instance, index) => instance.claimDueFeeds(FEEDS, T0, `i${index}`, LEASE_UNTIL, 5)),
        );
        const urls = claimed.flatMap((states) => states.map((state) => state.url));
        expect(new Set(urls).size).toBe(urls.length);
        expect(urls.length).toBe(FEEDS.length);
        // A claim that is still held is not taken over; an expired one is.
        expect(await store.claimDueFeeds(FEEDS, T0, 'late', LEASE_UNTIL, 20)).toEqual([]);
        expect(await store.claimDueFeeds(FEEDS, LEASE_UNTIL, 'late', T2, 20)).toHaveLength(FEEDS.length);
      });
    });

    describe('failure reports of a feed', () => {
      const URL = 'http://127.0.0.1/down.xml';

      it('a run of failures is reported by one instance only, and its recovery by one only', async () => {
        const { store, another } = await factory.create();
        const other = await another();
        await store.claimDueFeeds([URL], T0, 'A', T1, 1);
        await store.saveFeedPoll(
          { url: URL, failures: 3, nextPoll: T1, failingSince: T0, lastError: 'HTTP 500' },
          'A',
        );
        expect(await store.markFeedFailureReported(URL, T1, T1)).toBe(false);
        const reported = await Promise.all([
          store.markFeedFailureReported(URL, T0, T1),
          other.markFeedFailureReported(URL, T0, T1),
        ]);
        expect(reported.filter(Boolean)).toHaveLength(1);
        expect((await other.feedPolls([URL]))[0]).toMatchObject({ failureReported: T1 });
        expect(await store.clearFeedFailureReport(URL, T2)).toBe(false);
        const cleared = await Promise.all([
          store.clearFeedFailureReport(URL, T1),
          other.clearFeedFailureReport(URL, T1),
        ]);
        expect(cleared.filter(Boolean)).toHaveLength(1);
        expect((await store.feedPolls([URL]))[0]?.failureReported).toBeUndefined();
      });

      it("counts each source's documents first seen since an instant", async () => {
        const store = await open();
        await store.replaceDocument(makeDocument('a', '2024-05-01'), [], T0);
        await store.replaceDocument(makeDocument('b', '2024-05-01'), [], T1);
        await store.replaceDocument(makeDocument('c', '2024-05-01', 'v1', 'folder:/srv'), [], T1);
        // A revision keeps its first-seen time.
        await store.replaceDocument(makeDocument('a', '2024-05-01', 'v2'), [], T2);
        expect(await store.documentsSeenSince(T1)).toEqual(
          new Map([
            [WIRE, 1],
            ['folder:/srv', 1],
          ]),
        );
      });
    });

    describe('finding items by topic', () => {
      it('gives a topic newest first, with the count of all of them', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        const gaza = await store.findItems({ topics: ['gaza'] }, 10);
        expect(gaza.map((hit) => hit.item.published)).toEqual([
          '2024-05-01',
          '2024-04-30',
          '2024-04-29',
          '2024-04-29',
        ]);
        expect(ids(gaza)[0]).toBe(items.rafah.id);
        expect(ids(gaza)[1]).toBe(items.famine.id);
        // Same day: the item more about the topic (listed earlier among its topics) first.
        expect(ids(gaza).slice(2)).toEqual([items.aid.id, items.talks.id]);
        expect(await store.countItems({ topics: ['gaza'] })).toBe(4);
        // The limit cuts the newest-first list; the count does not care.
        expect(ids(await store.findItems({ topics: ['gaza'] }, 2))).toEqual([
          items.rafah.id,
          items.famine.id,
        ]);
        expect(await store.findItems({ topics: ['nowhere'] }, 10)).toEqual([]);
        expect(await store.countItems({ topics: ['nowhere'] })).toBe(0);
      });

      it('relevance is the tag weight: the first-listed topic counts most', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        const relevance = new Map(
          (await store.findItems({ topics: ['gaza'] }, 10)).map((hit) => [hit.item.id, hit.relevance]),
        );
        expect(relevance.get(items.rafah.id)).toBeCloseTo(1);
        expect(relevance.get(items.famine.id)).toBeCloseTo(0.5);
        expect(relevance.get(items.talks.id)).toBeCloseTo(1 / 3);
        // Same day: the item more about the topics comes first.
        const aid = await store.findItems({ topics: ['humanitarian-aid', 'hostages'] }, 10);
        expect(ids(aid)).toEqual([items.famine.id, items.aid.id, items.talks.id]);
      });

      it('several topics: each item once, newest first, counted once', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        const hits = await store.findItems({ topics: ['gaza', 'humanitarian-aid', 'rafah'] }, 10);
        expect(ids(hits)).toHaveLength(4);
        expect(new Set(ids(hits)).size).toBe(4);
        expect(ids(hits).slice(0, 2)).toEqual([items.rafah.id, items.famine.id]);
        expect(await store.countItems({ topics: ['gaza', 'humanitarian-aid', 'rafah'] })).toBe(4);
        // The best weight among the topics asked for.
        expect(hits[0]?.relevance).toBeCloseTo(1);
        expect(await store.countItems({ topics: ['israel', 'rafah'] })).toBe(2);
        expect(await store.countItems({ topics: [] })).toBe(5);
      });

      it('counts items per topic', async () => {
        const store = await open();
        const { load } = corpus();
        expect(await store.topicCounts()).toEqual(new Map());
        await load(store);
        expect(await store.topicCounts()).toEqual(
          new Map([
            ['gaza', 4],
            ['humanitarian-aid', 2],
            ['ceasefire', 1],
            ['hostages', 1],
            ['rafah', 1],
            ['israel', 1],
          ]),
        );
      });
    });

    describe('finding items by text', () => {
      it('ranks items that name the words in their headline above passing mentions', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        const hits = await store.findItems({ text: 'famine' }, 10);
        expect(ids(hits)).toEqual([items.famine.id, items.aid.id]);
        expect(hits[0]!.relevance).toBeGreaterThan(hits[1]!.relevance);
        expect(hits[1]!.relevance).toBeGreaterThan(0);
        expect(await store.countItems({ text: 'famine' })).toBe(2);
        // Any of the words may match; more of them rank higher. Case and inflection do not matter.
        const mixed = await store.findItems({ text: 'CIVILIANS sheltering budget' }, 10);
        expect(new Set(ids(mixed))).toEqual(new Set([items.rafah.id, items.knesset.id]));
        expect(ids(await store.findItems({ text: 'civilians shelter Rafah' }, 10))[0]).toBe(items.rafah.id);
        expect(await store.findItems({ text: 'zeppelin' }, 10)).toEqual([]);
      });

      it('matches nothing for text with no words, and reads no query syntax from the user', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        for (const text of ['', '   ', '?!...', '"', "'", '*', '()', '-', '&|!:*', '<->']) {
          expect(await store.findItems({ text }, 10), JSON.stringify(text)).toEqual([]);
          expect(await store.countItems({ text }), JSON.stringify(text)).toBe(0);
          expect(await store.searchSentences([text], 10), JSON.stringify(text)).toEqual([]);
        }
        for (const text of [
          `rafah'); DROP TABLE items; --`,
          'rafah" OR "1"="1',
          'rafah NEAR(x y) AND NOT',
          "rafah:* & !cairo | o'brien",
          'rafah\\',
          'headline:rafah',
        ]) {
          expect(ids(await store.findItems({ text }, 10)), text).toContain(items.rafah.id);
          expect(await store.countItems({ text }), text).toBeGreaterThanOrEqual(1);
          expect((await store.searchSentences([text], 10)).length, text).toBeGreaterThanOrEqual(1);
        }
        expect(await store.countItems({})).toBe(5);
      });

      it('combines text with topics and the ingestion time', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        const hits = await store.findItems({ topics: ['gaza'], text: 'northern' }, 10);
        expect(ids(hits)).toEqual([items.famine.id, items.aid.id]);
        expect(await store.countItems({ topics: ['gaza'], text: 'northern' })).toBe(2);
        expect(await store.countItems({ topics: ['israel'], text: 'northern' })).toBe(0);
        expect(await store.countItems({ text: 'northern', ingestedSince: T1 })).toBe(0);
      });
    });

    describe('ingestion time', () => {
      it('gives only items ingested at or after the instant', async () => {
        const store = await open();
        const { documents, items } = corpus();
        await store.replaceDocument(documents.monday, [items.talks, items.aid], T0);
        await store.replaceDocument(documents.tuesday, [items.famine], T1);
        await store.replaceDocument(documents.wednesday, [items.rafah, items.knesset], T2);
        const recent = ids(await store.findItems({ ingestedSince: T1 }, 10));
        expect(new Set(recent.slice(0, 2))).toEqual(new Set([items.rafah.id, items.knesset.id]));
        expect(recent[2]).toBe(items.famine.id);
        expect(recent).toHaveLength(3);
        expect(await store.countItems({ ingestedSince: T1 })).toBe(3);
        expect(await store.countItems({ ingestedSince: '2024-05-02T08:00:00.001Z' })).toBe(2);
        expect(await store.countItems({ ingestedSince: '2030-01-01T00:00:00.000Z' })).toBe(0);
        expect(ids(await store.findItems({ topics: ['humanitarian-aid'], ingestedSince: T1 }, 10))).toEqual([
          items.famine.id,
        ]);
        expect(await store.countItems({ topics: ['gaza', 'israel'], ingestedSince: T2 })).toBe(2);
      });
    });

    describe('getting items', () => {
      it('gives them in the order asked for, skipping unknown ids', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        const got = await store.getItems([items.knesset.id, 'unknown', items.talks.id, items.rafah.id]);
        expect(got.map((item) => item.id)).toEqual([items.knesset.id, items.talks.id, items.rafah.id]);
        expect(await store.getItems([])).toEqual([]);
      });
    });

    describe('searching sentences', () => {
      it('finds the sentences with the words, best first, restricted to items when asked', async () => {
        const store = await open();
        const { items, load } = corpus();
        await load(store);
        const hits = await store.searchSentences(['famine', 'northern', 'gaza'], 10);
        expect(hits[0]).toMatchObject({ itemId: items.famine.id, index: 0 });
        expect(hits.map((hit) => `${hit.itemId}/${hit.index}`)).toEqual(
          expect.arrayContaining([`${items.aid.id}/1`, `${items.famine.id}/0`]),
        );
        for (let i = 1; i < hits.length; i++)
          expect(hits[i]!.relevance).toBeLessThanOrEqual(hits[i - 1]!.relevance);
        expect(await store.searchSentences(['famine'], 1)).toHaveLength(1);
        const only = await store.searchSentences(['famine'], 10, [items.aid.id, items.rafah.id]);
        expect(only).toEqual([{ itemId: items.aid.id, index: 1, relevance: expect.any(Number) }]);
        expect(await store.searchSentences(['famine'], 10, [])).toEqual([]);
        expect(await store.searchSentences([], 10)).toEqual([]);
        expect(await store.searchSentences(['zeppelin'], 10)).toEqual([]);
      });

      it('indexes real ingested documents so their sentences answer questions', async () => {
        const store = await open();
        const catalogue = parseTopicCatalogue(
          readFileSync(join(REPO_BRIEFINGS, 'topics.yaml'), 'utf8'),
          'topics.yaml',
        );
        const files: Record<string, string | Buffer> = {
          [SEED_FILE]: readFileSync(join(REPO_BRIEFINGS, SEED_FILE)),
          'famine.md': `---\ntitle: UN warns of famine in northern Gaza\ndate: 2024-05-02\nsource: UN News\ntopics: [humanitarian-aid]\n---\nThe World Food Programme said famine had taken hold in northern Gaza. About 300,000 people remained in the north with little food.\n\nAid trucks entering through the Kerem Shalom crossing fell to 60 a day last week, the agency said.\n`,
        };
        const built: Item[] = [];
        for (const [origin, content] of Object.entries(files)) {
          const parsed = parseBriefing(origin, Buffer.from(content));
          if (!parsed.ok) throw new Error(parsed.problem.message);
          const { document, items } = buildItems(parsed.document, catalogue, 'folder:/briefings');
          await store.replaceDocument(document, items, T0);
          built.push(...items);
        }
        expect(await store.countItems({})).toBe(built.length);
        const gaza = built.filter((item) => item.topics.includes('gaza'));
        expect(await store.countItems({ topics: ['gaza'] })).toBe(gaza.length);
        const found = await store.findItems({ topics: ['gaza'] }, 100);
        expect(found[0]?.item.published).toBe('2024-05-02');
        expect(found.map((hit) => hit.item)).toEqual(
          expect.arrayContaining(gaza.map((item) => ({ ...item, ingestedAt: T0, updatedAt: T0 }))),
        );
        const [best] = await store.searchSentences(['civilians', 'rafah'], 5);
        const item = built.find((candidate) => candidate.id === best?.itemId);
        expect(item?.sentences[best!.index]?.text).toMatch(/1\.5 million civilians/);
        const [famine] = await store.findItems({ text: 'famine northern Gaza' }, 5);
        expect(famine?.item.source).toBe('UN News');
      });
    });

    describe('thread contexts', () => {
      it('saves, reads back and overwrites the context of a thread', async () => {
        const store = await open();
        const key = { platform: 'slack' as const, channelId: 'C1', threadId: '1714.01' };
        expect(await store.getThreadContext(key)).toBeUndefined();
        const context: ThreadContext = {
          ...key,
          topic: 'gaza',
          itemIds: ['a', 'b'],
          turns: [{ question: 'who is mediating?', answer: 'Egypt and Qatar "together" — 100%' }],
          updatedAt: T0,
        };
        await store.saveThreadContext(context);
        expect(await store.getThreadContext(key)).toEqual(context);
        const { topic: _topic, ...withoutTopic } = context;
        const next: ThreadContext = { ...withoutTopic, itemIds: ['c'], turns: [], updatedAt: T1 };
        await store.saveThreadContext(next);
        const stored = await store.getThreadContext(key);
        expect(stored).toEqual(next);
        expect(stored).not.toHaveProperty('topic');
        // Keys are the whole triple.
        expect(await store.getThreadContext({ ...key, platform: 'discord' })).toBeUndefined();
        expect(await store.getThreadContext({ ...key, threadId: '1714.02' })).toBeUndefined();
      });

      it('forgets only the threads not touched since a given instant', async () => {
        const store = await open();
        const context = (threadId: string, updatedAt: string): ThreadContext => ({
          platform: 'slack',
          channelId: 'C1',
          threadId,
          itemIds: [],
          turns: [],
          updatedAt,
        });
        await store.saveThreadContext(context('old', T0));
        await store.saveThreadContext(context('new', T1));
        expect(await store.pruneThreadContexts(T1)).toBe(1);
        expect(await store.getThreadContext(context('old', T0))).toBeUndefined();
        expect(await store.getThreadContext(context('new', T1))).toBeDefined();
      });
    });

    describe('digest runs across instances', () => {
      const subscription = (id: string): Subscription => ({
        id,
        platform: 'discord',
        workspaceId: 'G1',
        channelId: `C-${id}`,
        topics: ['gaza'],
        time: '08:00',
        timezone: 'Europe/London',
        quiet: false,
        createdBy: 'U1',
        createdAt: T0,
      });
      const LEASE = '2024-05-01T08:05:00.000Z';
      const LATER = '2024-05-01T08:10:00.000Z';
      const periods = Array.from({ length: 12 }, (_, day) => `2024-05-${String(day + 1).padStart(2, '0')}`);

      it('two instances adding to a channel at once never pass its cap; changing one it has is always allowed', async () => {
        const { store, another } = await factory.create();
        const other = await another();
        const inChannel = (id: string, topic: string): Subscription => ({
          ...subscription(id),
          channelId: 'C-full',
          topics: [topic],
        });
        for (let i = 0; i < 8; i++) await store.saveSubscription(inChannel(`old-${i}`, `topic-${i}`), 10);
        // Connections open first, so the saves below meet in the store and not one by one as each connects.
        await Promise.all([store, other, store, other, store, other].map((s) => s.listSubscriptions()));
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : store).saveSubscription(inChannel(`new-${i}`, `late-${i}`), 10),
          ),
        );
        expect(results.filter((result) => result.created)).toHaveLength(2);
        expect(
          results.filter((result) => result.channelFull !== undefined).map((r) => r.channelFull),
        ).toEqual(Array(18).fill(10));
        expect(await other.listSubscriptions({ platform: 'discord', channelId: 'C-full' })).toHaveLength(10);
        const changed = await other.saveSubscription({ ...inChannel('again', 'topic-3'), time: '17:00' }, 10);
        expect(changed).toMatchObject({ created: false, subscription: { id: 'old-3', time: '17:00' } });
        // Another channel has its own count.
        expect((await store.saveSubscription(subscription('elsewhere'), 10)).created).toBe(true);
      });

      it('two instances claiming the same runs at once: exactly one wins each', async () => {
        const { store, another } = await factory.create();
        const other = await another();
        await store.saveSubscription(subscription('s1'));
        const attempts = periods.flatMap((periodKey) =>
          (
            [
              [store, 'A'],
              [other, 'B'],
              [store, 'C'],
              [other, 'D'],
            ] as const
          ).map(async ([instance, owner]) => ({
            periodKey,
            owner,
            run: await instance.claimDigestRun({
              subscriptionId: 's1',
              periodKey,
              owner,
              now: T0,
              leaseUntil: LEASE,
            }),
          })),
        );
        const results = await Promise.all(attempts);
        for (const periodKey of periods) {
          const winners = results.filter((result) => result.periodKey === periodKey && result.run);
          expect(winners, periodKey).toHaveLength(1);
          const stored = await other.getDigestRun({ subscriptionId: 's1', periodKey });
          expect(stored).toEqual(winners[0]!.run);
          expect(stored).toMatchObject({
            owner: winners[0]!.owner,
            status: 'claimed',
            attempts: 0,
            leaseUntil: LEASE,
          });
        }
      });

      it('two instances taking over expired claims at once: exactly one wins each, the other cannot post', async () => {
        const { store, another } = await factory.create();
        const other = await another();
        await store.saveSubscription(subscription('s1'));
        for (const periodKey of periods) {
          await store.claimDigestRun({
            subscriptionId: 's1',
            periodKey,
            owner: 'dead',
            now: T0,
            leaseUntil: LEASE,
          });
        }
        expect(await other.listExpiredDigestClaims(LEASE)).toHaveLength(periods.length);
        const results = await Promise.all(
          periods.flatMap((periodKey) =>
            (
              [
                [store, 'A'],
                [other, 'B'],
              ] as const
            ).map(async ([instance, owner]) => ({
              periodKey,
              owner,
              instance,
              run: await instance.reclaimDigestRun({
                subscriptionId: 's1',
                periodKey,
                owner,
                now: LATER,
                leaseUntil: '2024-05-01T08:15:00.000Z',
              }),
            })),
          ),
        );
        for (const periodKey of periods) {
          const key = { subscriptionId: 's1', periodKey };
          const mine = results.filter((result) => result.periodKey === periodKey);
          const winners = mine.filter((result) => result.run);
          expect(winners, periodKey).toHaveLength(1);
          const winner = winners[0]!;
          const loser = mine.find((result) => !result.run)!;
          expect(await loser.instance.startDigestAttempt(key, loser.owner, LATER)).toBeUndefined();
          expect(await winner.instance.startDigestAttempt(key, winner.owner, LATER)).toBe(1);
          expect(await store.getDigestRun(key)).toMatchObject({ owner: winner.owner, attempts: 1 });
        }
        expect(await store.listExpiredDigestClaims(LEASE)).toEqual([]);
      });

      it('a claim racing the deletion of its subscription neither fails nor leaves a run behind', async () => {
        const { store, another } = await factory.create();
        const other = await another();
        const ids = periods.map((_, index) => `race-${index}`);
        for (const id of ids) await store.saveSubscription(subscription(id));
        await Promise.all(
          ids.flatMap((id) => [
            store.deleteSubscription(id),
            other.claimDigestRun({
              subscriptionId: id,
              periodKey: '2024-05-01',
              owner: 'B',
              now: T0,
              leaseUntil: LEASE,
            }),
          ]),
        );
        for (const id of ids) {
          expect(await store.getSubscription(id)).toBeUndefined();
          expect(await store.getDigestRun({ subscriptionId: id, periodKey: '2024-05-01' })).toBeUndefined();
        }
      });
    });

    describe('delivery claims across instances', () => {
      const claim = (keys: string[], owner: string, now = T0, expiresAt = '2024-05-01T09:00:00.000Z') => ({
        keys,
        owner,
        now,
        expiresAt,
      });

      it('a delivery is taken once, whichever instance sees it first or again', async () => {
        const { store, another } = await factory.create();
        const other = await another();
        expect(await store.claimDelivery(claim(['event:E1', 'ts:C1:1.1'], 'A'))).toBe(true);
        expect(await other.claimDelivery(claim(['event:E1', 'ts:C1:1.1'], 'B'))).toBe(false);
        expect(await store.claimDelivery(claim(['event:E1', 'ts:C1:1.1'], 'A'))).toBe(false);
        // The same message under another event id is still the same message.
        expect(await other.claimDelivery(claim(['event:E2', 'ts:C1:1.1'], 'B'))).toBe(false);
        expect(await other.claimDelivery(claim(['event:E3', 'ts:C1:2.2'], 'B'))).toBe(true);
      });

      it('two instances claiming the same deliveries at once: exactly one wins each', async () => {
        const { store, another } = await factory.create();
        const other = await another();
        const deliveries = Array.from({ length: 20 }, (_, n) => [`event:E${n}`, `msg:M${n}`, `ts:C1:${n}.0`]);
        const results = await Promise.all(
          deliveries.flatMap((keys) =>
            [store, other, store, other].map(async (instance, i) => ({
              key: keys[0],
              won: await instance.claimDelivery(claim([...keys].reverse().slice(i % 2), `I${i}`)),
            })),
          ),
        );
        for (const keys of deliveries) {
          expect(results.filter((r) => r.key === keys[0] && r.won)).toHaveLength(1);
        }
      });

      it('after it expires a key may be claimed again, and pruning forgets only expired claims', async () => {
        const { store } = await factory.create();
        expect(await store.claimDelivery(claim(['event:old'], 'A', T0, '2024-05-01T08:00:00.000Z'))).toBe(
          true,
        );
        expect(await store.claimDelivery(claim(['event:new'], 'A', T0, '2024-05-01T10:00:00.000Z'))).toBe(
          true,
        );
        const later = '2024-05-01T08:30:00.000Z';
        expect(await store.claimDelivery(claim(['event:new'], 'B', later))).toBe(false);
        expect(await store.pruneDeliveryClaims(later)).toBe(1);
        expect(await store.claimDelivery(claim(['event:old'], 'B', later))).toBe(true);
        expect(await store.claimDelivery(claim(['event:old'], 'C', later))).toBe(false);
      });
    });

    describe('stories', () => {
      /** One outlet's document with one item, titled by its first sentence as an article is by its headline. */
      function outletReport(origin: string, outlet: string, published: string, sentences: string[]) {
        const document = { ...makeDocument(origin, published), source: outlet, title: sentences[0] ?? '' };
        const item = makeItem(document, {
          key: 'rafah',
          headline: sentences[0] ?? '',
          topics: ['rafah'],
          sentences,
        });
        return { document, item };
      }
      const EVACUATION = [
        'Israel ordered civilians to evacuate eastern Rafah ahead of a ground offensive.',
        'About 100,000 people were told to move to the Al-Mawasi humanitarian zone.',
      ];
      const SAME_NEWS = [
        'The Israeli military told 100,000 people to evacuate eastern Rafah before an offensive.',
        'Residents were told to move to the Al-Mawasi humanitarian zone.',
      ];
      const OTHER_NEWS = [
        'A measles vaccination drive started in clinics across Khan Younis.',
        'Nurses said infants under two would be vaccinated first.',
      ];

      async function cluster(store: Store, report: ReturnType<typeof outletReport>, at = T0) {
        await store.replaceDocument(report.document, [report.item], at);
        return (await clusterItems(store, [report.item], at))[0];
      }

      it('an item from another outlet about the same development joins its story, found through the index', async () => {
        const store = await open();
        const first = await cluster(store, outletReport('a.md', 'Reuters', '2024-05-06', EVACUATION));
        const second = await cluster(store, outletReport('b.md', 'AP', '2024-05-06', SAME_NEWS));
        const other = await cluster(store, outletReport('c.md', 'BBC', '2024-05-06', OTHER_NEWS));
        expect(first?.created).toBe(true);
        expect(second).toEqual({ storyId: first?.storyId, created: false, revision: false });
        expect(other?.created).toBe(true);
        const members = await store.storyMembers([first?.storyId ?? '', other?.storyId ?? '']);
        expect(members.get(first?.storyId ?? '')?.map((item) => item.source)).toEqual(['Reuters', 'AP']);
        expect(members.get(other?.storyId ?? '')?.map((item) => item.source)).toEqual(['BBC']);
        // Ranking reads outlines, not members: the newest date and the outlets, as the members say.
        expect(
          await store.storyOutlines([first?.storyId ?? '', other?.storyId ?? '', 'no-such-story']),
        ).toEqual(
          new Map([
            [first?.storyId, { newest: '2024-05-06', outlets: 2 }],
            [other?.storyId, { newest: '2024-05-06', outlets: 1 }],
          ]),
        );
        // Items carry their story, so a briefing groups them without another lookup.
        const hits = await store.findItems({ topics: ['rafah'] }, 10);
        expect(new Set(hits.map((hit) => hit.item.storyKey))).toEqual(
          new Set([first?.storyId, other?.storyId]),
        );
        expect(await store.countStories({ topics: ['rafah'] })).toBe(2);
        expect(await store.countItems({ topics: ['rafah'] })).toBe(3);
        // An edit keeps the item in its story, and so in the count, for one topic or several.
        const edited = outletReport('b.md', 'AP', '2024-05-06', SAME_NEWS);
        await store.replaceDocument({ ...edited.document, fingerprint: 'b.md#v2' }, [edited.item], T0);
        expect(await store.countStories({ topics: ['rafah'] })).toBe(2);
        expect(await store.countStories({ topics: ['rafah', 'elections'] })).toBe(2);
        expect(await store.countStories({ text: 'Rafah evacuate' })).toBe(1);
      });

      it("a document's own items stay in stories of their own, however alike", async () => {
        const store = await open();
        const report = outletReport('a.md', 'Reuters', '2024-05-06', EVACUATION);
        const sibling = makeItem(report.document, {
          key: 'rafah-2',
          headline: SAME_NEWS[0] ?? '',
          topics: ['rafah'],
          sentences: SAME_NEWS,
          position: 1,
        });
        await store.replaceDocument(report.document, [report.item, sibling], T0);
        const [first, second] = await clusterItems(store, [report.item, sibling], T0);
        expect(second?.storyId).not.toBe(first?.storyId);
        // The same text from another outlet does join.
        const other = await cluster(store, outletReport('b.md', 'AP', '2024-05-06', SAME_NEWS));
        expect(other?.created).toBe(false);
      });

      it('the same news a week later is not a candidate: stories are looked up within their dates', async () => {
        const store = await open();
        const first = await cluster(store, outletReport('a.md', 'Reuters', '2024-05-06', EVACUATION));
        const later = await cluster(store, outletReport('b.md', 'AP', '2024-05-14', SAME_NEWS));
        expect(later?.storyId).not.toBe(first?.storyId);
      });

      it('a second item from the same outlet is a revision of its member, not a second outlet', async () => {
        const store = await open();
        const first = await cluster(store, outletReport('a.md', 'Reuters', '2024-05-06', EVACUATION));
        const update = await cluster(
          store,
          outletReport('a-update.md', 'Reuters', '2024-05-06', [
            ...EVACUATION,
            'The order covers 12 neighbourhoods.',
          ]),
        );
        expect(update).toEqual({ storyId: first?.storyId, created: false, revision: true });
      });

      it('an edit keeps unchanged items in their story; removing the document takes its members out', async () => {
        const store = await open();
        const first = await cluster(store, outletReport('a.md', 'Reuters', '2024-05-06', EVACUATION));
        const second = outletReport('b.md', 'AP', '2024-05-06', SAME_NEWS);
        await cluster(store, second);
        await store.replaceDocument(second.document, [second.item], T1);
        expect(await store.storyOf(second.item.id)).toBe(first?.storyId);
        const [kept] = await store.getItems([second.item.id]);
        expect(kept?.storyKey).toBe(first?.storyId);
        expect(await store.removeDocument(WIRE, 'b.md')).toBe(true);
        expect(await store.storyOf(second.item.id)).toBeUndefined();
        expect((await store.storyMembers([first?.storyId ?? ''])).get(first?.storyId ?? '')).toHaveLength(1);
      });

      it('a probe term brings only its newest members within the dates, however many share it', async () => {
        const store = await open();
        // A running story makes its words common: the probe's cost must not grow with the story.
        const days = ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-09'];
        for (const [n, published] of days.entries())
          await store.addStoryMember({
            storyId: `story-${n}`,
            input: {
              itemId: `member-${n}`,
              documentId: `doc-${n}`,
              outlet: 'Reuters',
              published,
              title: 'Rafah',
              text: '',
              entities: [],
            },
            terms: new Map([['rafah', 2.5]]),
            names: [],
            numbers: [],
            indexTerms: ['rafah'],
            itemTerms: ['rafah'],
            addedAt: T0,
          });
        const probe = { terms: ['rafah'], from: '2024-05-01', to: '2024-05-07' };
        const found = await store.storyCandidates({ ...probe, perTerm: 2 }, 10);
        expect(found.flatMap((story) => story.members.map((member) => member.itemId)).sort()).toEqual([
          'member-2',
          'member-3',
        ]);
        expect(found[0]?.members[0]?.terms).toEqual(new Map([['rafah', 2.5]]));
        const all = await store.storyCandidates({ ...probe, perTerm: 10 }, 10);
        expect(all).toHaveLength(4);
      });

      it('stories written by one instance are found by another', async () => {
        const { store, another } = await factory.create();
        const first = await cluster(store, outletReport('a.md', 'Reuters', '2024-05-06', EVACUATION));
        const second = await another();
        const joined = await cluster(second, outletReport('b.md', 'AP', '2024-05-06', SAME_NEWS));
        expect(joined?.storyId).toBe(first?.storyId);
      });
    });

    describe('story versions each channel was shown', () => {
      const version = (storyId: string, sentences: string[], outlets = ['Reuters']): StoryVersion => ({
        storyId,
        outlets,
        sentences,
        figures: [
          {
            thing: 'peopl',
            value: 43,
            text: '43 people',
            outlet: 'Reuters',
            published: '2024-05-06',
            sentence: sentences[0] ?? '',
          },
        ],
      });

      it('a channel gets back the version it was last shown of each story, another channel none', async () => {
        const store = await open();
        const first = version('s1', ['Strikes killed 43 people.']);
        await store.recordStoryViews('slack', 'C1', [first, version('s2', ['Aid arrived.'])], T0);
        const later = version('s1', ['Strikes killed 43 people.', 'The toll rose to 45.'], ['AP', 'Reuters']);
        await store.recordStoryViews('slack', 'C1', [later], T1);
        const seen = await store.storyViews('slack', 'C1', ['s1', 's2', 's3']);
        expect(seen.get('s1')).toEqual(later);
        expect(seen.get('s2')?.sentences).toEqual(['Aid arrived.']);
        expect(seen.has('s3')).toBe(false);
        expect((await store.storyViews('slack', 'C2', ['s1'])).size).toBe(0);
        expect((await store.storyViews('discord', 'C1', ['s1'])).size).toBe(0);
      });

      it('a channel names the versions it saw without reading them, and each is read by its name', async () => {
        const store = await open();
        const first = version('s1', ['Strikes killed 43 people.']);
        await store.recordStoryViews('slack', 'C1', [first], T0);
        const digests = await store.seenVersionDigests('slack', 'C1', ['s1', 's2']);
        expect([...digests.keys()]).toEqual(['s1']);
        expect(digests.get('s1')).toBe(versionDigest(first));
        expect(await store.storyVersion('s1', versionDigest(first))).toEqual(first);
        expect(await store.storyVersion('s1', 'no-such-digest')).toBeUndefined();
        expect((await store.seenVersionDigests('slack', 'C2', ['s1'])).size).toBe(0);
      });

      it('channels shown the same version share it, and another instance reads what one recorded', async () => {
        const { store, another } = await factory.create();
        const shared = version('s1', ['Strikes killed 43 people.']);
        await store.recordStoryViews('slack', 'C1', [shared], T0);
        const second = await another();
        await second.recordStoryViews('discord', 'D1', [shared], T1);
        expect((await second.storyViews('slack', 'C1', ['s1'])).get('s1')).toEqual(shared);
        expect((await store.storyViews('discord', 'D1', ['s1'])).get('s1')).toEqual(shared);
      });
    });

    describe('several instances', () => {
      it('a second store on the same data sees what the first wrote', async () => {
        const { store, another } = await factory.create();
        const { items, load } = corpus();
        await load(store);
        const second = await another();
        expect(await second.countItems({})).toBe(5);
        expect(ids(await second.findItems({ topics: ['rafah'] }, 10))).toEqual([items.rafah.id]);
      });
    });
  },
);

describe.skipIf(!PG_URL)('postgres store', () => {
  it('migrates once when several instances start together', async () => {
    const url = PG_URL!;
    const schema = await scratchSchema(url);
    const pools = Array.from({ length: 4 }, () => schemaPool(url, schema, 2));
    try {
      const stores = await Promise.all(pools.map((pool) => PostgresStore.open(pool)));
      const { rows } = await pools[0]!.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((_, index) => index + 1));
      expect(await stores[3]!.countItems({})).toBe(0);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('refuses a database migrated by a newer briefbot', async () => {
    const url = PG_URL!;
    const schema = await scratchSchema(url);
    const pool = schemaPool(url, schema, 1);
    try {
      await PostgresStore.open(pool);
      await pool.query('INSERT INTO schema_migrations (version) VALUES (999)');
      await expect(PostgresStore.open(pool)).rejects.toThrow(/newer than this briefbot/);
    } finally {
      await pool.end();
    }
  });

  it('opens its own pool from a URL and a schema name', async () => {
    const url = PG_URL!;
    const schema = await scratchSchema(url);
    const store = await PostgresStore.open(url, { schema });
    try {
      const { documents, items } = corpus();
      await store.replaceDocument(documents.tuesday, [items.famine], T0);
      const { rows } = await store.pool.query<{ schema: string }>('SELECT current_schema() AS schema');
      expect(rows[0]?.schema).toBe(schema);
    } finally {
      await store.close();
    }
    expect(() => new PostgresStore(url, { schema: 'x; DROP SCHEMA public' })).toThrow(/schema name/);
  });

  it('DATABASE_URL makes the bot use PostgreSQL instead of the SQLite file', async () => {
    const schema = await scratchSchema(PG_URL!);
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      DATABASE_PATH: join(scratchDir(), 'unused.db'),
    });
    expect(config.databaseUrl).toBe(url.toString());
    expect(() => loadConfig({ DATABASE_URL: 'mysql://localhost/db' })).toThrow(/DATABASE_URL/);
    const core = await openCore({ ...config, briefingsDir: briefingsFolder(), logger: silentLogger });
    try {
      expect(core.store).toBeInstanceOf(PostgresStore);
      expect(core.ingest.added).toEqual([SEED_FILE]);
      const { rows } = await (core.store as PostgresStore).pool.query<{ count: string }>(
        'SELECT count(*) AS count FROM items',
      );
      expect(Number(rows[0]?.count)).toBeGreaterThanOrEqual(3);
    } finally {
      await core.close();
    }
  });
});
