import type { TopicCatalogue } from '../topics.js';
import { type AnalysedSentence, contentStems } from './text.js';
import { cosine, inverseFrequencies, termCounts, type Vector, weighted } from './vectors.js';

/** A run of sentences the writer kept together: a paragraph, or a window of a wall of text. */
interface Block {
  sentences: AnalysedSentence[];
  text: string;
  topics: Map<string, number>;
  terms: Vector;
}

/** A dominant topic must outweigh the runner-up by this much to start a new item. */
const DOMINANCE = 1.25;
/** A paragraph longer than this many sentences is read in windows of WINDOW sentences. */
const LONG_PARAGRAPH = 6;
const WINDOW = 3;
/** Without topic signals, a document is split only where consecutive blocks share almost no words. */
const LEXICAL_BREAK = 0.05;
/** Past this many items the last ones are folded together, so a short document stays a few items... */
const MAX_ITEMS = 6;
/**
 * ...but no item holds more than this many sentences: a longer document is cut into more items, not
 * bigger ones, so summarising (which compares an item's sentences with each other) stays bounded per item.
 */
export const MAX_ITEM_SENTENCES = 40;

/**
 * Cuts a document into groups of sentences, one per development it reports. A new group starts
 * where the paragraph's dominant sub-topic changes (weighted by how rare the topic is in the
 * document, so what every paragraph mentions does not count); a paragraph that returns to an
 * earlier sub-topic, like a closing recap, joins that earlier group.
 */
export function segment(
  body: string,
  sentences: readonly AnalysedSentence[],
  catalogue: TopicCatalogue,
): AnalysedSentence[][] {
  const blocks = toBlocks(body, sentences, catalogue);
  if (blocks.length <= 1) return blocks.map((block) => block.sentences);
  const topicIdf = inverseFrequencies(blocks.map((block) => block.topics));
  const termIdf = inverseFrequencies(blocks.map((block) => block.terms));
  const dominant = blocks.map((block) => dominantTopic(block.topics, topicIdf));

  const groups: { topic: string | undefined; blocks: Block[] }[] = [];
  let current: { topic: string | undefined; blocks: Block[] } | undefined;
  blocks.forEach((block, index) => {
    const topic = dominant[index];
    if (!current) {
      current = { topic, blocks: [block] };
      groups.push(current);
      return;
    }
    const earlier = topic === undefined ? undefined : groups.find((group) => group.topic === topic);
    if (topic === undefined || topic === current.topic) {
      const previous = current.blocks[current.blocks.length - 1];
      const lexical = previous
        ? cosine(weighted(previous.terms, termIdf), weighted(block.terms, termIdf))
        : 1;
      if (topic === undefined && current.topic === undefined && lexical < LEXICAL_BREAK) {
        current = { topic, blocks: [block] };
        groups.push(current);
      } else current.blocks.push(block);
    } else if (current.topic === undefined) {
      current.topic = topic;
      current.blocks.push(block);
    } else if (earlier) {
      earlier.blocks.push(block);
    } else {
      current = { topic, blocks: [block] };
      groups.push(current);
    }
  });
  while (groups.length > MAX_ITEMS) {
    const last = groups.pop();
    groups[groups.length - 1]?.blocks.push(...(last?.blocks ?? []));
  }
  return groups.flatMap((group) =>
    boundedRuns(group.blocks.flatMap((block) => block.sentences).sort((a, b) => a.start - b.start)),
  );
}

/** A group of sentences as runs of at most MAX_ITEM_SENTENCES, in document order. */
function boundedRuns(sentences: AnalysedSentence[]): AnalysedSentence[][] {
  if (sentences.length <= MAX_ITEM_SENTENCES) return [sentences];
  const runs: AnalysedSentence[][] = [];
  for (let i = 0; i < sentences.length; i += MAX_ITEM_SENTENCES) {
    runs.push(sentences.slice(i, i + MAX_ITEM_SENTENCES));
  }
  return runs;
}

function toBlocks(body: string, sentences: readonly AnalysedSentence[], catalogue: TopicCatalogue): Block[] {
  const paragraphBreaks = [...body.matchAll(/\n[ \t]*\n/g)].map((match) => match.index);
  const paragraphs: AnalysedSentence[][] = [];
  let breakIndex = 0;
  let paragraph: AnalysedSentence[] = [];
  for (const sentence of sentences) {
    let crossed = false;
    while (breakIndex < paragraphBreaks.length && (paragraphBreaks[breakIndex] ?? 0) < sentence.start) {
      breakIndex++;
      crossed = true;
    }
    if (crossed && paragraph.length > 0) {
      paragraphs.push(paragraph);
      paragraph = [];
    }
    paragraph.push(sentence);
  }
  if (paragraph.length > 0) paragraphs.push(paragraph);

  const blocks: Block[] = [];
  for (const group of paragraphs) {
    const size = group.length > LONG_PARAGRAPH ? WINDOW : group.length;
    for (let i = 0; i < group.length; i += size) {
      const chunk = group.slice(i, i + size);
      const text = chunk.map((sentence) => sentence.text).join(' ');
      blocks.push({
        sentences: chunk,
        text,
        topics: catalogue.directTags(text),
        terms: termCounts(chunk.flatMap((sentence) => contentStems(sentence.tokens))),
      });
    }
  }
  return blocks;
}

function dominantTopic(topics: Map<string, number>, idf: Map<string, number>): string | undefined {
  const ranked = [...topics]
    .map(([slug, weight]) => [slug, weight * (idf.get(slug) ?? 0)] as const)
    .sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] <= 0) return undefined;
  if (second && first[1] < second[1] * DOMINANCE) return undefined;
  return first[0];
}
