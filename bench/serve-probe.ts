// Child process of the ingest bench: a fresh bot over an already filled store answers a round of briefs and
// follow-ups (bench/serving.ts), then reports its resident memory: the bot once ingest is done, without the
// ingesting process's heap growth or the harness around it. bench/bot-memory-probe.ts is the process that
// ingests and then serves.
// Usage: tsx bench/serve-probe.ts <store.db>   (prints one line of JSON)
import { Bot } from '../src/core/bot.js';
import { silentLogger } from '../src/core/logger.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { mergedCatalogue } from './catalogues.js';
import { residentMemory } from './memory.js';
import { serveRounds } from './serving.js';

const file = process.argv[2];
if (!file) throw new Error('usage: serve-probe.ts <store.db>');
const store = new SqliteStore(file);
const bot = new Bot({ store, catalogue: mergedCatalogue(), logger: silentLogger, clock: () => new Date() });
await serveRounds(bot, store);
const memory = residentMemory();
await store.close();
process.stdout.write(`${JSON.stringify(memory)}\n`);
