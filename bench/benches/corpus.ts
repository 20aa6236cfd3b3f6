// How fast the recombined corpora are made and how much text they hold: generation must stay negligible
// beside ingest, and the text volume at 100,000 documents bounds what the memory target can hold in RAM.
import { buildCorpus, loadArticles } from '../corpus.js';
import { residentMemory } from '../memory.js';
import { time } from '../stats.js';
import type { Bench, Cell } from '../types.js';

export const corpusBench: Bench = {
  name: 'corpus',
  description: 'generation of the recombined BBC corpora: time, documents per second, text volume',
  async run(ctx) {
    const sizes = ctx.sizes([1_000, 10_000, 100_000]);
    const timing = ctx.timing({ warmup: 1, runs: 3 });
    const articles = loadArticles();
    const rows: Record<string, Cell>[] = [];
    for (const size of sizes) {
      ctx.log(`corpus ${size}`);
      const corpus = buildCorpus(size, ctx.seed, articles);
      let bytes = 0;
      let synthetic = 0;
      const stats = await time(() => {
        bytes = 0;
        synthetic = 0;
        for (const doc of corpus) {
          bytes += Buffer.byteLength(doc.body) + Buffer.byteLength(doc.title);
          if (doc.origin.startsWith('synthetic/')) synthetic++;
        }
      }, timing);
      rows.push({
        docs: size,
        synthetic,
        runs: stats.runs,
        median: stats.median,
        p99: stats.p99,
        min: stats.min,
        max: stats.max,
        rate: size / (stats.median / 1000),
        textMb: bytes / 1024 / 1024,
        rssMb: residentMemory().rssMb,
      });
    }
    return {
      corpusSizes: sizes,
      tables: [
        {
          title: `Generate and walk every document (seed ${ctx.seed}), ms per corpus`,
          columns: [
            { key: 'docs', label: 'docs' },
            { key: 'synthetic', label: 'recombined' },
            { key: 'runs', label: 'runs' },
            { key: 'median', label: 'median ms', digits: 1 },
            { key: 'p99', label: 'p99 ms', digits: 1 },
            { key: 'min', label: 'min ms', digits: 1 },
            { key: 'max', label: 'max ms', digits: 1 },
            { key: 'rate', label: 'docs/s', digits: 0 },
            { key: 'textMb', label: 'text MB', digits: 1 },
            { key: 'rssMb', label: 'rss MB', digits: 1 },
          ],
          rows,
        },
      ],
      targets: [],
      notes: [
        'documents are made on the fly and dropped, so rss is the harness alone; text MB is UTF-8 title + body',
      ],
    };
  },
};
