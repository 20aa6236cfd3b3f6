import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConsoleAdapter } from './adapters/console/index.js';
import { createDiscordAdapter } from './adapters/discord/index.js';
import { createSlackAdapter } from './adapters/slack/index.js';
import { exitOnFatal } from './cli/run.js';
import { loadConfig, loadDotEnv } from './config.js';
import type { Adapter } from './core/bot-api.js';
import { OpenAiCompatibleChat } from './core/llm.js';
import { createLogger } from './core/logger.js';
import { startCore } from './runtime.js';
import { Scheduler } from './scheduler.js';

/** Starts the bot: the platforms that have credentials, or else the local console. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // A request whose handler rejects a promise nobody awaits must not take every other request down.
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled rejection: logged, and the bot keeps serving', { error });
  });
  // The first ingest runs in the background: the receivers and /healthz come up at once.
  const instanceId = config.digest.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const core = await startCore({
    instanceId,
    briefingsDir: config.briefingsDir,
    databasePath: config.databasePath,
    databaseUrl: config.databaseUrl,
    logger,
    subscriptionAdmins: config.digest.admins,
    ingestWorkers: config.ingest.workers,
    limits: config.ingest.limits,
    ...(config.llm ? { chat: new OpenAiCompatibleChat(config.llm) } : {}),
  });
  const firstIngest = core.firstIngest.catch((error: unknown) => {
    logger.error('ingesting the briefings folder failed', { error });
  });
  if (config.watchBriefings) core.folder.watch();

  const adapters: Adapter[] = [];
  if (config.slack)
    adapters.push(
      createSlackAdapter({
        bot: core.bot,
        config: config.slack,
        logger,
        ingestStatus: () => core.ingestStatus(),
      }),
    );
  if (config.discord) adapters.push(createDiscordAdapter({ bot: core.bot, config: config.discord, logger }));
  let consoleAdapter: ConsoleAdapter | undefined;
  if (adapters.length === 0) {
    // The console has no acks to keep: it starts on the whole folder.
    await firstIngest;
    const interactive = Boolean(process.stdin.isTTY);
    const items =
      [...(await core.store.topicCounts()).values()].length > 0 ? await core.store.countItems({}) : 0;
    process.stderr.write(
      `briefbot: no Slack or Discord credentials, so this is the local console on ${config.briefingsDir} (${items} items). ${interactive ? 'Type /help, or /quit to leave.' : 'Reading commands from standard input.'}\n`,
    );
    consoleAdapter = new ConsoleAdapter({
      bot: core.bot,
      input: process.stdin,
      output: process.stdout,
      interactive,
      logger,
    });
    adapters.push(consoleAdapter);
  }
  for (const adapter of adapters) {
    await adapter.start();
    if (adapter.platform !== 'console') logger.info(`connected to ${adapter.platform}`);
  }

  // Digests go out through the adapters just started; subscribe/unsubscribe reach it through the core's events.
  const scheduler = new Scheduler({
    store: core.store,
    catalogue: core.catalogue,
    posters: adapters,
    logger,
    instanceId,
    graceMs: config.digest.graceMs,
  });
  core.subscriptionEvents.listen(scheduler);

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await scheduler
      .stop()
      .catch((error: unknown) => logger.error('stopping the scheduler failed', { error }));
    for (const adapter of adapters)
      await adapter.stop().catch((error: unknown) => logger.error('stopping failed', { error }));
    await core.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  // Digests wait for the first ingest, so a catch-up digest is composed from the whole folder.
  await firstIngest;
  if (!stopping) await scheduler.start();
  if (consoleAdapter) {
    await consoleAdapter.closed;
    await shutdown(0);
  }
}

main().catch(exitOnFatal);
