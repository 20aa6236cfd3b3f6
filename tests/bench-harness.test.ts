import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../bench/args.js';
import { BENCHES } from '../bench/benches/index.js';
import { createSummariesBench } from '../bench/benches/summaries.js';
import type { Article } from '../bench/corpus.js';
import { formatTable } from '../bench/report.js';
import { checkTarget, pendingTarget } from '../bench/targets.js';
import type { BenchContext } from '../bench/types.js';

describe('bench arguments', () => {
  it('takes bench names and overrides', () => {
    expect(parseArgs(['summaries', 'corpus', '--sizes', '1k,10_000', '--runs=5', '--seed', '7'])).toEqual({
      names: ['summaries', 'corpus'],
      sizes: [1000, 10_000],
      runs: 5,
      seed: 7,
      list: false,
      help: false,
    });
    expect(parseArgs([]).seed).toBe(42);
  });

  it('rejects what it cannot use', () => {
    expect(() => parseArgs(['--sizes', '10,abc'])).toThrow(UsageError);
    expect(() => parseArgs(['--runs', '0'])).toThrow(UsageError);
    expect(() => parseArgs(['--sizes'])).toThrow(UsageError);
    expect(() => parseArgs(['--fast'])).toThrow(UsageError);
  });
});

describe('registry', () => {
  it('lists each bench once, with a description', () => {
    const names = BENCHES.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('summaries');
    for (const b of BENCHES) expect(b.description.length).toBeGreaterThan(0);
  });
});

describe('targets', () => {
  it('compares by the operator DESIGN.md implies', () => {
    expect(checkTarget('brief-p99', 49.9, { corpusSize: 100_000 }).status).toBe('met');
    expect(checkTarget('brief-p99', 50, { corpusSize: 100_000 }).status).toBe('missed');
    expect(checkTarget('ingest-rate', 200).status).toBe('met');
    expect(checkTarget('memory-rss', Number.NaN).status).toBe('missed');
    expect(checkTarget('quality-rouge', 0.4, { limit: 0.41 }).status).toBe('missed');
    expect(() => checkTarget('quality-rouge', 0.4)).toThrow();
    expect(pendingTarget('answers-correct', 'later').status).toBe('pending');
  });

  it('says when a measurement was taken below the size the target is stated for', () => {
    expect(checkTarget('memory-rss', 120, { corpusSize: 10_000 }).note).toMatch(/stated for 100000/);
  });
});

describe('formatTable', () => {
  it('aligns text left and numbers right', () => {
    const text = formatTable({
      title: 't',
      columns: [
        { key: 'name', label: 'name' },
        { key: 'ms', label: 'ms', digits: 1 },
      ],
      rows: [
        { name: 'a', ms: 1.25 },
        { name: 'longer', ms: 100 },
        { name: 'none', ms: null },
      ],
    });
    expect(text.split('\n')).toEqual([
      't',
      'name       ms',
      '------  -----',
      'a         1.3',
      'longer  100.0',
      'none        -',
    ]);
  });
});

describe('summaries bench', () => {
  const article: Article = {
    category: 'tech',
    id: 'tech/001',
    title: 'T',
    paragraphs: [
      ['One a.', 'Two b.'],
      ['Three c.', 'Four d.'],
    ],
    sentences: ['One a.', 'Two b.', 'Three c.', 'Four d.'],
    body: 'One a. Two b.\n\nThree c. Four d.',
    summary: ['Two b.', 'Four d.'],
  };
  const ctx = { seed: 1, log: () => {} } as unknown as BenchContext;

  it('reports lead-3 and leaves the quality target pending without a summariser', async () => {
    const out = await createSummariesBench({ ours: () => [], articles: () => [article] }).run(ctx);
    expect(out.tables[0]!.rows.map((r) => r.system)).not.toContain('briefbot');
    expect(out.targets.map((t) => t.status)).toEqual(['pending']);
  });

  it('checks each summariser of ours against lead-3 and adds lead-k at its length', async () => {
    const out = await createSummariesBench({
      ours: () => [{ name: 'briefbot', summarise: (a) => a.summary.join('\n') }],
      articles: () => [article],
    }).run(ctx);
    const rows = out.tables[0]!.rows;
    expect(rows.map((r) => r.system)).toContain('briefbot');
    // Two summary sentences, so the length-matched baseline is the first two sentences.
    expect(rows.find((r) => r.system === 'lead-k (k = briefbot sentences)')?.sentences).toBe(2);
    expect(out.targets.map((t) => [t.detail, t.status])).toEqual([
      ['briefbot, ROUGE-1 F1 vs lead-3', 'met'],
      ['briefbot, ROUGE-2 F1 vs lead-3', 'met'],
      ['briefbot, ROUGE-L F1 vs lead-3', 'met'],
    ]);
  });
});
