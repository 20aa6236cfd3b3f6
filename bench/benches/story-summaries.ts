// Story summaries (issue 16): the card's summary of each AllSides roundup, built by the real card code
// from every outlet's items, scored by ROUGE against AllSides' neutral human summary. Three baselines
// pick from the same sentences and are cut to exactly our word count on each story: the centre outlet's
// lead, the first sentence of each outlet in turn, and multi-document TextRank. Also the compression of
// a default card (headline, summary, "Reported by" line) against the words of the articles it covers.
import { buildItems } from '../../src/core/ingest/items.js';
import { buildStoryCard, type CardItem, memberSentences } from '../../src/core/stories/card.js';
import { pickSummary, rankStorySentences, wordCount } from '../../src/core/stories/summary.js';
import type { TopicCatalogue } from '../../src/core/topics.js';
import { repoCatalogue } from '../catalogues.js';
import { BENCH_SOURCE } from '../corpus.js';
import { parsedFrom } from '../fixture.js';
import { meanScores, ROUGE_METRICS, type RougeScores, rouge } from '../rouge.js';
import { basilArticles, type ClusterArticle, loadRoundups } from '../stories/data.js';
import { textRankScores } from '../textrank.js';
import type { Bench, Cell, Table } from '../types.js';

interface Story {
  id: string;
  /** The human summary, when the file has one. */
  reference?: string;
  /** Index of the centre outlet's article, when known. */
  centre?: number;
  articles: { outlet: string; title: string; text: string; published: string }[];
}

/** Each article's items, as ingest builds them; a story card is built from all of them. */
function storyItems(story: Story, catalogue: TopicCatalogue): { items: CardItem[]; byArticle: CardItem[][] } {
  const byArticle = story.articles.map(
    (article, index) =>
      buildItems(
        parsedFrom({
          origin: `${story.id}/${index}`,
          title: article.title,
          source: article.outlet,
          published: article.published,
          body: article.text,
        }),
        catalogue,
        BENCH_SOURCE,
      ).items,
  );
  return { items: byArticle.flat(), byArticle };
}

/** Sentences in the given order until `budget` words, the last cut so the total is exactly `budget`. */
function cutTo(sentences: readonly string[], budget: number): string {
  const lines: string[] = [];
  let used = 0;
  for (const sentence of sentences) {
    if (used >= budget) break;
    const words = sentence.split(/\s+/).filter(Boolean);
    const kept = words.slice(0, budget - used);
    lines.push(kept.join(' '));
    used += kept.length;
  }
  return lines.join('\n');
}

/** Round robin over the articles: every outlet's first sentence, then every second, and so on. */
function firstOfEach(byArticle: readonly string[][]): string[] {
  const order: string[] = [];
  const longest = Math.max(0, ...byArticle.map((sentences) => sentences.length));
  for (let at = 0; at < longest; at++)
    for (const sentences of byArticle) if (sentences[at] !== undefined) order.push(sentences[at] ?? '');
  return order;
}

/** TextRank over all the story's sentences, best first. */
function textRankOrder(sentences: readonly string[]): string[] {
  const scores = textRankScores(sentences);
  return sentences
    .map((_, i) => i)
    .sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b)
    .map((i) => sentences[i] ?? '');
}

function roundupStories(): Story[] {
  return loadRoundups().map((roundup) => ({
    id: roundup.cluster_id,
    reference: roundup.summary,
    centre: Math.max(
      0,
      roundup.articles.findIndex((article) => article.stance === 'center'),
    ),
    articles: roundup.articles.map((article) => ({
      outlet: article.outlet,
      title: article.title,
      text: article.text,
      published: roundup.date.slice(0, 10),
    })),
  }));
}

function basilStories(): Story[] {
  const byCluster = new Map<string, ClusterArticle[]>();
  for (const article of basilArticles())
    byCluster.set(article.gold, [...(byCluster.get(article.gold) ?? []), article]);
  return [...byCluster].map(([id, articles]) => ({ id, articles }));
}

const SYSTEMS = ['briefbot', 'centre outlet lead', 'first sentence of each outlet', 'TextRank'] as const;
type SystemName = (typeof SYSTEMS)[number];

/** The card line a user reads under the summary; the renderers add links, not words. */
function reportedBy(outlets: readonly CardItem[]): string {
  const names = outlets.map((item) => item.source);
  const shown = names.slice(0, 3).join(', ');
  return `Reported by ${shown}${names.length > 3 ? ` +${names.length - 3}` : ''}`;
}

export const storySummariesBench: Bench = {
  name: 'story-summaries',
  description:
    'ROUGE of story-card summaries vs AllSides human summaries beside three baselines; compression',
  async run(ctx) {
    const catalogue = repoCatalogue();
    const roundups = roundupStories();
    const lengths = {
      card: 'card summary (2 sentences, ≤ 60 words)',
      reference: "the human summary's length",
    };
    const scores: Record<keyof typeof lengths, Record<SystemName, RougeScores[]>> = {
      card: { briefbot: [], 'centre outlet lead': [], 'first sentence of each outlet': [], TextRank: [] },
      reference: {
        briefbot: [],
        'centre outlet lead': [],
        'first sentence of each outlet': [],
        TextRank: [],
      },
    };
    const words: Record<keyof typeof lengths, number[]> = { card: [], reference: [] };
    const compression: Record<string, { card: number; documents: number; stories: number }> = {};
    const count = (file: string, card: number, documents: number) => {
      const entry = compression[file] ?? { card: 0, documents: 0, stories: 0 };
      entry.card += card;
      entry.documents += documents;
      entry.stories++;
      compression[file] = entry;
    };
    ctx.log(`summarising ${roundups.length} roundups`);
    for (const story of roundups) {
      const { items, byArticle } = storyItems(story, catalogue);
      if (items.length === 0 || story.reference === undefined) continue;
      const card = buildStoryCard(story.id, items);
      const documents = story.articles.reduce((sum, a) => sum + wordCount(`${a.title} ${a.text}`), 0);
      const cardText = [card.headline, ...card.summary.map((s) => s.text), reportedBy(card.outlets)].join(
        ' ',
      );
      count('allsides-roundups', wordCount(cardText), documents);
      const articleSentences = byArticle.map((articleItems) =>
        articleItems.flatMap((item) => item.sentences.map((sentence) => sentence.text)),
      );
      const sentences = memberSentences(card.outlets);
      const longer = pickSummary(
        sentences,
        { words: wordCount(story.reference), sentences: 12 },
        rankStorySentences(sentences),
      ).map((index) => sentences[index]?.text ?? '');
      const ours = { card: card.summary.map((s) => s.text), reference: longer };
      for (const length of ['card', 'reference'] as const) {
        const picked = ours[length];
        const budget = wordCount(picked.join(' '));
        words[length].push(budget);
        const outputs: Record<SystemName, string> = {
          briefbot: picked.join('\n'),
          'centre outlet lead': cutTo(articleSentences[story.centre ?? 0] ?? [], budget),
          'first sentence of each outlet': cutTo(firstOfEach(articleSentences), budget),
          TextRank: cutTo(textRankOrder(articleSentences.flat()), budget),
        };
        for (const system of SYSTEMS) scores[length][system].push(rouge(story.reference, outputs[system]));
      }
    }
    ctx.log('compression on BASIL (whole articles)');
    const basil = basilStories();
    for (const story of basil) {
      const { items } = storyItems(story, catalogue);
      if (items.length === 0) continue;
      const card = buildStoryCard(story.id, items);
      const cardText = [card.headline, ...card.summary.map((s) => s.text), reportedBy(card.outlets)].join(
        ' ',
      );
      count(
        'basil-triplets',
        wordCount(cardText),
        story.articles.reduce((sum, a) => sum + wordCount(`${a.title} ${a.text}`), 0),
      );
    }

    const tables: Table[] = [];
    for (const length of ['card', 'reference'] as const) {
      const meanWords = words[length].reduce((sum, n) => sum + n, 0) / Math.max(1, words[length].length);
      tables.push({
        title: `allsides-roundups (${words[length].length} stories) at ${lengths[length]}: mean F1, every system cut to our words on each story (mean ${meanWords.toFixed(1)})`,
        columns: [
          { key: 'system', label: 'system' },
          ...ROUGE_METRICS.map((m) => ({ key: m, label: `${m} F1`, digits: 4 })),
        ],
        rows: SYSTEMS.map((system) => {
          const mean = meanScores(scores[length][system]);
          const row: Record<string, Cell> = { system };
          for (const m of ROUGE_METRICS) row[m] = mean[m].f1;
          return row;
        }),
      });
    }
    tables.push({
      title:
        'Compression: words of a default card (headline, summary, "Reported by" line) / words of its articles',
      columns: [
        { key: 'file', label: 'file' },
        { key: 'stories', label: 'stories' },
        { key: 'card', label: 'card words/story', digits: 1 },
        { key: 'documents', label: 'article words/story', digits: 1 },
        { key: 'ratio', label: 'ratio', digits: 3 },
      ],
      rows: Object.entries(compression).map(([file, entry]) => ({
        file,
        stories: entry.stories,
        card: entry.card / entry.stories,
        documents: entry.documents / entry.stories,
        ratio: entry.card / entry.documents,
      })),
    });
    return {
      corpusSizes: [roundups.length, basil.length],
      tables,
      targets: [],
      notes: [
        'baselines pick from the same item sentences the card ranks and are cut to exactly our word count per story; briefbot is not cut',
        'roundup texts are leads (median 572 characters), so their compression is bounded by the article length; BASIL has whole articles',
      ],
      data: { compression },
    };
  },
};
