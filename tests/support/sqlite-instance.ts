/**
 * One bot instance for the several-processes test: loads everything, says "ready", waits for "go" on
 * standard input (so two of them open the same fresh file at the same moment), then opens the core
 * (migrations and the first ingest) and answers one briefing.
 */
import { createInterface } from 'node:readline';
import { createLogger } from '../../src/logging.js';
import { openCore } from '../../src/runtime.js';

const [databasePath = '', briefingsDir = ''] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line === 'go') break;
const core = await openCore({ briefingsDir, databasePath, logger: createLogger({ level: 'warn' }) });
const reply = await core.bot.command({
  platform: 'console',
  channelId: 'test',
  userId: 'tester',
  name: 'brief',
  input: { text: 'gaza' },
});
process.stdout.write(`${JSON.stringify({ problems: core.ingest.problems, title: reply.title })}\n`);
await core.close();
lines.close();
