import type { Reply, ReplySection } from '../../reply.js';
import { sourceOf, storySection } from '../briefing.js';
import { contentHash } from '../ingest/parse.js';
import { kept, remember } from '../memo.js';
import type { Item, Platform } from '../model.js';
import type { ItemStore, StoredItem, StoryStore } from '../store/store.js';
import type { StoryViewStore } from '../store/story-views.js';
import type { Subscription } from '../store/subscriptions.js';
import { buildStoryCard, type StoryCard } from '../stories/card.js';
import {
  type StoryDelta,
  type StoryVersion,
  storyDelta,
  storyVersion,
  type VersionFigure,
  versionDigest,
} from '../stories/versions.js';
import type { TopicCatalogue } from '../topics.js';
import { formatLocal } from './local-time.js';

/** Stories a digest shows; renderers may cut further to fit a platform and say how many. */
export const DIGEST_SIZE = 10;
/** Items considered per digest: a day's news on a few topics, with room to spare. */
const CANDIDATES = 300;
/** A first digest looks back this far. */
export const FIRST_DIGEST_LOOKBACK_MS = 24 * 3_600_000;

export interface DigestDeps {
  store: ItemStore & StoryStore & StoryViewStore;
  catalogue: TopicCatalogue;
}

export interface DigestWindow {
  /** Items ingested at or after this instant (ISO 8601)... */
  since: string;
  /** ...and before this one: the next digest starts here, so nothing is shown twice or lost. */
  until: string;
  /** When the digest was due, if it is posted late (after a restart). */
  lateFor?: string;
}

/** Where a subscription's next digest starts: its last digest's end, or a day back for the first. */
export async function digestWindowStart(
  store: { lastDigestWindowEnd(id: string): Promise<string | undefined> },
  subscription: Subscription,
  until: Date,
): Promise<string> {
  const last = await store.lastDigestWindowEnd(subscription.id);
  return last ?? new Date(until.getTime() - FIRST_DIGEST_LOOKBACK_MS).toISOString();
}

export function topicLabels(catalogue: TopicCatalogue, topics: readonly string[]): string {
  return topics.map((slug) => catalogue.get(slug)?.label ?? slug).join(', ');
}

/** A digest and the story versions it shows: recorded for the channel once it is posted. */
export interface DigestComposition {
  reply: Reply;
  versions: StoryVersion[];
}

/** One story a digest may show: new to the channel, or what changed since the channel saw it. */
interface DigestEntry {
  item: StoredItem;
  card: StoryCard;
  /** Absent for a story the channel was never shown. */
  delta?: StoryDelta;
}

/**
 * What a subscription's channel would be shown for a window, recording nothing: new stories as cards,
 * stories it was shown before only for what is new, grouped by topic, newest first. Nothing new gives
 * one line, or undefined for a quiet subscription.
 */
export async function composeDigest(
  deps: DigestDeps,
  subscription: Subscription,
  window: DigestWindow,
): Promise<Reply | undefined> {
  const stories = await freshStories(readCandidates(deps.store), subscription.topics, window, (members) =>
    buildStories(deps.store, members, window.until),
  );
  const seen = await deps.store.storyViews(
    subscription.platform,
    subscription.channelId,
    stories.map((story) => story.card.storyId),
  );
  return digestFor(
    deps,
    subscription,
    window,
    stories,
    topicGroups(deps.catalogue, stories, subscription.topics),
    {
      before: (index) => {
        const card = stories[index]?.card;
        const before = card && seen.get(card.storyId);
        return card && before ? (storyDelta(card, before) ?? UNCHANGED) : NEW;
      },
      versionOf: storyVersion,
    },
  )?.reply;
}

/** A story as of a window's end: its card, and the members it was built from. */
interface WindowStory {
  card: StoryCard;
  members: readonly StoredItem[];
  /** Its entry in a topic set's list, by the item that brought it there: made once, shared by all. */
  entries: Map<string, FreshStory>;
}

/** One of the window's stories for a topic set: the newest of its items there, and the story's card. */
interface FreshStory {
  item: StoredItem;
  card: StoryCard;
}

/** The channel was never shown the story. */
const NEW = 'new';
/** The channel was shown the story and nothing is new in it since: it is left out. */
const UNCHANGED = 'unchanged';
/** What a channel was shown of a story before: nothing, all of it, or all but this delta. */
type SeenBefore = typeof NEW | typeof UNCHANGED | StoryDelta;

/** What a channel saw of the window's stories (by position), and the version of a card it records once posted. */
interface ChannelView {
  before: (index: number) => SeenBefore;
  versionOf: (card: StoryCard) => StoryVersion;
}

/**
 * A digest from a topic set's stories and the group (`groups`, by position) each falls under. It
 * runs once for nearly every digest of a minute, since channels were shown different stories: the
 * work per story is one look at what the channel saw, and only the stories a group could show are
 * made entries.
 */
function digestFor(
  deps: DigestDeps,
  subscription: Subscription,
  window: DigestWindow,
  stories: readonly FreshStory[],
  groups: readonly string[],
  channel: ChannelView,
): DigestComposition | undefined {
  const { topics, timezone } = subscription;
  // fairShare never takes more than DIGEST_SIZE from one group, so no group needs more.
  const shownable = new Map<string, DigestEntry[]>(topics.map((slug) => [slug, []]));
  let fresh = 0;
  let updated = 0;
  stories.forEach((story, index) => {
    const before = channel.before(index);
    if (before === UNCHANGED) return;
    if (before === NEW) fresh += 1;
    else updated += 1;
    const group = shownable.get(groups[index] ?? '');
    if (group && group.length < DIGEST_SIZE) group.push(before === NEW ? story : { ...story, delta: before });
  });
  const found = fresh + updated;
  const labels = topicLabels(deps.catalogue, topics);
  const since = `${formatLocal(new Date(window.since), timezone)} (${timezone})`;
  const late = window.lateFor ? `Late (was due ${formatLocal(new Date(window.lateFor), timezone)}). ` : '';
  if (found === 0) {
    if (subscription.quiet) return undefined;
    return {
      reply: {
        kind: 'digest',
        audience: 'channel',
        title: `${late}No new developments on ${labels} since ${since}`,
        sections: [],
      },
      versions: [],
    };
  }
  for (const [slug, members] of shownable) if (members.length === 0) shownable.delete(slug);
  const shown = [...fairShare(shownable, DIGEST_SIZE)];
  const grouped = shownable.size > 1;
  const sections: ReplySection[] = shown.flatMap(([slug, group]) =>
    group.map((entry) => {
      const section = sectionOf(entry);
      return grouped ? labelled(section, deps.catalogue.get(slug)?.label ?? slug) : section;
    }),
  );
  const cards = shown.flatMap(([, group]) => group.map((entry) => entry.card));
  const counts = [
    ...(fresh > 0 ? [`${fresh} new ${fresh === 1 ? 'story' : 'stories'}`] : []),
    ...(updated > 0
      ? [fresh > 0 ? `${updated} updated` : `${updated} ${updated === 1 ? 'story' : 'stories'} updated`]
      : []),
  ].join(', ');
  return {
    reply: {
      kind: 'digest',
      audience: 'channel',
      title: `Daily digest: ${labels}`,
      intro: `${late}${counts} since ${since}`,
      sections,
      ...(found > sections.length
        ? {
            more: {
              count: found - sections.length,
              hint: `{/brief ${topics[0]}} for more`,
              noun: { one: 'story', many: 'stories' },
            },
          }
        : {}),
      thread: {
        // Follow-ups search every member of the stories shown, canonical ones first.
        itemIds: [...new Set(cards.flatMap(itemIdsOf))],
        ...(topics.length === 1 && topics[0] ? { topic: topics[0] } : {}),
      },
    },
    versions: cards.map(channel.versionOf),
  };
}

/** Each card's item ids, canonical first, made once: the thread of every digest showing it searches them. */
const cardItemIds = new WeakMap<StoryCard, readonly string[]>();

function itemIdsOf(card: StoryCard): readonly string[] {
  return kept(cardItemIds, card, () => [card.canonical.id, ...card.members.map((member) => member.id)]);
}

/**
 * Sections made once per card, per update of a card and per group label: the digests of a minute that
 * show one story then share one object, and a renderer may keep what it made of it.
 */
const storySections = new WeakMap<StoryCard, ReplySection>();
const updateSections = new WeakMap<StoryDelta, ReplySection>();
const labelledSections = new WeakMap<ReplySection, Map<string, ReplySection>>();

function sectionOf({ card, delta }: DigestEntry): ReplySection {
  if (delta) return kept(updateSections, delta, () => updateSection(card, delta));
  return kept(storySections, card, () => storySection(card, false));
}

function labelled(section: ReplySection, label: string): ReplySection {
  const byLabel = kept(labelledSections, section, () => new Map<string, ReplySection>());
  let shown = byLabel.get(label);
  if (!shown) {
    shown = { ...section, heading: `${label} · ${section.heading}` };
    byLabel.set(label, shown);
  }
  return shown;
}

/** What changed in a story the channel has seen: the new facts quoted, revised figures, new outlets. */
function updateSection(card: StoryCard, delta: StoryDelta): ReplySection {
  const outlets = [...delta.newOutlets, ...card.outlets.filter((item) => !delta.newOutlets.includes(item))];
  const newest =
    [...card.outlets].sort((a, b) => b.published.localeCompare(a.published))[0] ?? card.canonical;
  const dated = (figure: VersionFigure) => `“${figure.text}” (${figure.outlet}, ${figure.published})`;
  return {
    heading: `Update: ${card.headline}`,
    ...(delta.newOutlets.length > 0
      ? { text: `Now also reported by ${delta.newOutlets.map((item) => item.source).join(', ')}.` }
      : {}),
    bullets: [
      ...delta.revised.map(({ now, was }) => `Now ${dated(now)}, was ${dated(was)}`),
      ...delta.sentences.map((sentence) => `“${sentence.text}” — ${sentence.item.source}`),
    ],
    source: sourceOf(newest),
    outlets: outlets.map(sourceOf),
    itemId: card.canonical.id,
  };
}

/** The window's candidate items on some topics: whole stored rows, at most CANDIDATES, newest first. */
type Candidates = (topics: readonly string[], window: DigestWindow) => Promise<StoredItem[]>;

/** The candidates read in one query for the whole topic set. */
function readCandidates(store: ItemStore): Candidates {
  return async (topics, window) => {
    const hits = await store.findItems({ topics: [...topics], ingestedSince: window.since }, CANDIDATES);
    // The SQLite and PostgreSQL stores return whole stored rows, ingestion time included: read once.
    // A store whose hits lack it has them read again by id.
    const missing = hits.filter((hit) => !isStored(hit.item)).map((hit) => hit.item.id);
    const reread = new Map((await store.getItems(missing)).map((item) => [item.id, item]));
    const stored = hits.flatMap((hit) => (isStored(hit.item) ? [hit.item] : (reread.get(hit.item.id) ?? [])));
    // The store filters by ingestion time from below only; the upper bound keeps an item ingested
    // while this digest is composed for the next one rather than in both.
    return stored.filter((item) => item.ingestedAt < window.until).sort(newestFirst);
  };
}

/** The window's new items on the topics, newest first, one per story, each with its story's card. */
async function freshStories(
  candidates: Candidates,
  topics: readonly string[],
  window: DigestWindow,
  storiesOf: (items: readonly StoredItem[]) => Promise<Map<string, WindowStory>>,
): Promise<FreshStory[]> {
  const fresh = onePerStory(await candidates(topics, window));
  const stories = await storiesOf(fresh);
  return fresh.flatMap((item) => {
    const story = stories.get(item.storyKey);
    if (!story) return [];
    let entry = story.entries.get(item.id);
    if (!entry) {
      // The story's own copy of the row, so a topic set's list holds no rows of its own.
      entry = { item: story.members.find((member) => member.id === item.id) ?? item, card: story.card };
      story.entries.set(item.id, entry);
    }
    return [entry];
  });
}

/** The stories of `items` as of `until`, each card built from its members ingested before then. */
async function buildStories(
  store: StoryStore,
  items: readonly StoredItem[],
  until: string,
): Promise<Map<string, WindowStory>> {
  const members = await store.storyMembers(items.map((item) => item.storyKey));
  return new Map(
    items.map((item) => {
      // Members ingested after the window wait for the next digest, like the items themselves; an item
      // not clustered (ingested by an older briefbot) is a story of its own.
      const known = (members.get(item.storyKey) ?? []).filter((member) => member.ingestedAt < until);
      const story = known.length > 0 ? known : [item];
      return [
        item.storyKey,
        { card: buildStoryCard(item.storyKey, story), members: story, entries: new Map() },
      ];
    }),
  );
}

function isStored(item: Item): item is StoredItem {
  return typeof (item as Partial<StoredItem>).ingestedAt === 'string';
}

/**
 * Compositions kept for sharing: the most recent ones, since the subscriptions that share one are due
 * together; the cap keeps a firing of thousands of different topic sets from holding every reply.
 */
const SHARED_COMPOSITIONS = 2_048;
/** Story cards kept for sharing across topic sets: a day's stories, with room to spare. */
const SHARED_STORIES = 4_096;
/** Topics whose candidates are kept: more than a catalogue holds. */
const SHARED_TOPICS = 1_024;
/** Channels whose views are kept: more than a minute's digests go to, so a round of them never thrashes. */
const SHARED_CHANNELS = 4_096;

/** Names a story as of a window's end. */
const cardKey = (storyKey: string, until: string) => `${storyKey}|${until}`;

/** A shared story, and the version a channel records once shown it, named by its content. */
interface SharedStory extends WindowStory {
  version: StoryVersion;
  digest: string;
}

/**
 * Shares work among the subscriptions of one firing. Each story's card is built once per window end,
 * whatever topic sets it turns up under, and so is its delta from each version a channel saw. Those
 * with the same topics, window, zone and quiet flag, whose channels were shown the same versions, get
 * the same reply object (posting stays per channel), composed once. Entries are kept while any
 * composition is under way and dropped once the batch is over (`clear`).
 */
export class DigestComposer {
  private readonly memo = new Map<string, Promise<DigestComposition | undefined>>();
  /** The stories of a topics+window with their cards, shared across channels, zones and quiet flags. */
  private readonly stories = new Map<string, Promise<FreshStory[]>>();
  /**
   * Each topic's candidates for a window, read once and shared by every topic set that holds it: a
   * firing's topic sets are mostly different, its topics few.
   */
  private readonly topicCandidates = new Map<string, Promise<StoredItem[]>>();
  /** Each story as of a window end (`storyKey|until`), shared across topic sets. */
  private readonly cards = new Map<string, SharedStory>();
  /** Each shared card's version and its digest, by the card itself: compared for every story a digest holds. */
  private readonly versions = new WeakMap<StoryCard, { version: StoryVersion; digest: string }>();
  /** What is new in a story (`storyKey|until|seen version`) for channels shown that version. */
  private readonly deltas = new Map<string, Promise<StoryDelta | undefined>>();
  /**
   * What each channel (`platform:channel`) was shown of the stories asked about so far, by story
   * number: each read from the store once a batch, then kept up to date as this instance records what
   * it posts there. Views another instance records in the same batch are seen from the next one.
   */
  private readonly views = new Map<string, ViewCodes>();
  /**
   * The batch's stories and versions by number. Nearly every digest of a minute looks at each of its
   * ~200 stories to tell what its channel saw: as numbers in arrays that is a pass over two small
   * arrays, where following each story's objects and strings through the heap missed the cache on
   * every one (the pass over them was the costliest line of composing).
   */
  private readonly storyNumbers = new Map<string, number>();
  private readonly versionCodes = new Map<string, number>();
  /** The digest of each version code, by code. */
  private readonly codeDigests: string[] = [];
  /**
   * Each topic set's list of stories as numbers, with their current versions and topic groups. Made
   * anew after `clear`, with the numbers it starts again.
   */
  private lists = new WeakMap<readonly FreshStory[], NumberedList>();
  /** How many compositions actually ran (the rest were shared): for tests and logs. */
  composed = 0;
  /** How many story cards were built (the rest were shared): for tests and logs. */
  cardsBuilt = 0;

  private readonly readTopic: Candidates;

  constructor(private readonly deps: DigestDeps) {
    this.readTopic = readCandidates(deps.store);
  }

  /**
   * A topic set's candidates from its topics' own: the newest CANDIDATES of their union are among the
   * newest CANDIDATES of each topic, so this is what one query for the set returns (but for the order
   * of items published at the same instant as the last one kept).
   */
  private readonly candidates: Candidates = async (topics, window) => {
    const lists = await Promise.all(
      topics.map((topic) => {
        const key = JSON.stringify([topic, window.since, window.until]);
        let list = this.topicCandidates.get(key);
        if (!list) {
          list = this.readTopic([topic], window);
          list.catch(() => this.topicCandidates.delete(key));
          remember(this.topicCandidates, key, list, SHARED_TOPICS);
        }
        return list;
      }),
    );
    if (lists.length === 1) return lists[0] ?? [];
    const union = new Map(lists.flat().map((item) => [item.id, item]));
    return [...union.values()].sort(newestFirst).slice(0, CANDIDATES);
  };

  async compose(subscription: Subscription, window: DigestWindow): Promise<DigestComposition | undefined> {
    const storiesKey = JSON.stringify([subscription.topics, window.since, window.until]);
    let stories = this.stories.get(storiesKey);
    if (!stories) {
      stories = freshStories(this.candidates, subscription.topics, window, (items) =>
        this.sharedStories(items, window.until),
      );
      stories.catch(() => this.stories.delete(storiesKey));
      remember(this.stories, storiesKey, stories, SHARED_COMPOSITIONS);
    }
    const found = await stories;
    const list = kept(this.lists, found, () => this.numbered(found, subscription.topics));
    const views = await this.seenBy(subscription, found, list);
    // Channels that were shown the same versions (most often: none of these stories) share a reply.
    // Those versions, by position in the list (the same for every channel with it), are the key,
    // hashed: it outlives the composition's turn. The same pass finds the stories changed since the
    // channel saw them: all but those wait for nothing.
    const seen = new Int32Array(found.length);
    const shownCodes: string[] = [];
    const changed: { index: number; digest: string }[] = [];
    for (let index = 0; index < found.length; index++) {
      const code = views.get(list.numbers[index] ?? -1);
      seen[index] = code;
      if (code < FIRST_VERSION) continue;
      shownCodes.push(`${index}:${code}`);
      const digest = this.codeDigests[code];
      if (code !== list.current[index] && digest) changed.push({ index, digest });
    }
    const key = JSON.stringify([
      storiesKey,
      window.lateFor ?? null,
      subscription.timezone,
      subscription.quiet,
      shownCodes.length > 0 ? contentHash(shownCodes.join(' ')) : '',
    ]);
    let composition = this.memo.get(key);
    if (!composition) {
      this.composed += 1;
      composition = this.composition(subscription, window, found, list, seen, changed);
      composition.catch(() => this.memo.delete(key));
      remember(this.memo, key, composition, SHARED_COMPOSITIONS);
    }
    return composition;
  }

  /**
   * `seen`: the version code the channel was shown of each story, by position; `changed`: the stories
   * shown another version than their current one, and that version's digest.
   */
  private async composition(
    subscription: Subscription,
    window: DigestWindow,
    found: readonly FreshStory[],
    list: NumberedList,
    seen: Int32Array,
    changed: readonly { index: number; digest: string }[],
  ): Promise<DigestComposition | undefined> {
    // Most stories a channel saw are unchanged; only those changed since wait for their delta.
    const deltas = new Map<number, StoryDelta | undefined>();
    await Promise.all(
      changed.map(({ index, digest }) => {
        const card = found[index]?.card;
        return card
          ? this.delta(card, cardKey(card.storyId, window.until), digest).then(
              (delta) => void deltas.set(index, delta),
            )
          : undefined;
      }),
    );
    return digestFor(this.deps, subscription, window, found, list.groups, {
      before: (index) => {
        const code = seen[index] ?? NEVER_SHOWN;
        if (code < FIRST_VERSION) return NEW;
        if (code === list.current[index]) return UNCHANGED;
        return deltas.get(index) ?? UNCHANGED;
      },
      versionOf: (card) => this.versions.get(card)?.version ?? storyVersion(card),
    });
  }

  /** A topic set's list of stories as numbers: each story's, its current version's and its topic group. */
  private numbered(found: readonly FreshStory[], topics: readonly string[]): NumberedList {
    const numbers = new Int32Array(found.length);
    const current = new Int32Array(found.length);
    found.forEach(({ card }, index) => {
      numbers[index] = this.storyNumber(card.storyId);
      current[index] = this.versionCode(this.versions.get(card)?.digest ?? versionDigest(storyVersion(card)));
    });
    return { numbers, current, groups: topicGroups(this.deps.catalogue, found, topics) };
  }

  private storyNumber(storyId: string): number {
    let number = this.storyNumbers.get(storyId);
    if (number === undefined) {
      number = this.storyNumbers.size;
      this.storyNumbers.set(storyId, number);
    }
    return number;
  }

  private versionCode(digest: string): number {
    let code = this.versionCodes.get(digest);
    if (code === undefined) {
      code = FIRST_VERSION + this.versionCodes.size;
      this.versionCodes.set(digest, code);
      this.codeDigests[code] = digest;
    }
    return code;
  }

  /** The stories of `items` as of `until`: cards already built are shared, the rest read and built. */
  private async sharedStories(
    items: readonly StoredItem[],
    until: string,
  ): Promise<Map<string, WindowStory>> {
    const missing = items.filter((item) => !this.cards.has(cardKey(item.storyKey, until)));
    for (const [storyKey, story] of await buildStories(this.deps.store, missing, until)) {
      this.cardsBuilt += 1;
      const version = storyVersion(story.card);
      const shared = { ...story, version, digest: versionDigest(version) };
      remember(this.cards, cardKey(storyKey, until), shared, SHARED_STORIES);
      this.versions.set(story.card, shared);
    }
    return new Map(
      items.flatMap((item) => {
        const story = this.cards.get(cardKey(item.storyKey, until));
        return story ? [[item.storyKey, story] as const] : [];
      }),
    );
  }

  /**
   * What is new in `card` (kept under `key`) since another version, `digest`: worked out once per
   * version seen, reading that version from the store.
   */
  private delta(card: StoryCard, key: string, digest: string): Promise<StoryDelta | undefined> {
    let delta = this.deltas.get(`${key}|${digest}`);
    if (!delta) {
      // A version the store no longer has counts as never shown: the story is shown whole again.
      delta = this.deps.store
        .storyVersion(card.storyId, digest)
        .then((before) => (before ? storyDelta(card, before) : undefined));
      delta.catch(() => this.deltas.delete(`${key}|${digest}`));
      remember(this.deltas, `${key}|${digest}`, delta, SHARED_STORIES);
    }
    return delta;
  }

  /**
   * What the subscription's channel was shown of each story: the channel's own codes, completed from
   * the store for the stories of `list` it lacks, so no digest copies them.
   */
  private async seenBy(
    subscription: Subscription,
    found: readonly FreshStory[],
    list: NumberedList,
  ): Promise<ViewCodes> {
    const { platform, channelId } = subscription;
    let views = this.views.get(`${platform}:${channelId}`);
    if (!views) {
      views = new ViewCodes();
      remember(this.views, `${platform}:${channelId}`, views, SHARED_CHANNELS);
    }
    const unknown: number[] = [];
    list.numbers.forEach((number, index) => {
      if (views.get(number) === NOT_READ) unknown.push(index);
    });
    if (unknown.length > 0) {
      const storyIds = unknown.map((index) => found[index]?.card.storyId ?? '');
      const read = await this.deps.store.seenVersionDigests(platform, channelId, storyIds);
      unknown.forEach((index, at) => {
        const digest = read.get(storyIds[at] ?? '');
        views.set(list.numbers[index] ?? -1, digest ? this.versionCode(digest) : NEVER_SHOWN);
      });
    }
    return views;
  }

  /** The channel was shown these versions, as recorded in the store: later digests of the batch know. */
  shown(platform: Platform, channelId: string, versions: readonly StoryVersion[]): void {
    const views = this.views.get(`${platform}:${channelId}`);
    if (!views) return;
    for (const version of versions)
      views.set(this.storyNumber(version.storyId), this.versionCode(versionDigest(version)));
  }

  /** Ends the batch: later compositions read the store afresh. */
  clear(): void {
    this.views.clear();
    this.storyNumbers.clear();
    this.versionCodes.clear();
    this.codeDigests.length = 0;
    this.lists = new WeakMap();
    this.memo.clear();
    this.stories.clear();
    this.topicCandidates.clear();
    this.cards.clear();
    this.deltas.clear();
  }
}

/** A channel's view of a story not read from the store yet. */
const NOT_READ = 0;
/** The channel was never shown the story. */
const NEVER_SHOWN = 1;
/** Version codes start here; below are the two above. */
const FIRST_VERSION = 2;

/** A topic set's stories by position: their numbers, their current versions' codes, their topic groups. */
interface NumberedList {
  numbers: Int32Array;
  current: Int32Array;
  groups: readonly string[];
}

/** What a channel was shown of each story, by story number: a version code, NEVER_SHOWN or NOT_READ. */
class ViewCodes {
  private codes = new Int32Array(256);

  get(number: number): number {
    return this.codes[number] ?? NOT_READ;
  }

  set(number: number, code: number): void {
    if (number < 0) return;
    if (number >= this.codes.length) {
      const grown = new Int32Array(Math.max(number + 1, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[number] = code;
  }
}

/** Plain code-unit order: ISO times sort right, and at a digest's thousands of sorts collation costs. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function newestFirst(a: StoredItem, b: StoredItem): number {
  return (
    byCodeUnits(b.published, a.published) ||
    byCodeUnits(b.ingestedAt, a.ingestedAt) ||
    byCodeUnits(a.documentId, b.documentId) ||
    a.position - b.position
  );
}

/** The same development from several sources is shown once. */
function onePerStory(items: StoredItem[]): StoredItem[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.storyKey) && seen.add(item.storyKey));
}

/**
 * The subscribed topic each story is shown under, by position: the most specific one its item is
 * tagged with (an aid item also carries its parent "gaza", but belongs under aid), the strongest tag
 * if several.
 */
function topicGroups(
  catalogue: TopicCatalogue,
  stories: readonly FreshStory[],
  topics: readonly string[],
): string[] {
  const subscribed = new Set(topics);
  // Which subscribed topics sit below which, worked out once rather than for every story.
  const below = new Map(
    topics.map((slug) => [slug, topics.filter((other) => catalogue.ancestors(other).includes(slug))]),
  );
  return stories.map(({ item }) => {
    const tagged = item.topics.filter((topic) => subscribed.has(topic));
    const specific = tagged.filter((slug) => !below.get(slug)?.some((other) => tagged.includes(other)));
    return specific[0] ?? topics[0] ?? '';
  });
}

/** At most `size` items, taken a round at a time so one busy topic cannot crowd out the others. */
function fairShare<T>(groups: Map<string, T[]>, size: number): Map<string, T[]> {
  const taken = new Map<string, T[]>([...groups.keys()].map((slug) => [slug, []]));
  for (let round = 0, total = 0; total < size; round++) {
    let progressed = false;
    for (const [slug, items] of groups) {
      const item = items[round];
      if (item && total < size) {
        taken.get(slug)?.push(item);
        total++;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return taken;
}
