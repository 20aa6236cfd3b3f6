import type { Reply, ReplySection } from '../reply.js';
import { dateMentions } from './answers/dates.js';
import { type BriefingDeps, nothingFound } from './briefing.js';
import { cosine, inverseFrequencies, termCounts, type Vector, weighted } from './ingest/vectors.js';
import { type CardItem, canonicalMember, currentMembers } from './stories/card.js';
import { storyTerms } from './stories/signature.js';

/** Lines a timeline shows: the latest developments, oldest first; earlier ones are counted. */
const TIMELINE_SIZE = 15;
/** Candidate items read from the store, as for a briefing. */
const CANDIDATES = 100;
/** A text query's items must match at least this share of the best match: the timeline of one story. */
const TEXT_RELEVANCE = 0.5;
/** TF-IDF cosine above which two lines of one day tell the same development. */
const SAME_DEVELOPMENT = 0.5;

/** One dated development: what happened that day, in an outlet's own words. */
export interface Development {
  /** YYYY-MM-DD */
  date: string;
  text: string;
  /** Outlets that told it, first teller first. */
  outlets: string[];
  itemId: string;
  /** When the first teller published it; orders developments of one day. */
  published: string;
}

/**
 * Developments from a story's members: its reports of each publication day (headed by a title), and
 * each sentence that names an earlier day ("on Sunday", read against its document's date) on that
 * day. Lines of one day that say the same thing are one development, with every outlet.
 */
export function storyDevelopments(members: readonly CardItem[]): Development[] {
  const outlets = currentMembers(members);
  // A sentence dating what it tells to an earlier day than its report is a development of that day.
  const leads = new Map<string, Development>();
  const dated: Development[] = outlets.flatMap((item) =>
    item.sentences.flatMap((sentence, index) =>
      dateMentions(sentence.text, item.published)
        .filter((mention) => mention.precision === 'day' && mention.date && mention.date < item.published)
        .slice(0, 1)
        .map((mention) => {
          const development = {
            date: mention.date ?? item.published,
            text: sentence.text,
            outlets: [item.source],
            itemId: item.id,
            published: item.published,
          };
          if (index === 0) leads.set(item.id, development);
          return development;
        }),
    ),
  );
  const days = new Map<string, CardItem[]>();
  for (const item of outlets) days.set(item.published, [...(days.get(item.published) ?? []), item]);
  // The story's reports of one day are one development: the most complete one's words, every outlet;
  // when that report's lead sentence dates its news to an earlier day, it is that day's development.
  const reports: Development[] = [...days].flatMap(([date, reported]) => {
    const lead = canonicalMember(reported);
    const others = reported.filter((item) => item !== lead).map((item) => item.source);
    const earlier = leads.get(lead.id);
    if (earlier) {
      earlier.outlets.push(...others.filter((outlet) => !earlier.outlets.includes(outlet)));
      return [];
    }
    return [
      { date, text: reportLine(lead), outlets: [lead.source, ...others], itemId: lead.id, published: date },
    ];
  });
  return mergeSameDay([...reports, ...dated]);
}

/** A report's own title, else its first sentence: a whole line, never a cut-off one. */
function reportLine(item: CardItem): string {
  const title = item.position === 0 ? item.documentTitle.trim() : '';
  return title || (item.sentences[0]?.text ?? item.headline);
}

/** In date order; a line like an earlier one of the same day adds its outlets to that one instead. */
function mergeSameDay(developments: readonly Development[]): Development[] {
  const ordered = [...developments].sort(byDate);
  const counts = ordered.map((development) => termCounts(storyTerms(development.text)));
  const idf = inverseFrequencies(counts);
  const vectors: Vector[] = counts.map((vector) => weighted(vector, idf));
  const kept: { development: Development; vector: Vector }[] = [];
  ordered.forEach((development, index) => {
    const vector = vectors[index] ?? new Map();
    const same = kept.find(
      (other) =>
        other.development.date === development.date && cosine(other.vector, vector) >= SAME_DEVELOPMENT,
    );
    if (!same) kept.push({ development: { ...development, outlets: [...development.outlets] }, vector });
    else
      for (const outlet of development.outlets)
        if (!same.development.outlets.includes(outlet)) same.development.outlets.push(outlet);
  });
  return kept.map((entry) => entry.development);
}

function byDate(a: Development, b: Development): number {
  return (
    a.date.localeCompare(b.date) ||
    a.published.localeCompare(b.published) ||
    a.outlets[0]?.localeCompare(b.outlets[0] ?? '') ||
    a.text.localeCompare(b.text)
  );
}

function line(development: Development): ReplySection {
  const [first = '', ...others] = development.outlets;
  const outlets = others.length > 0 ? `${first} +${others.length}` : first;
  return {
    heading: '',
    text: `${development.date} · ${development.text} (${outlets})`,
    itemId: development.itemId,
  };
}

/** `/brief timeline <topic or words>`: the dated developments of a topic or a story, oldest first. */
export async function buildTimeline(deps: BriefingDeps, text: string): Promise<Reply> {
  const query = text.trim();
  const topic = deps.catalogue.resolve(query);
  const hits = await deps.store.findItems(topic ? { topics: [topic.slug] } : { text: query }, CANDIDATES);
  const top = Math.max(...hits.map((hit) => hit.relevance), 0);
  const relevant = topic ? hits : hits.filter((hit) => hit.relevance >= TEXT_RELEVANCE * top);
  if (relevant.length === 0) return nothingFound(deps.catalogue, query, topic);
  const stories: Map<string, CardItem[]> = await deps.store.storyMembers([
    ...new Set(relevant.map((hit) => hit.item.storyKey)),
  ]);
  for (const hit of relevant) if (!stories.has(hit.item.storyKey)) stories.set(hit.item.storyKey, [hit.item]);
  const developments = mergeSameDay([...stories.values()].flatMap(storyDevelopments));
  const shown = developments.slice(-TIMELINE_SIZE);
  const label = topic ? topic.label : `“${query}”`;
  const first = developments[0]?.date ?? '';
  const last = developments.at(-1)?.date ?? '';
  return {
    kind: 'briefing',
    audience: 'channel',
    title: `Timeline: ${label}`,
    intro: `${developments.length} ${developments.length === 1 ? 'development' : 'developments'} from ${first} to ${last}, oldest first`,
    sections: shown.map(line),
    ...(developments.length > shown.length
      ? {
          more: {
            count: developments.length - shown.length,
            hint: `{/brief ${query}} for the stories`,
            noun: { one: 'earlier development', many: 'earlier developments' },
          },
        }
      : {}),
    thread: {
      ...(topic ? { topic: topic.slug } : {}),
      itemIds: [...new Set(shown.map((development) => development.itemId))],
    },
  };
}
