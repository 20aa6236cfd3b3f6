/**
 * The Bolt app: receivers (HTTP or Socket Mode), Web API client options, and the listeners that hand
 * verified, acknowledged requests to the handlers.
 */

import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  HTTPModuleFunctions,
  HTTPReceiver,
  type Logger,
  LogLevel,
  SocketModeReceiver,
  webApi,
} from '@slack/bolt';
import type { Metrics } from '../../core/index.js';
import {
  type Adapter,
  type BotApi,
  type DigestMark,
  type PostedMessage,
  postReply,
  UserError,
} from '../../core/index.js';
import { createLogger } from '../../logging.js';
import type { Reply } from '../../reply.js';
import { SlackDelivery, webApiFindDigest, webApiSend } from './delivery.js';
import type { MessageEventPayload, SlashCommandPayload } from './events.js';
import { SlackHandlers } from './handlers.js';
import { slackCommandSyntax } from './hints.js';
import { type PacingOptions, PostPacer, slackErrorCode } from './post.js';
import { undiciFetch } from './transport.js';
import type { SlackConfig, SlackLogger, SlackRetryConfig } from './types.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Slack's own payloads are a few KB; Bolt's default would buffer 4 MB of any unsigned request. */
export const SLACK_BODY_LIMIT = 64 * 1024;

export interface SlackAdapterOptions {
  bot: BotApi;
  config: SlackConfig;
  logger?: SlackLogger;
  /** 429s from Slack are counted here when given. */
  metrics?: Metrics | undefined;
  /** Lowest level passed on to `logger` from Bolt and the Web API client. Default 'info'. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * How digests (`postToChannel`) are paced: one post per channel per second and 20 per second across
   * the workspace by default; a 429 is waited out for its Retry-After and the same message sent again.
   * Replies to commands and thread questions do not go through it.
   */
  digestPacing?: Omit<PacingOptions, 'onRateLimited'>;
  /** Where ingest stands: `/healthz` answers "ingesting" until the first pass is done. */
  ingestStatus?: () => { state: 'ingesting' | 'ready' };
}

export interface SlackAdapter extends Adapter {
  readonly platform: 'slack';
  /** Where the HTTP receiver listens, once started in HTTP mode. */
  address(): { host: string; port: number } | undefined;
  /** The underlying Bolt app, for wiring that needs it (health checks, extra listeners). */
  readonly app: App;
}

const LEVELS: readonly LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/** Bolt logs `(...anything)`; ours takes a message and fields: strings join, errors go to fields. */
function toEntry(args: unknown[]): [string, Record<string, unknown>?] {
  const words: string[] = [];
  const errors: unknown[] = [];
  for (const arg of args) {
    if (arg instanceof Error) errors.push(arg);
    else if (typeof arg === 'string') words.push(arg);
    else {
      try {
        words.push(JSON.stringify(arg));
      } catch {
        words.push(String(arg));
      }
    }
  }
  const message = `slack: [bolt] ${words.join(' ')}`;
  if (errors.length === 0) return [message];
  return [message, { error: errors.length === 1 ? errors[0] : errors }];
}

/** Bolt's logger interface on top of ours. */
function boltLogger(logger: SlackLogger, initial: LogLevel): Logger {
  let level = initial;
  const on = (at: LogLevel) => LEVELS.indexOf(at) >= LEVELS.indexOf(level);
  return {
    debug: (...args) => on(LogLevel.DEBUG) && logger.debug(...toEntry(args)),
    info: (...args) => on(LogLevel.INFO) && logger.info(...toEntry(args)),
    warn: (...args) => on(LogLevel.WARN) && logger.warn(...toEntry(args)),
    error: (...args) => on(LogLevel.ERROR) && logger.error(...toEntry(args)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function retryOptions(retry: SlackRetryConfig | undefined): webApi.RetryOptions {
  if (!retry) return webApi.retryPolicies.fiveRetriesInFiveMinutes;
  return {
    retries: retry.retries,
    factor: retry.factor ?? 2,
    minTimeout: retry.minTimeoutMs ?? 1_000,
    maxTimeout: retry.maxTimeoutMs ?? 60_000,
    randomize: retry.randomize ?? true,
  };
}

function apiUrl(url: string | undefined): string {
  const base = url?.trim() || DEFAULT_SLACK_API_URL;
  return base.endsWith('/') ? base : `${base}/`;
}

/** Token errors auth.test answers: the token, not the network, is wrong. */
const REFUSED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/**
 * One auth.test with no retries before Bolt starts: Bolt's own would retry an unreachable API for
 * minutes with nothing listening, and a refused token would be a stack trace. Either is one message.
 */
async function checkSlack(config: SlackConfig, clientOptions: webApi.WebClientOptions): Promise<void> {
  const url = clientOptions.slackApiUrl ?? DEFAULT_SLACK_API_URL;
  // Its own quiet client: the failure becomes the one message below, not a warning before it too.
  const client = new webApi.WebClient(config.botToken, {
    slackApiUrl: url,
    ...(clientOptions.timeout ? { timeout: clientOptions.timeout } : {}),
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
  try {
    await client.auth.test();
  } catch (error) {
    const code = slackErrorCode(error);
    if (code && REFUSED_TOKEN.has(code)) {
      throw new UserError(
        `SLACK_BOT_TOKEN: Slack refused it (${code}): copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page`,
      );
    }
    const failed = error as { code?: string; original?: { message?: string }; statusCode?: number };
    if (failed.code === 'slack_webapi_request_error' || failed.code === 'slack_webapi_http_error') {
      const why = failed.statusCode ? `HTTP ${failed.statusCode}` : (failed.original?.message ?? 'no answer');
      throw new UserError(
        `SLACK_API_URL ${url}: Slack's Web API cannot be reached (${why}): check the URL (leave it empty for ${DEFAULT_SLACK_API_URL}) and the network`,
      );
    }
    throw error;
  }
}

function checkConfig(config: SlackConfig): void {
  const missing: string[] = [];
  if (!config.botToken) missing.push('SLACK_BOT_TOKEN');
  if (config.mode === 'http' && !config.signingSecret)
    missing.push('SLACK_SIGNING_SECRET (needed in HTTP mode)');
  if (config.mode === 'socket' && !config.appToken) missing.push('SLACK_APP_TOKEN (needed in Socket Mode)');
  if (missing.length > 0) throw new Error(`Slack adapter: missing ${missing.join(', ')}`);
}

/**
 * Bolt's HTTP receiver behind a gate. The body is read here, at most SLACK_BODY_LIMIT bytes (413
 * past it), before Bolt checks the signature. A JSON body that is not an object (`null`, `3`) is
 * answered 400 here: Bolt would read a field of it inside a promise nobody awaits, and that unhandled
 * rejection would end the process. Bolt finds the body already read and uses it.
 */
function guardedReceiver(receiver: HTTPReceiver, logger: SlackLogger, endpoint: string): HTTPReceiver {
  const handle = receiver.requestListener;
  const refuse = (res: ServerResponse, status: number, text: string) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(text);
  };
  receiver.requestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== endpoint || req.method !== 'POST') return handle(req, res);
    HTTPModuleFunctions.bufferIncomingMessage(req, SLACK_BODY_LIMIT)
      .then((buffered) => {
        if (
          /^application\/json/i.test(req.headers['content-type'] ?? '') &&
          !isJsonObject(buffered.rawBody)
        ) {
          logger.warn('slack: refused a request whose JSON body is not an object', { path });
          return refuse(res, 400, 'the body must be a JSON object');
        }
        return handle(buffered, res);
      })
      .catch((error: unknown) => {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && error.statusCode === 413;
        if (tooLarge)
          logger.warn('slack: refused a request body over the limit', { limit: SLACK_BODY_LIMIT });
        else logger.error('slack: a request failed in the receiver', { path, error });
        refuse(res, tooLarge ? 413 : 400, tooLarge ? 'request body too large' : 'bad request');
      });
  };
  return receiver;
}

function isJsonObject(raw: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(raw.toString());
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { bot, config } = options;
  checkConfig(config);
  const logger = options.logger ?? createLogger();
  const level = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR }[
    options.logLevel ?? 'info'
  ];
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: apiUrl(config.apiUrl),
    retryConfig: retryOptions(config.retry),
    timeout: config.requestTimeoutMs ?? 10_000,
  };
  const common = {
    token: config.botToken,
    logger: boltLogger(logger, level),
    // Bolt resets its logger to this level (INFO when unset); the Web API clients share that logger.
    logLevel: level,
    clientOptions,
    // auth.test runs in start(), where a bad token is a clear error instead of an unhandled rejection.
    deferInitialization: true,
    ignoreSelf: true,
    convoStore: false as const,
  };
  // Built here rather than by Bolt so stop() can wait for the WebSocket to close.
  const socketReceiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.appToken ?? '',
          logger: common.logger,
          logLevel: level,
          // The Socket Mode client calls apps.connections.open through these (API URL, retries).
          installerOptions: { clientOptions },
        })
      : undefined;
  const httpReceiver = () =>
    guardedReceiver(
      new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        endpoints: config.endpoint ?? '/slack/events',
        logger: common.logger,
        logLevel: level,
        // Read before the signature is checked, so it bounds what an unsigned request can make us hold.
        bodyLimit: SLACK_BODY_LIMIT,
        customRoutes: [
          {
            path: '/healthz',
            method: ['GET'],
            handler: (_req, res) => {
              res.writeHead(200, { 'Content-Type': 'text/plain' });
              // Alive either way: a health check must not restart a bot that is still reading its folder.
              res.end(options.ingestStatus?.().state === 'ingesting' ? 'ingesting' : 'ok');
            },
          },
        ],
      }),
      logger,
      config.endpoint ?? '/slack/events',
    );
  const app = socketReceiver
    ? new App({ ...common, socketMode: true, appToken: config.appToken ?? '', receiver: socketReceiver })
    : new App({ ...common, receiver: httpReceiver() });

  const syntax = slackCommandSyntax(config.command ?? '/brief');
  const handlers = new SlackHandlers({ bot, logger, syntax });

  // Digests get a client of their own that hands 429s back rather than pausing and backing off
  // exponentially (which also held up interactive replies); the pacer waits them out per channel.
  // It never retries either: a post that got no answer may have landed, and the client would send it
  // again blindly. The scheduler retries instead, looking in the channel for the digest first.
  const digestClient = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    logger: common.logger,
    logLevel: level,
    rejectRateLimitedCalls: true,
    fetch: undiciFetch(),
  });
  const pacer = new PostPacer({
    ...options.digestPacing,
    onRateLimited: (channel, retryAfterS) => {
      options.metrics?.rateLimited('slack');
      logger.warn('slack: digest rate-limited; waiting Retry-After', { channel, retryAfterS });
    },
  });
  app.client.on(webApi.WebClientEvent.RATE_LIMITED, () => options.metrics?.rateLimited('slack'));
  const send = webApiSend(digestClient);
  const digests = new SlackDelivery(
    syntax,
    (channel, message, threadTs, metadata) =>
      pacer.run(channel, () => send(channel, message, threadTs, metadata)),
    webApiFindDigest(digestClient),
  );

  app.command(config.command ?? '/brief', async ({ command, ack, respond, client }) => {
    // Slack wants the ack within 3 s: give it before any work.
    await ack();
    await handlers.onCommand({ payload: command as SlashCommandPayload, client, respond });
  });

  app.event('message', async ({ event, body, context, client }) => {
    await handlers.onMessage({
      event: event as unknown as MessageEventPayload,
      eventId: body.event_id,
      retryNum: context.retryNum,
      identity: {
        ...(context.botUserId ? { botUserId: context.botUserId } : {}),
        ...(context.botId ? { botId: context.botId } : {}),
      },
      client,
    });
  });

  app.error(async (error) => {
    logger.error('slack: unhandled error in a listener', { error });
  });

  let started = false;
  let bound: { host: string; port: number } | undefined;

  return {
    platform: 'slack',
    app,
    address: () => bound,
    async start() {
      if (started) return;
      await checkSlack(config, clientOptions);
      await app.init();
      if (config.mode === 'socket') {
        await app.start();
        logger.info('slack: connected in Socket Mode');
      } else {
        const port = config.port ?? 3000;
        const server = await app
          .start({ port, ...(config.host ? { host: config.host } : {}) })
          .catch((error: Error & { code?: string }) => {
            if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error;
            throw new UserError(
              `PORT ${port}: Slack's HTTP receiver cannot listen there (${error.code}): choose a free port`,
              { cause: error },
            );
          });
        const address = server.address() as AddressInfo;
        bound = { host: address.address, port: address.port };
        logger.info('slack: listening (HTTP mode)', {
          host: address.address,
          port: address.port,
          path: config.endpoint ?? '/slack/events',
        });
      }
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      bound = undefined;
      if (socketReceiver) {
        // SocketModeReceiver.stop() does not wait for the close handshake; the client's disconnect() does.
        await socketReceiver.client.disconnect();
      } else {
        await app.stop();
      }
    },
    postToChannel(channelId: string, reply: Reply, mark?: DigestMark): Promise<PostedMessage> {
      return postReply(bot, digests, { platform: 'slack', channelId }, reply, logger, mark);
    },
    channelTurn: (channelId: string) => pacer.turnSoon(channelId),
  };
}
