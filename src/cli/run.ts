import { ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { createLogger } from '../logging.js';
import { type Core, openCore } from '../runtime.js';

/**
 * The core as a one-shot command sees it: configured from the environment (and `.env`), quiet
 * unless something is wrong, so standard output holds only the command's result.
 */
export async function withCore<T>(use: (core: Core) => Promise<T>): Promise<T> {
  loadDotEnv();
  const config = loadConfig();
  const core = await openCore({
    briefingsDir: config.briefingsDir,
    databasePath: config.databasePath,
    databaseUrl: config.databaseUrl,
    logger: createLogger({
      level: config.logLevel === 'info' ? 'warn' : config.logLevel,
      format: config.logFormat,
    }),
  });
  try {
    return await use(core);
  } finally {
    await core.close();
  }
}

/**
 * Ends the process on an error nothing caught. A problem the operator can fix (a setting, a missing
 * folder or file, a token the platform refuses, an API or database it cannot reach) is one message and
 * exit code 2, with what caused it below only when `debug` (LOG_LEVEL=debug); anything else is a bug:
 * its stack, and exit code 1.
 */
export function exitOnFatal(error: unknown, debug = false): never {
  const known = error instanceof ConfigError || (error as Error).name === 'UserError';
  const cause = (error as Error).cause;
  const detail = debug && known && cause instanceof Error ? `\n${cause.stack ?? String(cause)}` : '';
  process.stderr.write(`${known ? (error as Error).message : (error as Error).stack}${detail}\n`);
  process.exit(known ? 2 : 1);
}

/** Runs a command-line entry point: its number is the exit code; configuration problems exit 2. */
export function runCli(main: (args: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then((code) => process.exit(code), exitOnFatal);
}
