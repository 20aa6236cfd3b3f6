import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Item } from '../src/core/model.js';
import { HeldTermCounts } from '../src/core/store/held-term-counts.js';
import { RecentStoryMembers } from '../src/core/store/recent-story-members.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { clusterItems, storyInput } from '../src/core/stories/ingest.js';
import { signatureOf } from '../src/core/stories/signature.js';
import { scratchDir } from './support/core.js';
import { makeDocument, makeItem, WIRE } from './support/documents.js';

const AT = '2024-05-01T08:00:00.000Z';
const OUTLETS = ['Reuters', 'AP', 'BBC', 'Al Jazeera', 'AFP'];
/** Developments, each with words of its own, that items report with a few shared words. */
const DEVELOPMENTS = [
  ['evacuation', 'Rafah', 'crossing', 'civilians', 'shelters', 'Mawasi'],
  ['ceasefire', 'Cairo', 'mediators', 'hostages', 'proposal', 'Qatar'],
  ['measles', 'vaccination', 'clinics', 'infants', 'nurses', 'Khan Younis'],
  ['election', 'ballots', 'turnout', 'candidates', 'polling', 'Johannesburg'],
  ['earthquake', 'aftershocks', 'rescuers', 'rubble', 'magnitude', 'Hatay'],
  ['drought', 'harvest', 'maize', 'rainfall', 'farmers', 'Malawi'],
];
const SHARED = ['officials', 'said', 'on', 'Tuesday', 'reported', 'according', 'statement', 'week'];

/** A small seeded generator, so that a failure can be replayed. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Reports of the developments by the outlets, drawn from a seeded sequence. */
function reporter(seed: number) {
  const random = sequence(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const report = (n: number, published: string, key = 'main') => {
    const words = pick(DEVELOPMENTS);
    const sentence = () => `${[...words, ...SHARED].filter(() => random() < 0.6).join(' ')} ${n % 7} people.`;
    // SQLite orders ids by their UTF-8 bytes: a fullwidth "！" before an emoji, unlike JavaScript.
    const mark = ['', '！', '😀'][n % 3];
    const document = { ...makeDocument(`${mark}doc-${n}.md`, published), source: pick(OUTLETS) };
    const first = sentence();
    return {
      document,
      item: makeItem(document, { key, headline: first, topics: [], sentences: [first, sentence()] }),
    };
  };
  return { random, pick, report };
}

type Report = ReturnType<ReturnType<typeof reporter>['report']>;

async function file1(target: SqliteStore, { document, item }: Report): Promise<void> {
  await target.replaceDocument(document, [item], AT);
  await clusterItems(target, [item], AT);
}

const termsOf = (item: Item) => [...signatureOf(storyInput(item)).terms.keys()];

describe('new items find their stories in the last days held in memory', () => {
  it('the held days and counts give what the store gives, through filing, revisions, removals, a failed commit and another connection', async () => {
    const file = join(scratchDir(), 'store.sqlite');
    const store = new SqliteStore(file);
    const { random, pick, report } = reporter(7);
    const held = vi.spyOn(RecentStoryMembers.prototype, 'candidates');
    let probes = 0;
    let answeredFromMemory = 0;
    const sameAsIndex = async (item: Item) => {
      const day = Date.parse(`${item.published}T00:00:00Z`);
      const shift = (days: number) => new Date(day + days * 86_400_000).toISOString().slice(0, 10);
      const probe = {
        terms: termsOf(item).slice(0, 12),
        from: shift(-3),
        to: shift(3),
        perTerm: 4,
      };
      const fromHeld = await store.storyCandidates(probe, 10);
      if (held.mock.results.at(-1)?.value !== undefined) answeredFromMemory++;
      // A connection of its own holds nothing, so its first probe reads the index.
      const fresh = new SqliteStore(file);
      const fromIndex = await fresh.storyCandidates(probe, 10);
      // The counts that weigh an item's terms are held too, and must stay the stored ones.
      const terms = termsOf(item);
      expect(await store.termFrequencies(terms)).toEqual(await fresh.termFrequencies(terms));
      await fresh.close();
      expect(fromHeld).toEqual(fromIndex);
      probes++;
    };

    let day = '2024-05-01';
    const filed: Report[] = [];
    for (let n = 0; n < 120; n++) {
      if (random() < 0.3) day = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
      // A run of an old archive's items arrives among the news: the held days move there and back.
      const published = n >= 40 && n < 52 ? '2024-03-01' : day;
      const next = report(n, published);
      await store.inOneCommit(() => file1(store, next));
      filed.push(next);
      if (n % 10 === 9) {
        // A revised article whose item changed: its old member leaves the story, the new one is filed.
        const { document } = pick(filed);
        const revised = report(n + 1000, document.published, `rev${n}`);
        const again = {
          document: { ...document, fingerprint: `${document.origin}#v${n}` },
          item: { ...revised.item, documentId: document.id, id: `${document.origin}:rev${n}` },
        };
        await store.inOneCommit(() => file1(store, again));
      }
      if (n % 15 === 14) await store.removeDocument(WIRE, pick(filed).document.origin);
      if (n === 70) {
        const lost = report(5000, day);
        await expect(
          store.inOneCommit(async () => {
            await file1(store, lost);
            throw new Error('the disk is full');
          }),
        ).rejects.toThrow('the disk is full');
        await sameAsIndex(lost.item);
      }
      if (n === 85) {
        const elsewhere = new SqliteStore(file);
        await file1(elsewhere, report(6000, day));
        await elsewhere.close();
      }
      await sameAsIndex(pick(filed.slice(-5)).item);
    }
    // Most probes are answered from memory: the first few of each run (at the start, in the archive,
    // back in the news, after the failed commit and after the other connection's write) read the index.
    expect(answeredFromMemory).toBeGreaterThan(probes * 0.7);
    expect(answeredFromMemory).toBeLessThan(probes);
  });

  it('items filed in one commit count in the weights of the items after them, held or read from the file', async () => {
    const { report } = reporter(11);
    const reports = Array.from({ length: 30 }, (_, n) => report(n, `2024-05-0${1 + (n % 3)}`));
    const togetherFile = join(scratchDir(), 'together.sqlite');
    const together = new SqliteStore(togetherFile);
    const apart = new SqliteStore(join(scratchDir(), 'apart.sqlite'));
    for (const next of reports) await apart.inOneCommit(() => file1(apart, next));
    const terms = [...new Set(reports.flatMap(({ item }) => termsOf(item)))];
    // Counts are written when the commit ends; within it, each item's weights must count the ones before.
    const heldFrequencies = HeldTermCounts.prototype.frequencies;
    vi.spyOn(HeldTermCounts.prototype, 'frequencies').mockImplementation(function (
      this: HeldTermCounts,
      asked,
    ) {
      this.clear();
      return heldFrequencies.call(this, asked);
    });
    const within = await together.inOneCommit(async () => {
      for (const next of reports) await file1(together, next);
      return together.termFrequencies(terms);
    });
    vi.restoreAllMocks();
    expect(within).toEqual(await apart.termFrequencies(terms));
    const reopened = new SqliteStore(togetherFile);
    expect(await reopened.termFrequencies(terms)).toEqual(within);
    await reopened.close();
    for (const { item } of reports)
      expect(await together.storyOf(item.id)).toBe(await apart.storyOf(item.id));
    await together.close();
    await apart.close();
  });
});
