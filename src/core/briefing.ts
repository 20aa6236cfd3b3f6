import type { Reply, ReplySection } from '../reply.js';
import type { Item, Topic } from './model.js';
import type { ItemHit, ItemStore } from './store/store.js';
import type { TopicCatalogue } from './topics.js';

const BRIEFING_SIZE = 5;
/** How many candidates the store hands over for ranking: enough that recency cannot hide the best. */
const CANDIDATES = 100;
/** Days over which an item's recency halves. */
const HALF_LIFE_DAYS = 3;

export interface BriefingDeps {
  store: ItemStore;
  catalogue: TopicCatalogue;
}

export function itemSection(item: Item): ReplySection {
  return {
    heading: item.headline,
    text: item.summary,
    bullets: item.keyPoints,
    source: { name: item.source, date: item.published, ...(item.url ? { url: item.url } : {}) },
    itemId: item.id,
  };
}

/**
 * Newest first, then most on-topic, then in the order the source told it. Recency is measured from
 * the newest candidate, so an archive reads the same as a live feed.
 */
function rankItems(hits: readonly ItemHit[]): Item[] {
  const newest = Math.max(...hits.map((hit) => Date.parse(hit.item.published)));
  const topRelevance = Math.max(...hits.map((hit) => hit.relevance), Number.MIN_VALUE);
  const scored = hits.map((hit) => {
    const ageDays = (newest - Date.parse(hit.item.published)) / 86_400_000;
    const recency = 0.5 ** (ageDays / HALF_LIFE_DAYS);
    // Relevance in coarse steps: items about much the same thing keep their source's order.
    const share = hit.relevance / topRelevance;
    const relevance = share >= 0.5 ? 1 : share;
    return { item: hit.item, score: recency + 0.5 * relevance };
  });
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.item.published.localeCompare(a.item.published) ||
      a.item.documentId.localeCompare(b.item.documentId) ||
      a.item.position - b.item.position,
  );
  return scored.map((entry) => entry.item);
}

/** Shows one item per story: the same development from several sources is not repeated. */
function onePerStory(items: readonly Item[]): Item[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.storyKey)) return false;
    seen.add(item.storyKey);
    return true;
  });
}

/** `/brief <topic>`: a topic slug, label or alias, or free text. */
export async function buildBriefing(deps: BriefingDeps, query: string, size = BRIEFING_SIZE): Promise<Reply> {
  const topic = deps.catalogue.resolve(query);
  const itemQuery = topic ? { topics: [topic.slug] } : { text: query };
  const hits = await deps.store.findItems(itemQuery, CANDIDATES);
  if (hits.length === 0) return nothingFound(deps.catalogue, query, topic);
  const shown = onePerStory(rankItems(hits)).slice(0, size);
  const total = await deps.store.countItems(itemQuery);
  const label = topic ? topic.label : `“${query}”`;
  const latest =
    shown
      .map((item) => item.published)
      .sort()
      .at(-1) ?? '';
  return {
    kind: 'briefing',
    audience: 'channel',
    title: `Briefing: ${label}`,
    intro: `${total} ${total === 1 ? 'item' : 'items'} · latest ${latest}`,
    sections: shown.map(itemSection),
    ...(total > shown.length
      ? { more: { count: total - shown.length, hint: narrowerHint(deps.catalogue, topic) } }
      : {}),
    footer: 'Reply in the thread to ask about these items.',
    thread: { ...(topic ? { topic: topic.slug } : {}), itemIds: shown.map((item) => item.id) },
  };
}

function narrowerHint(catalogue: TopicCatalogue, topic: Topic | undefined): string {
  const children = topic ? catalogue.topics.filter((candidate) => candidate.parent === topic.slug) : [];
  if (children.length === 0) return 'ask a narrower question to see others';
  return `narrow it down: ${children.map((child) => `{/brief ${child.slug}}`).join(', ')}`;
}

function nothingFound(catalogue: TopicCatalogue, query: string, topic: Topic | undefined): Reply {
  if (topic) {
    return {
      kind: 'info',
      audience: 'requester',
      title: `Briefing: ${topic.label}`,
      sections: [
        { heading: '', text: `No items on ${topic.label} yet. Add documents to the briefings folder.` },
      ],
    };
  }
  const near = catalogue.suggest(query);
  const known = (near.length > 0 ? near : catalogue.topics.slice(0, 8)).map(
    (candidate) => `{/brief ${candidate.slug}}`,
  );
  return {
    kind: 'info',
    audience: 'requester',
    title: `Nothing on “${query}”`,
    sections: [
      {
        heading: '',
        text: `“${query}” is not a known topic and no item mentions it. ${near.length > 0 ? 'Did you mean' : 'Try'}: ${known.join(', ')}?`,
      },
    ],
    footer: 'See every topic with {/topics}.',
  };
}
