// Topic routing against labels nobody here chose: the 100 BBC articles, ingested beside the bundled
// briefing(s) with the repo catalogue plus one topic per BBC category (bench/catalogues.ts, keywords written
// without reading the articles), then `/brief <category>` asked for every item it will give: precision and
// recall of what comes back, judged by the article's category in the data set. Beside it, in the same run:
// the tags themselves (item-level precision, recall and F1 per category, macro-averaged) and the precision of
// the first 5 cards, against the plain keyword match (any catalogue term in an item's text tags it), whose
// items go through the same /brief in a second store.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildBriefing } from '../../src/core/briefing.js';
import { buildItems } from '../../src/core/ingest/items.js';
import { BRIEFING_EXTENSIONS, type ParsedDocument, parseBriefing } from '../../src/core/ingest/parse.js';
import { SourceIngest } from '../../src/core/ingest/source-ingest.js';
import type { Item } from '../../src/core/model.js';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { alternation, type TopicCatalogue } from '../../src/core/topics.js';
import { BBC_CATEGORIES, mergedCatalogue } from '../catalogues.js';
import { BENCH_SOURCE, loadArticles } from '../corpus.js';
import { INGESTED_AT, parsedFrom, scratchFile } from '../fixture.js';
import { repoRoot } from '../paths.js';
import { checkTarget } from '../targets.js';
import type { Bench, Cell } from '../types.js';

/** Past anything /brief could return here, so the briefing is cut by what matches, not by its usual 5. */
const LARGE = 10_000;
/** The cards a user reads first: what precision at 5 is taken over. */
const FIRST = 5;

/**
 * The baseline: every topic one of whose names or keywords the item's text holds as written (case aside,
 * for all but short capitalised names such as "MP"), most matched first. No word families, no weights.
 */
function keywordTagger(catalogue: TopicCatalogue): (item: Item) => string[] {
  const patterns = catalogue.topics.map((topic) => {
    const terms = [topic.slug, topic.label, ...topic.aliases, ...topic.keywords];
    const folded = terms.filter((term) => term === term.toLowerCase() || term.length > 4);
    const exact = terms.filter((term) => !folded.includes(term));
    return { slug: topic.slug, folded: alternation(folded, 'gi'), exact: alternation(exact, 'g') };
  });
  return (item) => {
    const text = item.sentences.map((sentence) => sentence.text).join(' ');
    const counts = patterns.map(({ slug, folded, exact }) => ({
      slug,
      count: [folded, exact].reduce(
        (sum, pattern) => sum + (pattern ? [...text.matchAll(pattern)].length : 0),
        0,
      ),
    }));
    return counts
      .filter(({ count }) => count > 0)
      .sort((a, b) => b.count - a.count)
      .map(({ slug }) => slug);
  };
}

interface Scores {
  precision: number;
  recall: number;
  f1: number;
}

/** Item-level precision, recall and F1 of one category's tag over the BBC items. */
function tagScores(
  items: readonly { category: string; tags: readonly string[] }[],
  category: string,
): Scores {
  const tagged = items.filter((item) => item.tags.includes(category));
  const right = tagged.filter((item) => item.category === category).length;
  const relevant = items.filter((item) => item.category === category).length;
  const precision = tagged.length === 0 ? 0 : right / tagged.length;
  const recall = relevant === 0 ? 0 : right / relevant;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

export const topicsBench: Bench = {
  name: 'topics',
  description:
    'precision and recall of /brief <category> on the 100 BBC articles beside the bundled briefings',
  async run(ctx) {
    const catalogue = mergedCatalogue();
    const keywordTags = keywordTagger(catalogue);
    const store = new SqliteStore(scratchFile('topics.db'));
    const baselineStore = new SqliteStore(scratchFile('topics-keywords.db'));
    // Through the bot's own ingest, whose topic vocabulary learns as documents are stored, in the data
    // set's order: one category after another, the hardest order for it.
    const sourceIngest = new SourceIngest(store, catalogue, () => new Date(INGESTED_AT));
    const tagged: { category: string; ours: string[]; keywords: string[] }[] = [];
    // The same items in both stores, only their tags differ. Returns the items as stored.
    const ingest = async (parsed: ParsedDocument) => {
      const { document, items } = buildItems(parsed, catalogue, BENCH_SOURCE);
      await sourceIngest.putAll(BENCH_SOURCE, [{ parsed, stored: undefined }]);
      await baselineStore.replaceDocument(
        document,
        items.map((item) => ({ ...item, topics: keywordTags(item) })),
        INGESTED_AT,
      );
      const stored = new Map(
        (await store.getItems(items.map((item) => item.id))).map((item) => [item.id, item]),
      );
      return items.map((item) => stored.get(item.id) ?? item);
    };
    // Item id -> the article it was cut from and its category ('briefing' for the bundled ones).
    const truth = new Map<string, { category: string; article: string }>();
    const itemsOf = new Map<string, number>();
    const articles = loadArticles();
    for (const article of articles) {
      const doc = {
        origin: `bbc/${article.id}`,
        title: article.title,
        source: 'BBC News',
        published: '2005-01-01',
      };
      const items = await ingest(parsedFrom({ ...doc, body: article.body }));
      for (const item of items) {
        truth.set(item.id, { category: article.category, article: article.id });
        tagged.push({
          category: article.category,
          ours: item.topics,
          keywords: keywordTags(item),
        });
      }
      itemsOf.set(article.category, (itemsOf.get(article.category) ?? 0) + items.length);
    }
    const briefings = path.join(repoRoot, 'briefings');
    const bundled = readdirSync(briefings).filter(
      (name) => name !== 'topics.yaml' && BRIEFING_EXTENSIONS.some((ext) => name.endsWith(ext)),
    );
    for (const name of bundled) {
      const parsed = parseBriefing(name, readFileSync(path.join(briefings, name)));
      if (!parsed.ok) throw new Error(`bundled briefing ${name}: ${parsed.problem.message}`);
      for (const item of await ingest(parsed.document))
        truth.set(item.id, { category: 'briefing', article: name });
    }

    const rows: Record<string, Cell>[] = [];
    for (const category of BBC_CATEGORIES) {
      const reply = await buildBriefing({ store, catalogue }, category, LARGE);
      const shown = reply.thread?.itemIds ?? [];
      const right = shown.filter((id) => truth.get(id)?.category === category);
      const articlesFound = new Set(right.map((id) => truth.get(id)?.article)).size;
      const matched = await store.countItems({ topics: [category] });
      const categoryArticles = articles.filter((a) => a.category === category).length;
      // Where the wrong ones come from: which categories' wording the keywords also catch.
      const wrong = new Map<string, number>();
      for (const id of shown) {
        const from = truth.get(id)?.category ?? 'unknown';
        if (from !== category) wrong.set(from, (wrong.get(from) ?? 0) + 1);
      }
      rows.push({
        topic: category,
        matched,
        returned: shown.length,
        correct: right.length,
        precision: shown.length === 0 ? 0 : right.length / shown.length,
        itemRecall: right.length / (itemsOf.get(category) ?? 1),
        articleRecall: articlesFound / categoryArticles,
        wrongFrom: [...wrong]
          .sort((a, b) => b[1] - a[1])
          .map(([from, count]) => `${from} ${count}`)
          .join(', '),
      });
    }
    const mean = (key: string) => rows.reduce((sum, row) => sum + (row[key] as number), 0) / rows.length;
    rows.push({
      topic: 'macro mean',
      precision: mean('precision'),
      itemRecall: mean('itemRecall'),
      articleRecall: mean('articleRecall'),
    });
    const precisionAtFirst = async (from: SqliteStore, category: string) => {
      const reply = await buildBriefing({ store: from, catalogue }, category, FIRST);
      const ids = reply.sections.flatMap((section) => (section.itemId ? [section.itemId] : []));
      return ids.length === 0
        ? 0
        : ids.filter((id) => truth.get(id)?.category === category).length / ids.length;
    };
    const tagRows: Record<string, Cell>[] = [];
    for (const category of BBC_CATEGORIES) {
      const ours = tagScores(
        tagged.map((item) => ({ category: item.category, tags: item.ours })),
        category,
      );
      const keywords = tagScores(
        tagged.map((item) => ({ category: item.category, tags: item.keywords })),
        category,
      );
      tagRows.push({
        topic: category,
        precision: ours.precision,
        recall: ours.recall,
        f1: ours.f1,
        keywordPrecision: keywords.precision,
        keywordRecall: keywords.recall,
        keywordF1: keywords.f1,
        p5: await precisionAtFirst(store, category),
        keywordP5: await precisionAtFirst(baselineStore, category),
      });
    }
    const tagMean = (key: string) =>
      tagRows.reduce((sum, row) => sum + (row[key] as number), 0) / tagRows.length;
    const macro = Object.fromEntries(
      ['precision', 'recall', 'f1', 'keywordPrecision', 'keywordRecall', 'keywordF1', 'p5', 'keywordP5'].map(
        (key) => [key, tagMean(key)],
      ),
    );
    tagRows.push({ topic: 'macro mean', ...macro });
    await baselineStore.close();
    ctx.log(
      `topics: ${truth.size} items from ${articles.length} articles and ${bundled.length} bundled briefing(s)`,
    );
    await store.close();
    return {
      corpusSizes: [articles.length + bundled.length],
      tables: [
        {
          title: `/brief <category> over ${articles.length} BBC articles + ${bundled.length} bundled briefing(s), ${truth.size} items`,
          columns: [
            { key: 'topic', label: 'topic' },
            { key: 'matched', label: 'tagged' },
            { key: 'returned', label: 'returned' },
            { key: 'correct', label: 'of its category' },
            { key: 'precision', label: 'precision', digits: 3 },
            { key: 'itemRecall', label: 'item recall', digits: 3 },
            { key: 'articleRecall', label: 'article recall', digits: 3 },
            { key: 'wrongFrom', label: 'others returned, by category' },
          ],
          rows,
        },
        {
          title: `Tags of the ${tagged.length} items cut from the ${articles.length} BBC articles, and the first ${FIRST} cards of /brief <category>: briefbot beside the keyword match (same run, same items)`,
          columns: [
            { key: 'topic', label: 'topic' },
            { key: 'precision', label: 'precision', digits: 3 },
            { key: 'recall', label: 'recall', digits: 3 },
            { key: 'f1', label: 'F1', digits: 3 },
            { key: 'keywordPrecision', label: 'keyword precision', digits: 3 },
            { key: 'keywordRecall', label: 'keyword recall', digits: 3 },
            { key: 'keywordF1', label: 'keyword F1', digits: 3 },
            { key: 'p5', label: `P@${FIRST}`, digits: 3 },
            { key: 'keywordP5', label: `keyword P@${FIRST}`, digits: 3 },
          ],
          rows: tagRows,
        },
      ],
      targets: [
        checkTarget('topics-f1-gain', (macro.f1 ?? 0) - (macro.keywordF1 ?? 0), {
          corpusSize: articles.length,
          detail: `macro F1 ${(macro.f1 ?? 0).toFixed(3)} vs keyword match ${(macro.keywordF1 ?? 0).toFixed(3)}`,
        }),
      ],
      notes: [
        'tagged: items the store holds under the topic; returned: what buildBriefing (the /brief command) gives ' +
          `with size ${LARGE}, after its 100-candidate cut and one-per-story filter`,
        'precision: returned items cut from an article of that category; item recall: of all items cut from the ' +
          "category's 20 articles; article recall: of those 20 articles, how many have an item returned",
        'keywords per category: bench/catalogues.ts, written from general knowledge before reading any article',
        "tags: an item counts as tagged with a category when its topics hold it; truth is its article's category. " +
          "Keyword match: any name, alias or keyword of the topic written in the item's text tags it (no plurals, no weights, most matched first)",
        `P@${FIRST}: of the first ${FIRST} cards /brief <category> shows, those whose item comes from an article of that category`,
        "briefbot's items go through its own ingest (SourceIngest), whose topic vocabulary learns as it stores them, " +
          "in the data set's order: one category after another",
      ],
    };
  },
};
