import type { Reply, ReplySection, ReplySource } from '../reply.js';
import type { Item, Topic } from './model.js';
import type { ItemHit, ItemStore, StoryOutline, StoryStore } from './store/store.js';
import { buildStoryCard, type CardItem, type CardSentence, type StoryCard } from './stories/card.js';
import type { TopicCatalogue } from './topics.js';

const BRIEFING_SIZE = 5;
/** How many candidates the store hands over for ranking: enough that recency cannot hide the best. */
const CANDIDATES = 100;
/** Days over which a story's recency halves. */
const HALF_LIFE_DAYS = 3;
/** Weight of how widely a story was reported against its recency (per doubling of its outlets). */
const REACH_WEIGHT = 0.25;

export interface BriefingDeps {
  store: ItemStore & StoryStore;
  catalogue: TopicCatalogue;
}

export function sourceOf(item: Item): ReplySource {
  return { name: item.source, date: item.published, ...(item.url ? { url: item.url } : {}) };
}

function quoted(sentence: CardSentence): string {
  return `“${sentence.text}” — ${sentence.item.source}`;
}

/** A story card as a reply section: headline, summary, who reported it, where they differ. */
export function storySection(card: StoryCard, detail: boolean): ReplySection {
  return {
    heading: card.headline,
    text: card.summary.map((sentence) => sentence.text).join(' '),
    ...(detail && card.keyPoints.length > 0 ? { bullets: card.keyPoints.map(quoted) } : {}),
    source: sourceOf(card.canonical),
    outlets: card.outlets.map(sourceOf),
    ...(card.figures.length > 0
      ? {
          figures: card.figures.map((conflict) => ({
            label: conflict.values[0]?.text.split(' ').at(-1) ?? conflict.thing,
            values: conflict.values.map((figure) => ({
              text: figure.text,
              source: {
                name: figure.outlet,
                date: figure.published,
                ...(figure.url ? { url: figure.url } : {}),
              },
            })),
          })),
        }
      : {}),
    itemId: card.canonical.id,
  };
}

/** What ranking needs of a story, known before its card is built: cards are built for the shown only. */
interface RankedStory extends StoryOutline {
  storyId: string;
}

/**
 * Stories among the candidates, by how on-topic they are times how recent, then how widely reported:
 * an item only lightly about the topic needs to be that much newer to come first. Recency is measured
 * from the newest candidate, so an archive reads the same as a live feed.
 */
function rankStories(hits: readonly ItemHit[], outlines: ReadonlyMap<string, StoryOutline>): RankedStory[] {
  const stories = [...outlines].map(([storyId, outline]) => ({ storyId, ...outline }));
  const newest = Math.max(...stories.map((story) => Date.parse(story.newest)));
  const topRelevance = Math.max(...hits.map((hit) => hit.relevance), Number.MIN_VALUE);
  const relevanceOf = new Map<string, number>();
  for (const hit of hits) {
    const relevance = hit.relevance / topRelevance;
    relevanceOf.set(hit.item.storyKey, Math.max(relevanceOf.get(hit.item.storyKey) ?? 0, relevance));
  }
  const scored = stories.map((story) => {
    const ageDays = (newest - Date.parse(story.newest)) / 86_400_000;
    const score =
      (relevanceOf.get(story.storyId) ?? 0) * 0.5 ** (ageDays / HALF_LIFE_DAYS) +
      REACH_WEIGHT * Math.log2(story.outlets);
    return { story, score };
  });
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.story.newest.localeCompare(a.story.newest) ||
      a.story.storyId.localeCompare(b.story.storyId),
  );
  return scored.map((entry) => entry.story);
}

/** `/brief <topic>`, and `/brief <topic> more` for the key points: story cards, best first. */
export async function buildBriefing(deps: BriefingDeps, text: string, size = BRIEFING_SIZE): Promise<Reply> {
  const detail = /\s+more$/i.test(text.trim()) && text.trim().split(/\s+/).length > 1;
  const query = detail ? text.trim().replace(/\s+more$/i, '') : text.trim();
  const topic = deps.catalogue.resolve(query);
  const itemQuery = topic ? { topics: [topic.slug] } : { text: query };
  const hits = await deps.store.findItems(itemQuery, CANDIDATES);
  if (hits.length === 0) return nothingFound(deps.catalogue, query, topic);
  // Stories are ranked from outlines and only the shown ones' members are read: a story can have
  // hundreds of members, and reading those of all the candidates was most of a briefing's time.
  const outlines = await deps.store.storyOutlines([...new Set(hits.map((hit) => hit.item.storyKey))]);
  // An item not clustered yet (ingested by an older briefbot) is a story of its own.
  const unclustered = new Map<string, CardItem>();
  for (const { item } of hits)
    if (!outlines.has(item.storyKey) && !unclustered.has(item.storyKey)) {
      unclustered.set(item.storyKey, item);
      outlines.set(item.storyKey, { newest: item.published, outlets: 1 });
    }
  const ranked = rankStories(hits, outlines).slice(0, size);
  const members = await deps.store.storyMembers(ranked.map((story) => story.storyId));
  // A story emptied since it was ranked (its documents removed meanwhile) is left out.
  const shown = ranked.flatMap((story) => {
    const lone = unclustered.get(story.storyId);
    const items = members.get(story.storyId) ?? (lone ? [lone] : []);
    return items.length > 0 ? [buildStoryCard(story.storyId, items)] : [];
  });
  const total = await deps.store.countStories(itemQuery);
  const label = topic ? topic.label : `“${query}”`;
  const latest =
    shown
      .map((card) => card.newest)
      .sort()
      .at(-1) ?? '';
  const outlets = new Set(shown.flatMap((card) => card.outlets.map((item) => item.source)));
  return {
    kind: 'briefing',
    audience: 'channel',
    title: `Briefing: ${label}`,
    intro: `${total} ${total === 1 ? 'story' : 'stories'} · ${outlets.size} ${outlets.size === 1 ? 'outlet' : 'outlets'} · latest ${latest}`,
    sections: shown.map((card) => storySection(card, detail)),
    ...(total > shown.length
      ? {
          more: {
            count: total - shown.length,
            hint: narrowerHint(deps.catalogue, topic),
            noun: { one: 'story', many: 'stories' },
          },
        }
      : {}),
    ...(detail ? {} : { footer: `{/brief ${query} more} for the key points.` }),
    thread: {
      ...(topic ? { topic: topic.slug } : {}),
      // Follow-ups search every member of the stories shown, canonical ones first.
      itemIds: [
        ...new Set(shown.flatMap((card) => [card.canonical.id, ...card.members.map((item) => item.id)])),
      ],
    },
  };
}

function narrowerHint(catalogue: TopicCatalogue, topic: Topic | undefined): string {
  const children = topic ? catalogue.topics.filter((candidate) => candidate.parent === topic.slug) : [];
  if (children.length === 0) return 'ask a narrower question to see others';
  return `narrow it down: ${children.map((child) => `{/brief ${child.slug}}`).join(', ')}`;
}

export function nothingFound(catalogue: TopicCatalogue, query: string, topic: Topic | undefined): Reply {
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
