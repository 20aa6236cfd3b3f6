import { PassThrough } from 'node:stream';
import { ConsoleAdapter } from '../../src/adapters/console/index.js';
import type { BotApi } from '../../src/core/bot-api.js';
import { silentLogger } from '../../src/core/logger.js';

/** A started console adapter on piped streams: write lines to `input`, read what it printed. */
export async function pipedConsole(bot: BotApi) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const adapter = new ConsoleAdapter({ bot, input, output, interactive: false, logger: silentLogger });
  await adapter.start();
  return { adapter, input, printed: () => printed };
}
