import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeDigest, DIGEST_SIZE, DigestComposer } from '../src/core/digests/compose.js';
import type { Item, SourceDocument } from '../src/core/model.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import type { Subscription } from '../src/core/store/subscriptions.js';
import { parseTopicCatalogue } from '../src/core/topics.js';
import type { Reply } from '../src/reply.js';
import { REPO_BRIEFINGS, scratchDir } from './support/core.js';

const allText = (reply: Reply | undefined) =>
  reply ? [reply.title, reply.intro ?? '', ...reply.sections.map((s) => s.heading)].join('\n') : '';

const catalogue = parseTopicCatalogue(
  readFileSync(join(REPO_BRIEFINGS, 'topics.yaml'), 'utf8'),
  'topics.yaml',
);

function document(origin: string, published: string): SourceDocument {
  return {
    id: `${origin}#1`,
    sourceId: 'feed:wire',
    origin,
    fingerprint: origin,
    title: origin,
    source: 'Wire',
    published,
    body: origin,
    topics: [],
  };
}

function item(doc: SourceDocument, key: string, topics: string[], position = 0): Item {
  const text = `${key} happened.`;
  return {
    id: `${doc.origin}:${key}`,
    documentId: doc.id,
    storyKey: `story:${key}`,
    position,
    headline: `Headline ${key}`,
    summary: text,
    keyPoints: [],
    topics,
    entities: [],
    published: doc.published,
    source: doc.source,
    documentTitle: doc.title,
    sentences: [{ text, start: 0, end: text.length }],
  };
}

function subscription(topics: string[], quiet = false): Subscription {
  return {
    id: 'sub',
    platform: 'slack',
    channelId: 'C1',
    topics,
    time: '08:00',
    timezone: 'Europe/London',
    quiet,
    createdBy: 'U1',
    createdAt: '2027-03-20T00:00:00.000Z',
  };
}

const SINCE = '2027-03-26T08:00:00.000Z';
const UNTIL = '2027-03-27T08:00:00.000Z';

async function storeWith(...batches: { at: string; doc: SourceDocument; items: Item[] }[]) {
  const store = new SqliteStore(join(scratchDir(), 'digest.db'));
  for (const batch of batches) await store.replaceDocument(batch.doc, batch.items, batch.at);
  return store;
}

describe('composing a digest', () => {
  it('shows what was ingested in the window, grouped by the most specific subscribed topic, newest first', async () => {
    const old = document('old.md', '2027-03-25');
    const monday = document('monday.md', '2027-03-26');
    const tuesday = document('tuesday.md', '2027-03-27');
    const late = document('late.md', '2027-03-27');
    const store = await storeWith(
      { at: '2027-03-25T12:00:00.000Z', doc: old, items: [item(old, 'seen-yesterday', ['gaza'])] },
      {
        at: '2027-03-26T12:00:00.000Z',
        doc: monday,
        items: [
          item(monday, 'trucks', ['gaza', 'humanitarian-aid']),
          item(monday, 'raid', ['gaza', 'rafah'], 1),
        ],
      },
      {
        at: '2027-03-27T07:00:00.000Z',
        doc: tuesday,
        items: [
          item(tuesday, 'famine', ['humanitarian-aid', 'gaza']),
          item(tuesday, 'talks', ['gaza', 'ceasefire'], 1),
        ],
      },
      { at: UNTIL, doc: late, items: [item(late, 'next-time', ['gaza'])] },
    );
    const reply = await composeDigest({ store, catalogue }, subscription(['gaza', 'humanitarian-aid']), {
      since: SINCE,
      until: UNTIL,
    });
    // A minute's batch reads each topic on its own and merges them: the digest is the same.
    const batched = await new DigestComposer({ store, catalogue }).compose(
      subscription(['gaza', 'humanitarian-aid']),
      { since: SINCE, until: UNTIL },
    );
    await store.close();
    expect(batched?.reply).toEqual(reply);
    expect(reply?.kind).toBe('digest');
    expect(reply?.title).toBe('Daily digest: Gaza, Humanitarian aid');
    expect(reply?.intro).toBe('4 new stories since Fri 26 Mar, 08:00 (Europe/London)');
    // A document's first item is headed by the document's own title, later ones by their headline.
    expect(reply?.sections.map((s) => s.heading)).toEqual([
      'Gaza · Headline talks',
      'Gaza · Headline raid',
      'Humanitarian aid · tuesday.md',
      'Humanitarian aid · monday.md',
    ]);
    expect(reply?.sections[0]?.source).toMatchObject({ name: 'Wire', date: '2027-03-27' });
    expect(reply?.thread).toEqual({ itemIds: reply?.sections.map((s) => s.itemId) });
    // The follow-up promise is the delivery's to make, once it knows a thread will follow.
    expect(reply?.footer).toBeUndefined();
  });

  it('a single topic gets no group labels and names its topic for follow-ups', async () => {
    const doc = document('d.md', '2027-03-27');
    const store = await storeWith({
      at: '2027-03-27T07:00:00.000Z',
      doc,
      items: [item(doc, 'raid', ['rafah', 'gaza'])],
    });
    const reply = await composeDigest({ store, catalogue }, subscription(['rafah']), {
      since: SINCE,
      until: UNTIL,
    });
    await store.close();
    expect(reply?.sections.map((s) => s.heading)).toEqual(['d.md']);
    expect(reply?.thread).toEqual({ topic: 'rafah', itemIds: ['d.md:raid'] });
  });

  it(`shows at most ${DIGEST_SIZE}, shared between topics, and counts the rest`, async () => {
    const doc = document('busy.md', '2027-03-27');
    const aid = Array.from({ length: 12 }, (_, i) => item(doc, `aid-${i}`, ['humanitarian-aid'], i));
    const rafah = Array.from({ length: 3 }, (_, i) => item(doc, `rafah-${i}`, ['rafah'], 20 + i));
    const store = await storeWith({ at: '2027-03-27T07:00:00.000Z', doc, items: [...aid, ...rafah] });
    const reply = await composeDigest({ store, catalogue }, subscription(['humanitarian-aid', 'rafah']), {
      since: SINCE,
      until: UNTIL,
    });
    await store.close();
    expect(reply?.sections).toHaveLength(DIGEST_SIZE);
    expect(reply?.sections.filter((s) => s.heading.startsWith('Rafah'))).toHaveLength(3);
    expect(reply?.more?.count).toBe(5);
    expect(reply?.intro).toContain('15 new stories');
  });

  it('nothing new is one line naming the topics and since when; quiet says nothing at all', async () => {
    const store = await storeWith();
    const window = { since: SINCE, until: UNTIL };
    const reply = await composeDigest(
      { store, catalogue },
      subscription(['gaza', 'humanitarian-aid']),
      window,
    );
    expect(reply).toEqual({
      kind: 'digest',
      audience: 'channel',
      title: 'No new developments on Gaza, Humanitarian aid since Fri 26 Mar, 08:00 (Europe/London)',
      sections: [],
    });
    expect(await composeDigest({ store, catalogue }, subscription(['gaza'], true), window)).toBeUndefined();
    await store.close();
  });

  it('a late digest says when it was due', async () => {
    const store = await storeWith();
    const window = { since: SINCE, until: '2027-03-28T09:30:00.000Z', lateFor: '2027-03-28T07:00:00.000Z' };
    const reply = await composeDigest({ store, catalogue }, subscription(['gaza']), window);
    await store.close();
    expect(allText(reply)).toContain('Late (was due Sun 28 Mar, 08:00). No new developments on Gaza');
  });
});
