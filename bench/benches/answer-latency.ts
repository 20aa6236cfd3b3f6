// Follow-up answer latency: answerQuestion on the stores bench/fixture.ts fills, each question asked in the
// thread of a `/brief <topic>` reply (so the shown items come first, then the rest of the store). Whether
// the answers are right is the accuracy bench's business (`npm run bench -- answers`), not this one's.
import { answerQuestion } from '../../src/core/answer.js';
import { DEFAULT_SIZES, fixture } from '../fixture.js';
import { growthTables } from '../growth.js';
import { FOLLOW_UPS } from '../queries.js';
import { type Stats, summarise } from '../stats.js';
import type { Bench, Cell } from '../types.js';

export const answerLatencyBench: Bench = {
  name: 'answer-latency',
  description: 'follow-up answer latency (answerQuestion) in a /brief thread',
  async run(ctx) {
    const sizes = ctx.sizes(DEFAULT_SIZES);
    const { runs, warmup } = ctx.timing({ warmup: 16, runs: 320 });
    const rows: Record<string, Cell>[] = [];
    const points: { size: number; stats: Stats }[] = [];
    for (const size of sizes) {
      const f = await fixture(size, ctx.seed, ctx.log);
      ctx.log(`answers at ${size} documents`);
      // The thread each question is asked in: what /brief <topic> showed.
      const threads = await Promise.all(
        FOLLOW_UPS.map(async ({ topic }) => {
          const request = { platform: 'console', channelId: 'c', userId: 'u', name: 'brief' } as const;
          const reply = await f.bot.command({ ...request, input: { text: topic } });
          return { itemIds: reply.thread?.itemIds ?? [], turns: [] };
        }),
      );
      const samples: number[] = [];
      let answered = 0;
      for (let i = 0; i < warmup + runs; i++) {
        const n = i % FOLLOW_UPS.length;
        const start = process.hrtime.bigint();
        const answer = await answerQuestion(f.store, FOLLOW_UPS[n]!.question, threads[n]);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (i < warmup) continue;
        samples.push(ms);
        if (answer.kind === 'answer') answered++;
      }
      const stats = summarise(samples);
      points.push({ size, stats });
      rows.push({ docs: size, items: f.ingest.items, ...stats, answered: answered / runs });
    }
    return {
      corpusSizes: sizes,
      tables: [
        {
          title: `answerQuestion latency in ms, ${runs} runs after ${warmup} warm-up, ${FOLLOW_UPS.length} questions cycled`,
          columns: [
            { key: 'docs', label: 'docs' },
            { key: 'items', label: 'items' },
            { key: 'median', label: 'p50', digits: 2 },
            { key: 'p99', label: 'p99', digits: 2 },
            { key: 'min', label: 'min', digits: 2 },
            { key: 'max', label: 'max', digits: 2 },
            { key: 'mean', label: 'mean', digits: 2 },
            { key: 'answered', label: 'share answered', digits: 2 },
          ],
          rows,
        },
        ...growthTables('documents', [
          { measure: 'p50 ms', points: points.map((p) => ({ size: p.size, value: p.stats.median })) },
          { measure: 'p99 ms', points: points.map((p) => ({ size: p.size, value: p.stats.p99 })) },
        ]),
      ],
      targets: [],
      notes: [
        'DESIGN.md sets no latency target for answers; "share answered" is answers vs refusals, not accuracy',
        `questions (bench/queries.ts): ${FOLLOW_UPS.map((q) => `${q.question} [after /brief ${q.topic}]`).join('; ')}`,
      ],
    };
  },
};
