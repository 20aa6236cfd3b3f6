// `/brief <topic>` latency, request to rendered reply: Bot.command (parse, route, validate, query, rank,
// count) then each platform renderer, on the stores bench/fixture.ts fills, for topic slugs, aliases and free
// text (bench/queries.ts).
import { renderConsole } from '../../src/adapters/console/render.js';
import { renderReply as renderDiscord } from '../../src/adapters/discord/render.js';
import { renderReply as renderSlack } from '../../src/adapters/slack/render.js';
import type { Reply } from '../../src/reply.js';
import { DEFAULT_SIZES, type Fixture, fixture } from '../fixture.js';
import { growthTables } from '../growth.js';
import { BRIEF_QUERIES, QUERY_KINDS, type QueryKind } from '../queries.js';
import { type Stats, summarise } from '../stats.js';
import { checkTarget, type TargetCheck } from '../targets.js';
import type { Bench, Cell } from '../types.js';

interface Renderer {
  name: string;
  render: (reply: Reply) => unknown;
}

/** Every platform's renderer, imported like any module: one that fails to load fails the bench. */
const RENDERERS: Renderer[] = [
  { name: 'console', render: renderConsole },
  { name: 'slack', render: renderSlack },
  { name: 'discord', render: renderDiscord },
];

const hr = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * One command per timed call, then every renderer on its reply: the latency for a platform is the command's
 * time plus its own renderer's, so all platforms are measured on the very same requests.
 */
async function timeKind(f: Fixture, kind: QueryKind, list: Renderer[], runs: number, warmup: number) {
  const queries = BRIEF_QUERIES[kind];
  const samples = new Map<string, number[]>([
    ['core', []],
    ...list.map((r) => [r.name, []] as [string, number[]]),
  ]);
  for (let i = 0; i < warmup + runs; i++) {
    const text = queries[i % queries.length]!;
    const start = hr();
    const reply = await f.bot.command({
      platform: 'console',
      channelId: 'c',
      userId: 'u',
      name: 'brief',
      input: { text },
    });
    const core = hr() - start;
    if (reply.kind === 'error') throw new Error(`/brief ${text} failed: ${reply.sections[0]?.text}`);
    const rendered = list.map((r) => {
      const at = hr();
      r.render(reply);
      return hr() - at;
    });
    if (i < warmup) continue;
    samples.get('core')!.push(core);
    list.forEach((r, n) => {
      samples.get(r.name)!.push(core + rendered[n]!);
    });
  }
  return new Map([...samples].map(([name, s]) => [name, summarise(s)]));
}

export const briefBench: Bench = {
  name: 'brief',
  description: '/brief latency, request to rendered reply, for topic slugs, aliases and free text',
  async run(ctx) {
    const sizes = ctx.sizes(DEFAULT_SIZES);
    const { runs, warmup } = ctx.timing({ warmup: 14, runs: 280 });
    const list = RENDERERS;
    const rows: Record<string, Cell>[] = [];
    const targets: TargetCheck[] = [];
    const byKind = new Map<QueryKind, { size: number; stats: Stats }[]>();
    let slowest = 0;
    for (const size of sizes) {
      const f = await fixture(size, ctx.seed, ctx.log);
      ctx.log(`brief at ${size} documents (${f.ingest.items} items)`);
      for (const kind of QUERY_KINDS) {
        const stats = await timeKind(f, kind, list, runs, warmup);
        for (const [name, s] of stats) {
          rows.push({ docs: size, items: f.ingest.items, kind, renderer: name, ...s });
          slowest = Math.max(slowest, s.max);
        }
        byKind.set(kind, [...(byKind.get(kind) ?? []), { size, stats: stats.get('console')! }]);
        if (size === sizes.at(-1)) {
          const [name, worst] = [...stats]
            .filter(([n]) => n !== 'core')
            .sort((a, b) => b[1].p99 - a[1].p99)[0]!;
          targets.push(
            checkTarget('brief-p99', worst.p99, {
              corpusSize: f.ingest.items,
              detail: `${kind} queries, slowest renderer (${name}), ${size} documents`,
              note: 'corpus size counts items, as the target does',
            }),
          );
        }
      }
    }
    targets.push(
      checkTarget('brief-ack', slowest, {
        detail: 'slowest /brief of the run, reply included',
        note: 'the reply is computed synchronously, so no ack can come later than this',
      }),
    );
    return {
      corpusSizes: sizes,
      tables: [
        {
          title: `/brief latency in ms, ${runs} runs per row after ${warmup} warm-up, queries cycled`,
          columns: [
            { key: 'docs', label: 'docs' },
            { key: 'items', label: 'items' },
            { key: 'kind', label: 'query' },
            { key: 'renderer', label: 'rendered for' },
            { key: 'median', label: 'p50', digits: 2 },
            { key: 'p99', label: 'p99', digits: 2 },
            { key: 'min', label: 'min', digits: 2 },
            { key: 'max', label: 'max', digits: 2 },
            { key: 'mean', label: 'mean', digits: 2 },
          ],
          rows,
        },
        ...growthTables(
          'documents, console replies',
          QUERY_KINDS.flatMap((kind) => [
            {
              measure: `${kind} p50 ms`,
              points: byKind.get(kind)!.map((p) => ({ size: p.size, value: p.stats.median })),
            },
            {
              measure: `${kind} p99 ms`,
              points: byKind.get(kind)!.map((p) => ({ size: p.size, value: p.stats.p99 })),
            },
          ]),
        ),
      ],
      targets,
      notes: [
        'core = Bot.command alone (the reply object); a renderer row = the same call plus that renderer',
        `queries (bench/queries.ts): ${QUERY_KINDS.map((k) => `${k}: ${BRIEF_QUERIES[k].join(', ')}`).join('; ')}`,
      ],
    };
  },
};
