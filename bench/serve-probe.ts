// Child process of the ingest bench: a fresh bot over an already filled store answers five rounds of briefs
// and the follow-up questions, then reports its resident memory: the bot once ingest is done, without the
// ingesting process's heap growth or the harness around it. The built bot's own process, ingesting and
// serving, is what `npm run bench -- bot-memory` measures.
// Usage: tsx bench/serve-probe.ts <store.db>   (prints one line of JSON)
import { answerQuestion } from '../src/core/answer.js';
import { Bot } from '../src/core/bot.js';
import { silentLogger } from '../src/core/logger.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { mergedCatalogue } from './catalogues.js';
import { residentMemory } from './memory.js';
import { BRIEF_QUERIES, FOLLOW_UPS, QUERY_KINDS } from './queries.js';

const file = process.argv[2];
if (!file) throw new Error('usage: serve-probe.ts <store.db>');
const store = new SqliteStore(file);
const bot = new Bot({ store, catalogue: mergedCatalogue(), logger: silentLogger, clock: () => new Date() });
const request = { platform: 'console', channelId: 'c', userId: 'u', name: 'brief' } as const;
for (let round = 0; round < 5; round++) {
  for (const kind of QUERY_KINDS) {
    for (const text of BRIEF_QUERIES[kind]) await bot.command({ ...request, input: { text } });
  }
}
// So the process also holds what answering loads.
for (const { topic, question } of FOLLOW_UPS) {
  const reply = await bot.command({ ...request, input: { text: topic } });
  await answerQuestion(store, question, { itemIds: reply.thread?.itemIds ?? [], turns: [] });
}
const memory = residentMemory();
await store.close();
process.stdout.write(`${JSON.stringify(memory)}\n`);
