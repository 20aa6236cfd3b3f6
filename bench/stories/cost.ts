// What filing one new item into a story costs once the store is large: the store is filled with `size`
// items of the recombined corpus in date order, as feeds bring news, and the last items are timed. The
// recombined corpus is a hard case for clustering: its documents are cut from 100 articles, so the
// "rare" terms an item is probed by are shared by many members.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { assignStory, type StoryAssignment } from '../../src/core/stories/cluster.js';
import { type StoryInput, signatureOf } from '../../src/core/stories/signature.js';
import { buildCorpus } from '../corpus.js';
import { fileMb } from '../fixture.js';
import { residentMemory } from '../memory.js';

/** An item is about this long: the corpus's documents make about two items each. */
const ITEM_CHARS = 1500;
/** Items filed in one commit, as SourceIngest files a batch of 25 documents. */
const COMMIT_ITEMS = 50;
/** Outlets the items are spread over, so that some joins are across outlets and some are revisions. */
const OUTLETS = 20;

export interface ClusteringCost {
  size: number;
  timed: number;
  /** CPU (user + system) of the process per timed item, signatures excluded (a worker makes them). */
  cpuMsPerItem: number;
  wallMsPerItem: number;
  joined: number;
  rssMb: number;
  dbMb: number;
}

export async function clusteringCost(
  size: number,
  timed: number,
  seed: number,
  log: (line: string) => void,
): Promise<ClusteringCost> {
  const corpus = buildCorpus(size, seed);
  const order = Array.from({ length: size }, (_, index) => index);
  const dates = order.map((index) => corpus.documentAt(index).published);
  order.sort((a, b) => (dates[a] as string).localeCompare(dates[b] as string) || a - b);
  const inputAt = (index: number): StoryInput => {
    const document = corpus.documentAt(index);
    return {
      itemId: `item-${index}`,
      documentId: `doc-${index}`,
      outlet: `outlet-${index % OUTLETS}`,
      published: document.published,
      title: document.title,
      text: document.body.slice(0, ITEM_CHARS),
      entities: [],
    };
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'briefbot-story-cost-'));
  const file = path.join(dir, 'store.sqlite');
  const store = new SqliteStore(file);
  const at = '2026-01-01T00:00:00.000Z';
  try {
    const untimed = order.slice(0, size - timed);
    for (let start = 0; start < untimed.length; start += COMMIT_ITEMS) {
      await store.inOneCommit(async () => {
        for (const index of untimed.slice(start, start + COMMIT_ITEMS))
          await assignStory(store, inputAt(index), at);
      });
      if (start % 10_000 === 0 && start > 0) log(`story cost: ${start} of ${size} items filed`);
    }
    const last = order.slice(size - timed).map((index) => {
      const input = inputAt(index);
      return { input, signature: signatureOf(input) };
    });
    const assignments: StoryAssignment[] = [];
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let start = 0; start < last.length; start += COMMIT_ITEMS) {
      await store.inOneCommit(async () => {
        for (const { input, signature } of last.slice(start, start + COMMIT_ITEMS))
          assignments.push(await assignStory(store, input, at, undefined, signature));
      });
    }
    const wallMs = performance.now() - wall;
    const used = process.cpuUsage(cpu);
    const { rssMb } = residentMemory();
    return {
      size,
      timed,
      cpuMsPerItem: (used.user + used.system) / 1000 / timed,
      wallMsPerItem: wallMs / timed,
      joined: assignments.filter((assignment) => !assignment.created).length,
      rssMb,
      dbMb: fileMb(file),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
