import { renderConsole } from '../adapters/console/render.js';
import { ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { createLogger } from '../core/logger.js';
import { openCore } from '../runtime.js';

/** `npm run brief -- gaza`: one briefing on standard output, then exit (for scripts and cron). */
async function brief(args: string[]): Promise<number> {
  loadDotEnv();
  const config = loadConfig();
  const core = await openCore({
    briefingsDir: config.briefingsDir,
    databasePath: config.databasePath,
    databaseUrl: config.databaseUrl,
    logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
  });
  try {
    const reply = await core.bot.command({
      platform: 'console',
      channelId: 'cli',
      userId: 'cli',
      name: 'brief',
      input: { text: args.join(' ') },
    });
    process.stdout.write(renderConsole(reply));
    return reply.kind === 'error' ? 1 : 0;
  } finally {
    await core.close();
  }
}

brief(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? (error as Error).message : (error as Error).stack}\n`,
    );
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
