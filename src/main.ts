import { openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConsoleAdapter } from './adapters/console/index.js';
import { DEFAULT_WIDTH, wrapWords } from './adapters/console/render.js';
import { exitOnFatal } from './cli/run.js';
import { loadConfig, loadDotEnv } from './config.js';
import type { Adapter } from './core/bot-api.js';
import { makeDirectory } from './core/directories.js';
import { OpenAiCompatibleChat } from './core/llm.js';
import { type Readiness, startHealthServer } from './health.js';
import { boundHeapGrowth } from './heap.js';
import { createLogger, type LogSink, stderrSink } from './logging.js';
import { PrometheusMetrics } from './metrics.js';
import { startCore } from './runtime.js';
import { Scheduler } from './scheduler.js';

/** Starts the bot: the platforms that have credentials, or else the local console. */
async function main(): Promise<void> {
  boundHeapGrowth();
  loadDotEnv();
  const config = loadConfig();
  debug = config.logLevel === 'debug';
  const consoleMode = !config.slack && !config.discord;
  const interactive = consoleMode && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // At a terminal the conversation owns the screen: logs go to a file and only warnings are shown,
  // above the prompt once the console runs.
  let notice: ((line: string) => void) | undefined;
  const sink = interactive
    ? fileSink(config.logFile, (line) => (notice ? notice(line) : process.stderr.write(line)))
    : stderrSink;
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, sink });
  // A request whose handler rejects a promise nobody awaits must not take every other request down.
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled rejection: logged, and the bot keeps serving', { error });
  });
  const metrics = new PrometheusMetrics();
  const readiness: Readiness = { ingested: false, platforms: new Map() };
  const health =
    config.healthPort === undefined
      ? undefined
      : await startHealthServer({ port: config.healthPort, readiness, registry: metrics.registry, logger });
  // The first ingest runs in the background: the receivers and /healthz come up at once.
  const core = await startCore({
    instanceId: config.digest.instanceId,
    adoptInstance: true,
    feedContact: config.feedContact,
    feedFailureReportMs: config.feedFailureReportMs,
    briefingsDir: config.briefingsDir,
    databasePath: config.databasePath,
    databaseUrl: config.databaseUrl,
    logger,
    metrics,
    subscriptionAdmins: config.digest.admins,
    ingestWorkers: config.ingest.workers,
    limits: config.ingest.limits,
    ...(config.llm ? { chat: new OpenAiCompatibleChat(config.llm) } : {}),
  });
  readiness.store = () => core.store.countItems({});
  const firstIngest = core.firstIngest.then(
    () => {
      readiness.ingested = true;
    },
    (error: unknown) => {
      logger.error('ingesting the briefings folder failed', { error });
    },
  );
  if (config.watchBriefings) await core.folder.watch();
  core.feeds.start();

  // Bolt and discord.js take longer to load than the rest of the bot: only the platforms in use are loaded.
  const adapters: Adapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import('./adapters/slack/index.js');
    adapters.push(
      createSlackAdapter({
        bot: core.bot,
        config: config.slack,
        logger,
        metrics,
        ingestStatus: () => core.ingestStatus(),
      }),
    );
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import('./adapters/discord/index.js');
    adapters.push(createDiscordAdapter({ bot: core.bot, config: config.discord, logger, metrics }));
  }
  let consoleAdapter: ConsoleAdapter | undefined;
  if (consoleMode) {
    // The console has no acks to keep: it starts on the whole folder.
    await firstIngest;
    const items =
      [...(await core.store.topicCounts()).values()].length > 0 ? await core.store.countItems({}) : 0;
    const greeting = `briefbot: no Slack or Discord credentials, so this is the local console on ${config.briefingsDir} (${items} items). ${interactive ? `Logs go to ${config.logFile}. Type /help, or /quit to leave.` : 'Reading commands from standard input.'}`;
    process.stderr.write(
      `${wrapWords(greeting, '', '', process.stdout.columns ?? DEFAULT_WIDTH).join('\n')}\n`,
    );
    consoleAdapter = new ConsoleAdapter({
      bot: core.bot,
      input: process.stdin,
      output: process.stdout,
      errors: process.stderr,
      interactive,
      logger,
      color: interactive && config.console.color,
      historyFile: config.console.historyFile,
      topics: core.catalogue.topics.map((topic) => topic.slug),
    });
    const shown = consoleAdapter;
    notice = (line) => shown.notice(line);
    adapters.push(consoleAdapter);
  }
  for (const adapter of adapters) readiness.platforms.set(adapter.platform, false);
  for (const adapter of adapters) {
    await adapter.start();
    readiness.platforms.set(adapter.platform, true);
    logger.info(adapter.platform === 'console' ? 'console ready' : `connected to ${adapter.platform}`, {
      platform: adapter.platform,
    });
  }

  // Digests go out through the adapters just started; subscribe/unsubscribe reach it through the core's events.
  const scheduler = new Scheduler({
    store: core.store,
    catalogue: core.catalogue,
    posters: adapters,
    logger,
    metrics,
    instanceId: core.instanceId,
    graceMs: config.digest.graceMs,
  });
  core.subscriptionEvents.listen(scheduler);
  core.sourceReports.attach(adapters);

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
    await health?.close();
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

/** Every line to the log file; warnings and errors also to `show`, for the person at the terminal. */
function fileSink(path: string, show: (line: string) => void): LogSink {
  makeDirectory(dirname(path));
  const fd = openSync(path, 'a');
  return (level, line) => {
    writeSync(fd, line);
    if (level === 'warn' || level === 'error') show(line);
  };
}

/** LOG_LEVEL=debug: a start-up failure shows what caused it below its message. */
let debug = false;

main().catch((error: unknown) => exitOnFatal(error, debug));
