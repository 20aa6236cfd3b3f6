import type { Item, SourceDocument } from '../model.js';
import type { TopicCatalogue } from '../topics.js';
import { IngestLimitError } from './limits.js';
import { contentHash, type ParsedDocument } from './parse.js';
import { segment } from './segment.js';
import { sentenceRarity, summarise } from './summarise.js';
import { analyse, properNames } from './text.js';

/** Weight below which a topic match is taken as a passing mention, not what the item is about. */
const MIN_TOPIC_WEIGHT = 1;
const MAX_ENTITIES = 12;

/** Cuts a parsed document into summarised, tagged items, each keeping its sentences and offsets. */
export function buildItems(
  parsed: ParsedDocument,
  catalogue: TopicCatalogue,
  maxSentences = Number.POSITIVE_INFINITY,
): { document: SourceDocument; items: Item[] } {
  const sentences = analyse(parsed.body);
  if (sentences.length > maxSentences) {
    throw new IngestLimitError(
      `${sentences.length} sentences, over the limit of ${maxSentences}: split the document, or raise INGEST_MAX_SENTENCES`,
    );
  }
  const groups = segment(parsed.body, sentences, catalogue);
  const rarity = sentenceRarity(sentences);
  const drafts = groups.map((group) => ({ group, summary: summarise(group, rarity) }));
  const title = parsed.title ?? drafts[0]?.summary.headline ?? parsed.source;
  const document: SourceDocument = {
    id: documentFingerprint(parsed, catalogue),
    origin: parsed.origin,
    title,
    source: parsed.source,
    published: parsed.published,
    body: parsed.body,
    topics: parsed.topics,
    ...(parsed.url ? { url: parsed.url } : {}),
  };
  const items = drafts.map(({ group, summary }, position): Item => {
    const text = group.map((sentence) => sentence.text).join(' ');
    // The headline and summary say what the item is about: their topics count twice.
    const lead = `${summary.headline} ${summary.summary}`;
    const weights = catalogue.withParents(
      mergeWeights(catalogue.directTags(text, parsed.topics), catalogue.directTags(lead)),
    );
    const strong = [...weights].filter(([, weight]) => weight >= MIN_TOPIC_WEIGHT).map(([slug]) => slug);
    // An item about Rafah is an item about Gaza, however lightly it says so.
    const topics = [...new Set([...strong, ...strong.flatMap((slug) => catalogue.ancestors(slug))])];
    const entities = rankByFrequency(properNames(group)).slice(0, MAX_ENTITIES);
    return {
      id: contentHash(`${parsed.origin}\n${document.id}\n${position}`),
      documentId: document.id,
      storyKey: storyKey(topics[0], entities, parsed.published),
      position,
      headline: summary.headline,
      summary: summary.summary,
      keyPoints: summary.keyPoints,
      topics,
      entities,
      published: parsed.published,
      source: parsed.source,
      documentTitle: title,
      sentences: group.map(({ text: sentenceText, start, end }) => ({ text: sentenceText, start, end })),
      ...(parsed.url ? { url: parsed.url } : {}),
    };
  });
  return { document, items };
}

/** Bump when segmentation, summaries or tagging change, so stored documents are built again. */
const PIPELINE_VERSION = 4;

/** Same text, catalogue and pipeline: nothing to do. Any of them changed: the items are built again. */
export function documentFingerprint(parsed: ParsedDocument, catalogue: TopicCatalogue): string {
  return contentHash(`${parsed.id}\n${catalogue.fingerprint}\n${PIPELINE_VERSION}`);
}

function mergeWeights(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const merged = new Map(a);
  for (const [slug, weight] of b) merged.set(slug, (merged.get(slug) ?? 0) + weight);
  return merged;
}

function rankByFrequency(names: string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/**
 * Items on the same development from different sources share a key: same main topic, same three
 * most named actors, same day. Coarse on purpose: it only stops a briefing repeating itself.
 */
function storyKey(topic: string | undefined, entities: string[], published: string): string {
  const actors = entities.slice(0, 3).sort().join('+');
  return contentHash(`${topic ?? ''}|${actors}|${published}`);
}
