import { documentIdentity, type Item, type SourceDocument } from '../model.js';
import type { TopicCatalogue } from '../topics.js';
import { IngestLimitError } from './limits.js';
import { contentHash, type ParsedDocument } from './parse.js';
import { segment } from './segment.js';
import { documentWeights, summarise } from './summarise.js';
import { analyse, properNames } from './text.js';

/** Terms of a topic in the item's text that make it a tag without the title or lead naming it. */
const BODY_MATCHES = 2;
/** The title and lead say what the item is about: a term there counts this many times its weight. */
const LEAD_FACTOR = 2;
/** What the document as a whole is about counts for each of its items at this share. */
const DOCUMENT_SHARE = 0.5;
const MAX_ENTITIES = 12;

/**
 * Cuts a parsed document of a source into summarised, tagged items, each keeping its sentences and
 * offsets. The document's id comes from the source and the document's origin there; an item's id
 * from its document and its sentences, so it survives edits elsewhere in the document.
 */
export function buildItems(
  parsed: ParsedDocument,
  catalogue: TopicCatalogue,
  sourceId: string,
  maxSentences = Number.POSITIVE_INFINITY,
): { document: SourceDocument; items: Item[] } {
  const sentences = analyse(parsed.body);
  if (sentences.length > maxSentences) {
    throw new IngestLimitError(
      `${sentences.length} sentences, over the limit of ${maxSentences}: split the document, or raise INGEST_MAX_SENTENCES`,
    );
  }
  const groups = segment(parsed.body, sentences, catalogue);
  const weights = documentWeights(sentences);
  const drafts = groups.map((group) => ({ group, summary: summarise(group, weights) }));
  const title = parsed.title ?? drafts[0]?.summary.headline ?? parsed.source;
  const document: SourceDocument = {
    id: documentIdentity(sourceId, parsed.origin),
    sourceId,
    origin: parsed.origin,
    fingerprint: documentFingerprint(parsed, catalogue),
    title,
    source: parsed.source,
    published: parsed.published,
    body: parsed.body,
    topics: parsed.topics,
    ...(parsed.url ? { url: parsed.url } : {}),
  };
  const ids = new Set<string>();
  const about = documentTopics(catalogue, parsed);
  const items = drafts.map(({ group, summary }, position): Item => {
    const text = group.map((sentence) => sentence.text).join(' ');
    const topics = itemTopics(catalogue, parsed, about, text, `${summary.headline} ${summary.summary}`);
    const entities = rankByFrequency(properNames(group)).slice(0, MAX_ENTITIES);
    return {
      id: itemId(document.id, text, ids),
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
const PIPELINE_VERSION = 9;

/** From the document and the item's text; a repeated passage in one document gets the next free id. */
function itemId(documentId: string, text: string, taken: Set<string>): string {
  let id = contentHash(`${documentId}\n${text}`);
  for (let n = 2; taken.has(id); n++) id = contentHash(`${documentId}\n${text}\n${n}`);
  taken.add(id);
  return id;
}

/**
 * Same text, catalogue and pipeline: nothing to do. Any of them changed: the items are built again.
 * Written `text:build`, so a document built with an older catalogue or pipeline can be found and
 * built again from what is stored, keeping the text part (`storedContentId`).
 */
export function documentFingerprint(parsed: ParsedDocument, catalogue: TopicCatalogue): string {
  return `${parsed.id}:${buildFingerprint(catalogue)}`;
}

/** The catalogue and pipeline part of a document's fingerprint. */
export function buildFingerprint(catalogue: TopicCatalogue): string {
  return contentHash(`${catalogue.fingerprint}\n${PIPELINE_VERSION}`);
}

/**
 * The text part of a stored fingerprint: the id of the parsed document it was built from. A
 * fingerprint of the older one-hash form has none; the fingerprint itself stands in.
 */
export function storedContentId(fingerprint: string): string {
  return fingerprint.split(':')[0] ?? fingerprint;
}

/** What the whole document is about: topics its title names, or its text names at least twice. */
function documentTopics(catalogue: TopicCatalogue, parsed: ParsedDocument): Map<string, number> {
  const inTitle = catalogue.mentions(parsed.title ?? '');
  const topics = new Map<string, number>();
  for (const [slug, { count, weight }] of catalogue.mentions(parsed.body))
    if (count >= BODY_MATCHES || inTitle.has(slug)) topics.set(slug, weight);
  return topics;
}

/**
 * The topics an item is about, strongest first: those its document was assigned, those its title or lead
 * (headline and summary) names, and those its text names at least twice; an item that names none is about
 * what its document is. A single passing mention in the body ("a former world No. 1", "Olympic Airlines")
 * does not make a tag. Strength is the terms' specificity weights, lead terms counting double; an item
 * about Rafah is also about Gaza, through the parent.
 */
function itemTopics(
  catalogue: TopicCatalogue,
  parsed: ParsedDocument,
  about: ReadonlyMap<string, number>,
  text: string,
  lead: string,
): string[] {
  const inLead = catalogue.mentions(`${parsed.title ?? ''}\n${lead}`);
  const strength = new Map<string, number>();
  const add = (slug: string, weight: number) => strength.set(slug, (strength.get(slug) ?? 0) + weight);
  for (const [slug, { count, weight }] of catalogue.mentions(text))
    if (count >= BODY_MATCHES || inLead.has(slug)) add(slug, weight);
  for (const [slug, { weight }] of inLead) add(slug, LEAD_FACTOR * weight);
  // An item that names no topic itself (a quote, a detail) is about what its document is about.
  if (strength.size === 0) for (const [slug, weight] of about) add(slug, DOCUMENT_SHARE * weight);
  for (const [slug, weight] of catalogue.directTags('', parsed.topics)) add(slug, weight);
  const strong = [...catalogue.withParents(strength).keys()];
  return [...new Set([...strong, ...strong.flatMap((slug) => catalogue.ancestors(slug))])];
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
