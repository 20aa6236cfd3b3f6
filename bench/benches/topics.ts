// Topic routing against labels nobody here chose: the 100 BBC articles, ingested beside the bundled
// briefing(s) with the repo catalogue plus one topic per BBC category (bench/catalogues.ts, keywords written
// without reading the articles), then `/brief <category>` asked for every item it will give: precision and
// recall of what comes back, judged by the article's category in the data set.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildBriefing } from '../../src/core/briefing.js';
import { buildItems } from '../../src/core/ingest/items.js';
import { BRIEFING_EXTENSIONS, parseBriefing } from '../../src/core/ingest/parse.js';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { BBC_CATEGORIES, mergedCatalogue } from '../catalogues.js';
import { BENCH_SOURCE, loadArticles } from '../corpus.js';
import { INGESTED_AT, parsedFrom, scratchFile } from '../fixture.js';
import { repoRoot } from '../paths.js';
import type { Bench, Cell } from '../types.js';

/** Past anything /brief could return here, so the briefing is cut by what matches, not by its usual 5. */
const LARGE = 10_000;

export const topicsBench: Bench = {
  name: 'topics',
  description:
    'precision and recall of /brief <category> on the 100 BBC articles beside the bundled briefings',
  async run(ctx) {
    const catalogue = mergedCatalogue();
    const store = new SqliteStore(scratchFile('topics.db'));
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
      const { document, items } = buildItems(
        parsedFrom({ ...doc, body: article.body }),
        catalogue,
        BENCH_SOURCE,
      );
      await store.replaceDocument(document, items, INGESTED_AT);
      for (const item of items) truth.set(item.id, { category: article.category, article: article.id });
      itemsOf.set(article.category, (itemsOf.get(article.category) ?? 0) + items.length);
    }
    const briefings = path.join(repoRoot, 'briefings');
    const bundled = readdirSync(briefings).filter(
      (name) => name !== 'topics.yaml' && BRIEFING_EXTENSIONS.some((ext) => name.endsWith(ext)),
    );
    for (const name of bundled) {
      const parsed = parseBriefing(name, readFileSync(path.join(briefings, name)));
      if (!parsed.ok) throw new Error(`bundled briefing ${name}: ${parsed.problem.message}`);
      const { document, items } = buildItems(parsed.document, catalogue, BENCH_SOURCE);
      await store.replaceDocument(document, items, INGESTED_AT);
      for (const item of items) truth.set(item.id, { category: 'briefing', article: name });
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
      ],
      targets: [],
      notes: [
        'tagged: items the store holds under the topic; returned: what buildBriefing (the /brief command) gives ' +
          `with size ${LARGE}, after its 100-candidate cut and one-per-story filter`,
        'precision: returned items cut from an article of that category; item recall: of all items cut from the ' +
          "category's 20 articles; article recall: of those 20 articles, how many have an item returned",
        'keywords per category: bench/catalogues.ts, written from general knowledge before reading any article',
      ],
    };
  },
};
