import { renderConsole } from '../adapters/console/render.js';
import { runCli, withCore } from './run.js';

/**
 * `briefbot brief gaza`: one briefing on standard output, then exit (for scripts and cron). Like
 * grep, the exit code says whether anything matched: 0 a briefing, 1 nothing on it, 2 a mistake.
 */
runCli((args) =>
  withCore(async (core) => {
    const reply = await core.bot.command({
      platform: 'console',
      channelId: 'cli',
      userId: 'cli',
      name: 'brief',
      input: { text: args.join(' ') },
    });
    process.stdout.write(renderConsole(reply));
    if (reply.kind === 'briefing') return 0;
    return reply.kind === 'error' ? 2 : 1;
  }),
);
