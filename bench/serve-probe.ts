// Child process of the ingest bench: a fresh bot over an already filled store answers a round of briefs, then
// reports its resident memory. This is the process DESIGN.md's memory target is about once ingest is done,
// without the ingesting process's heap growth or the harness around it.
// Usage: tsx bench/serve-probe.ts <store.db>   (prints one line of JSON)
import { Bot } from '../src/core/bot.js';
import { silentLogger } from '../src/core/logger.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { mergedCatalogue } from './catalogues.js';
import { residentMemory } from './memory.js';
import { BRIEF_QUERIES, QUERY_KINDS } from './queries.js';

const file = process.argv[2];
if (!file) throw new Error('usage: serve-probe.ts <store.db>');
const store = new SqliteStore(file);
const bot = new Bot({ store, catalogue: mergedCatalogue(), logger: silentLogger, clock: () => new Date() });
for (let round = 0; round < 5; round++) {
  for (const kind of QUERY_KINDS) {
    for (const text of BRIEF_QUERIES[kind]) {
      await bot.command({ platform: 'console', channelId: 'c', userId: 'u', name: 'brief', input: { text } });
    }
  }
}
const memory = residentMemory();
await store.close();
process.stdout.write(`${JSON.stringify(memory)}\n`);
