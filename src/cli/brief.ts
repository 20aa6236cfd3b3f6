import { renderConsole } from '../adapters/console/render.js';
import { runCli, withCore } from './run.js';

/** `npm run brief -- gaza`: one briefing on standard output, then exit (for scripts and cron). */
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
    return reply.kind === 'error' ? 1 : 0;
  }),
);
