import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type ApiChannel,
  type ApiMessage,
  type ApiUser,
  guild,
  member,
  message,
  PERMISSIONS,
  shardOf,
  snowflake,
  snowflakeOnShard,
  textChannel,
  threadChannel,
  user,
} from './fixtures.js';
import { LIMITS, validateChoices, validateMessage } from './validate.js';

/**
 * A Discord emulator on 127.0.0.1 for the real discord.js client: the REST routes the bot uses under
 * /api/v10 and a JSON gateway on /gateway. It records every request, checks every message body against
 * Discord's limits and our no-mentions rule (problems land in `violations`), answers 429 on demand, and
 * dispatches interactions and messages when a test asks.
 */

export interface EmulatorOptions {
  token?: string;
  applicationId?: string;
  guildId?: string;
  channelId?: string;
  botUserId?: string;
  /** Gateway heartbeat interval sent in HELLO. */
  heartbeatIntervalMs?: number;
  /** Interactions must be answered within this (Discord: 3 s). */
  interactionDeadlineMs?: number;
  /** When false, IDENTIFY with the Message Content intent is closed with 4014 like an unapproved app. */
  allowMessageContent?: boolean;
  /** How long an enforced nonce returns the first message instead of making another ("a few minutes"). */
  nonceWindowMs?: number;
  /** The shard count GET /gateway/bot recommends (Discord: one per 1,000 guilds or so). */
  recommendedShards?: number;
  /**
   * When true, IDENTIFY is closed with 4004 "Authentication failed" whatever the token, as when a token
   * is reset between GET /gateway/bot and the gateway connection.
   */
  refuseIdentify?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path under /api/v10, as it arrived (percent-encoding kept). */
  rawPath: string;
  /** Decoded path under /api/v10. */
  path: string;
  route: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
  status: number;
  at: number;
}

export interface Violation {
  route: string;
  problem: string;
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: 2 | 4;
  name: string;
  channelId: string;
  dispatchedAt: number;
  /** First callback: when, and its type (4 message, 5 defer, 8 autocomplete result). */
  ackedAt?: number;
  callbackType?: number;
  originalMessageId?: string | undefined;
  /** The bot deleted its first answer (to replace a public "thinking..." with an ephemeral one). */
  deletedOriginal?: boolean;
  followUpIds: string[];
  choices?: { name: string; value: string }[];
}

export interface RateLimitRule {
  method: string;
  path: RegExp;
  retryAfterMs: number;
  global: boolean;
  /** 429s still to answer. */
  remaining: number;
  /** A request on the route before this instant is too early. */
  blockedUntil: number;
  hits: number;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  events: { s: number; payload: string }[];
  socket: WebSocket | undefined;
  /** [shard id, shard count] from IDENTIFY: the session gets the events of that shard's guilds only. */
  shard: [number, number];
}

interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

interface RouteResult {
  status: number;
  body?: unknown;
}

type Handler = (ctx: RouteContext) => RouteResult;

interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  auth: boolean;
  handler: Handler;
}

type Truthy<T> = Exclude<T, false | '' | 0 | null | undefined>;

const INTENT = { Guilds: 1 << 0, GuildMessages: 1 << 9, MessageContent: 1 << 15 };

function apiError(status: number, code: number, message: string): RouteResult {
  return { status, body: { code, message } };
}

export class DiscordEmulator extends EventEmitter {
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly botUser: ApiUser;
  readonly human: ApiUser = user(snowflake(), 'analyst');
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  /** Routes the emulator does not know: the bot called something unexpected. */
  readonly unhandled: string[] = [];
  readonly interactions = new Map<string, InteractionRecord>();
  readonly channels = new Map<string, ApiChannel>();
  readonly messages = new Map<string, ApiMessage>();
  /** The body each bot message was created or last edited with (allowed_mentions included). */
  readonly payloads = new Map<string, unknown>();
  readonly commands = { global: [] as unknown[], guild: new Map<string, unknown[]>() };
  readonly identifies: { intents: number; at: number; shard: [number, number] }[] = [];
  /** Every guild the bot is in: the first is `guildId`; `addGuild` adds more. */
  readonly guildIds: string[] = [];
  readonly resumes: { sessionId: string; seq: number; at: number }[] = [];
  heartbeats = 0;
  apiUrl = '';
  gatewayUrl = '';

  private readonly options: Required<
    Pick<EmulatorOptions, 'heartbeatIntervalMs' | 'interactionDeadlineMs'>
  > & {
    allowMessageContent: boolean;
    recommendedShards: number;
    refuseIdentify: boolean;
  };
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  /** The session each shard id identified or resumed last. */
  private readonly shardSessions = new Map<number, Session>();
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly tokens = new Map<string, InteractionRecord>();
  private readonly routes: Route[];
  private readonly threadByMessage = new Map<string, string>();
  /** Enforced nonces of bot messages: nonce -> message id and when it was made. */
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  private readonly nonceWindowMs: number;

  constructor(options: EmulatorOptions = {}) {
    super();
    this.setMaxListeners(100);
    this.token = options.token ?? 'emulator-bot-token';
    this.applicationId = options.applicationId ?? snowflake();
    this.guildId = options.guildId ?? snowflake();
    this.channelId = options.channelId ?? snowflake();
    this.botUser = user(options.botUserId ?? this.applicationId, 'briefbot', true);
    this.options = {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      interactionDeadlineMs: options.interactionDeadlineMs ?? 3000,
      allowMessageContent: options.allowMessageContent ?? true,
      recommendedShards: options.recommendedShards ?? 1,
      refuseIdentify: options.refuseIdentify ?? false,
    };
    this.nonceWindowMs = options.nonceWindowMs ?? 5 * 60_000;
    this.guildIds.push(this.guildId);
    this.channels.set(this.channelId, textChannel(this.channelId, this.guildId, 'briefings'));
    this.routes = this.buildRoutes();
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/gateway' });
    this.wss.on('connection', (ws, req) => this.onGatewayConnection(ws, req));
  }

  static async start(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
    const emulator = new DiscordEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.http.once('error', reject);
      emulator.http.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = emulator.http.address() as AddressInfo;
    emulator.apiUrl = `http://127.0.0.1:${port}/api`;
    emulator.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    return emulator;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // --- test controls ------------------------------------------------------------------------------

  /** Answers the next `count` matching requests with 429 and Retry-After; early retries are violations. */
  rateLimit(
    method: string,
    path: RegExp,
    retryAfterMs: number,
    options: { count?: number; global?: boolean } = {},
  ) {
    const rule: RateLimitRule = {
      method: method.toUpperCase(),
      path,
      retryAfterMs,
      global: options.global ?? false,
      remaining: options.count ?? 1,
      blockedUntil: 0,
      hits: 0,
    };
    this.rateLimits.push(rule);
    return rule;
  }

  /**
   * Adds a guild with one text channel, on shard `onShard[0]` of `onShard[1]` when given. A connected
   * bot sees GUILD_CREATE on the shard that owns the guild, as when it is invited.
   */
  addGuild(onShard?: [number, number]): { guildId: string; channelId: string } {
    const guildId = onShard ? snowflakeOnShard(onShard[0], onShard[1]) : snowflake();
    const channelId = snowflake();
    this.guildIds.push(guildId);
    this.channels.set(channelId, textChannel(channelId, guildId, 'briefings'));
    const session = this.sessionFor(guildId);
    if (session) this.dispatchTo(session, 'GUILD_CREATE', this.guildCreate(guildId));
    return { guildId, channelId };
  }

  /** The shard ids that have identified, with the shard count each gave. */
  get shards(): [number, number][] {
    return [...this.shardSessions.values()].map((session) => session.shard);
  }

  /** Dispatches a slash command as `this.human` typed it. */
  command(name: string, options: Record<string, string> = {}, channelId = this.channelId): InteractionRecord {
    return this.dispatchInteraction(2, name, options, undefined, channelId);
  }

  /** Dispatches an autocomplete request while the user types `options[focused]`. */
  autocomplete(name: string, options: Record<string, string>, focused: string): InteractionRecord {
    return this.dispatchInteraction(4, name, options, focused, this.channelId);
  }

  /** A message typed by someone (a human by default) in a channel or thread: MESSAGE_CREATE. */
  say(channelId: string, content: string, author: ApiUser = this.human): ApiMessage {
    const created = message(snowflake(), channelId, author, content, []);
    this.messages.set(created.id, created);
    this.dispatchMessageCreate(created);
    return created;
  }

  /** A thread opened by someone other than the bot (THREAD_CREATE unless `silent`). */
  openThreadAs(owner: ApiUser, name: string, options: { silent?: boolean; id?: string } = {}): ApiChannel {
    const thread = threadChannel(
      options.id ?? snowflake(),
      this.guildId,
      this.channelId,
      owner.id,
      name,
      1440,
    );
    this.channels.set(thread.id, thread);
    if (!options.silent) this.dispatchIf(INTENT.Guilds, 'THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }

  /** Drops the gateway connection: a close frame with `code` (4000: resumable), or a dead socket. */
  dropConnection(options: { code?: number; abrupt?: boolean } = {}): void {
    const session = this.sessionFor(this.guildId);
    const socket = session?.socket;
    if (!socket || !session) throw new Error('no gateway connection to drop');
    session.socket = undefined;
    if (options.abrupt) socket.terminate();
    else socket.close(options.code ?? 4000, 'emulated disconnect');
  }

  get connected(): boolean {
    return this.sessionFor(this.guildId)?.socket?.readyState === 1;
  }

  /** Messages in a channel or thread, oldest first. */
  messagesIn(channelId: string): ApiMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  threadOn(messageId: string): ApiChannel | undefined {
    const id = this.threadByMessage.get(messageId);
    return id ? this.channels.get(id) : undefined;
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** Resolves with `check()` once it is truthy; re-checked on every request and dispatch. */
  waitFor<T>(check: () => T, what: string, timeoutMs = 5000): Promise<Truthy<T>> {
    return new Promise<Truthy<T>>((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value) {
          cleanup();
          resolve(value as Truthy<T>);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`emulator: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(attempt, 25);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.off('change', attempt);
      };
      if (!attempt()) this.on('change', attempt);
    });
  }

  // --- gateway ------------------------------------------------------------------------------------

  private onGatewayConnection(ws: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    if (query.get('v') !== '10' || query.get('encoding') !== 'json') {
      this.violate('gateway', `connected with v=${query.get('v')} encoding=${query.get('encoding')}`);
    }
    if (query.has('compress'))
      this.violate('gateway', `asked for compress=${query.get('compress')} (not emulated)`);
    ws.on('message', (raw) => {
      let packet: { op: number; d: unknown };
      try {
        packet = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Error while decoding payload');
        return;
      }
      this.onGatewayPacket(ws, packet);
    });
    ws.on('close', () => {
      for (const session of this.sessions.values()) if (session.socket === ws) session.socket = undefined;
      this.changed();
    });
    ws.on('error', () => undefined);
    ws.send(
      JSON.stringify({
        op: 10,
        s: null,
        t: null,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      }),
    );
  }

  private onGatewayPacket(ws: WebSocket, packet: { op: number; d: unknown }): void {
    const d = (packet.d ?? {}) as Record<string, unknown>;
    switch (packet.op) {
      case 1:
        this.heartbeats += 1;
        ws.send(JSON.stringify({ op: 11 }));
        return;
      case 2:
        this.identify(ws, d);
        return;
      case 6:
        this.resume(ws, d);
        return;
      case 3:
      case 4:
      case 8:
        return;
      default:
        ws.close(4001, 'Unknown opcode');
    }
  }

  private identify(ws: WebSocket, d: Record<string, unknown>): void {
    if (d.token !== this.token || this.options.refuseIdentify) {
      ws.close(4004, 'Authentication failed');
      return;
    }
    const intents = Number(d.intents);
    const shard = d.shard === undefined ? [0, 1] : d.shard;
    if (
      !Array.isArray(shard) ||
      shard.length !== 2 ||
      !shard.every((n) => Number.isInteger(n)) ||
      shard[1] < 1 ||
      shard[0] < 0 ||
      shard[0] >= shard[1]
    ) {
      ws.close(4010, 'Invalid shard');
      return;
    }
    const [shardId, shardCount] = shard as [number, number];
    const others = [...this.shardSessions.values()].filter((s) => s.socket?.readyState === 1);
    if (others.some((other) => other.shard[1] !== shardCount)) {
      this.violate('gateway', `shard count ${shardCount} differs from the other connected shards'`);
    }
    if (this.guildIds.length > 2500 * shardCount) {
      ws.close(4011, 'Sharding required');
      return;
    }
    this.identifies.push({ intents, at: Date.now(), shard: [shardId, shardCount] });
    if (!this.options.allowMessageContent && intents & INTENT.MessageContent) {
      ws.close(4014, 'Disallowed intent(s)');
      return;
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents,
      events: [],
      socket: ws,
      shard: [shardId, shardCount],
    };
    this.sessions.set(session.id, session);
    this.shardSessions.set(shardId, session);
    const guildIds = this.guildIds.filter((id) => shardOf(id, shardCount) === shardId);
    this.dispatchTo(session, 'READY', {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0 },
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.gatewayUrl,
      shard: [shardId, shardCount],
      application: { id: this.applicationId, flags: 1 << 19 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
    });
    for (const guildId of guildIds) this.dispatchTo(session, 'GUILD_CREATE', this.guildCreate(guildId));
  }

  private guildCreate(guildId: string) {
    const inGuild = [...this.channels.values()].filter((c) => c.guild_id === guildId);
    const channels = inGuild.filter((c) => c.type === 0);
    const threads = inGuild.filter((c) => c.type === 11);
    const botMember = member(this.botUser, new Date().toISOString());
    return guild(guildId, this.human.id, channels, threads, [botMember]);
  }

  /** The session of the shard that owns `guildId`, if that shard has identified. */
  private sessionFor(guildId: string): Session | undefined {
    for (const session of this.shardSessions.values())
      if (shardOf(guildId, session.shard[1]) === session.shard[0]) return session;
    return undefined;
  }

  private guildOf(channelId: string): string {
    return this.channels.get(channelId)?.guild_id ?? this.guildId;
  }

  private resume(ws: WebSocket, d: Record<string, unknown>): void {
    const session = this.sessions.get(String(d.session_id));
    if (!session || d.token !== this.token) {
      ws.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    const seq = Number(d.seq);
    this.resumes.push({ sessionId: session.id, seq, at: Date.now() });
    if (session.socket && session.socket !== ws) session.socket.terminate();
    session.socket = ws;
    this.shardSessions.set(session.shard[0], session);
    for (const event of session.events) if (event.s > seq) ws.send(event.payload);
    this.dispatchTo(session, 'RESUMED', {});
  }

  /** Dispatches on the shard that owns `guildId`, as Discord does. */
  private dispatch(t: string, d: unknown, guildId = this.guildId): void {
    const session = this.sessionFor(guildId);
    if (!session)
      throw new Error(`emulator: cannot dispatch ${t} before the shard of guild ${guildId} identified`);
    this.dispatchTo(session, t, d);
  }

  private dispatchTo(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const payload = JSON.stringify({ op: 0, t, s: session.seq, d });
    session.events.push({ s: session.seq, payload });
    // Without a connection the event waits for RESUME, as Discord replays missed events.
    if (session.socket?.readyState === 1) session.socket.send(payload);
    this.changed();
  }

  private dispatchIf(intent: number, t: string, d: unknown, guildId = this.guildId): void {
    const session = this.sessionFor(guildId);
    if (session && session.intents & intent) this.dispatchTo(session, t, d);
  }

  private dispatchMessageCreate(created: ApiMessage): void {
    const guildId = this.guildOf(created.channel_id);
    const session = this.sessionFor(guildId);
    if (!session) return;
    const channel = this.channels.get(created.channel_id);
    const readable =
      session.intents & INTENT.MessageContent ||
      created.author.id === this.botUser.id ||
      created.content.includes(`<@${this.botUser.id}>`);
    this.dispatchIf(
      INTENT.GuildMessages,
      'MESSAGE_CREATE',
      {
        ...created,
        content: readable ? created.content : '',
        embeds: readable ? created.embeds : [],
        guild_id: guildId,
        member: { ...member(created.author, new Date().toISOString()), user: undefined },
        ...(channel ? { channel_type: channel.type } : {}),
      },
      guildId,
    );
  }

  private dispatchInteraction(
    type: 2 | 4,
    name: string,
    options: Record<string, string>,
    focused: string | undefined,
    channelId: string,
  ): InteractionRecord {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`emulator: no channel ${channelId}`);
    const record: InteractionRecord = {
      id: snowflake(),
      token: `itoken-${randomBytes(24).toString('base64url')}`,
      type,
      name,
      channelId,
      dispatchedAt: Date.now(),
      followUpIds: [],
    };
    this.interactions.set(record.id, record);
    this.tokens.set(record.token, record);
    const guildId = this.guildOf(channelId);
    const registered = [...this.commands.global, ...(this.commands.guild.get(guildId) ?? [])].find(
      (c) => (c as { name?: string }).name === name,
    ) as { id?: string } | undefined;
    this.dispatch(
      'INTERACTION_CREATE',
      {
        id: record.id,
        application_id: this.applicationId,
        type,
        token: record.token,
        version: 1,
        guild_id: guildId,
        channel_id: channelId,
        channel,
        guild: { id: guildId, locale: 'en-US', features: [] },
        member: {
          ...member(this.human, new Date().toISOString()),
          permissions: PERMISSIONS.everyone,
        },
        app_permissions: PERMISSIONS.bot,
        locale: 'en-GB',
        guild_locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guildId },
        context: 0,
        attachment_size_limit: 10_485_760,
        data: {
          id: registered?.id ?? snowflake(),
          name,
          type: 1,
          guild_id: guildId,
          options: Object.entries(options).map(([key, value]) => ({
            name: key,
            type: 3,
            value,
            ...(key === focused ? { focused: true } : {}),
          })),
        },
      },
      guildId,
    );
    return record;
  }

  // --- REST ---------------------------------------------------------------------------------------

  private buildRoutes(): Route[] {
    const id = '(\\d+)';
    const tok = '([^/]+)';
    const r = (method: string, path: string, name: string, auth: boolean, handler: Handler): Route => ({
      method,
      pattern: new RegExp(`^${path}$`),
      name,
      auth,
      handler,
    });
    return [
      r('GET', '/gateway/bot', 'gateway', true, () => ({
        status: 200,
        body: {
          url: this.gatewayUrl,
          shards: this.options.recommendedShards,
          // Large bots get a max_concurrency above 1: all shards identify at once, with no 5 s wait.
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 14_400_000,
            max_concurrency: this.options.recommendedShards,
          },
        },
      })),
      r('PUT', `/applications/${id}/commands`, 'commands.put', true, (c) => this.putCommands(c, undefined)),
      r('GET', `/applications/${id}/commands`, 'commands.get', true, () => ({
        status: 200,
        body: this.commands.global,
      })),
      r('PUT', `/applications/${id}/guilds/${id}/commands`, 'guildCommands.put', true, (c) =>
        this.putCommands(c, c.params[1]),
      ),
      r('GET', `/applications/${id}/guilds/${id}/commands`, 'guildCommands.get', true, (c) => ({
        status: 200,
        body: this.commands.guild.get(c.params[1]!) ?? [],
      })),
      r('POST', `/interactions/${id}/${tok}/callback`, 'callback', false, (c) => this.callback(c)),
      r('PATCH', `/webhooks/${id}/${tok}/messages/@original`, 'original.patch', false, (c) =>
        this.editOriginal(c),
      ),
      r('DELETE', `/webhooks/${id}/${tok}/messages/@original`, 'original.delete', false, (c) =>
        this.deleteOriginal(c),
      ),
      r('GET', `/webhooks/${id}/${tok}/messages/@original`, 'original.get', false, (c) =>
        this.getOriginal(c),
      ),
      r('POST', `/webhooks/${id}/${tok}`, 'followup', false, (c) => this.followUp(c)),
      r('POST', `/channels/${id}/messages`, 'messages.post', true, (c) => this.postMessage(c)),
      r('GET', `/channels/${id}/messages`, 'messages.get', true, (c) => this.listMessages(c)),
      r('GET', `/channels/${id}`, 'channel.get', true, (c) => {
        const channel = this.channels.get(c.params[0]!);
        return channel ? { status: 200, body: channel } : apiError(404, 10003, 'Unknown Channel');
      }),
      r('POST', `/channels/${id}/messages/${id}/threads`, 'threads.post', true, (c) => this.startThread(c)),
    ];
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const prefix = '/api/v10';
    const rawPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const path = rawPath.split('/').map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    let body: unknown;
    if (raw) {
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('application/json')) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      } else {
        body = raw;
        this.violate(path, `unexpected content-type ${type}`);
      }
    }
    const record: RecordedRequest = {
      method,
      rawPath,
      path,
      route: 'unknown',
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body,
      status: 0,
      at: Date.now(),
    };
    const result = this.route(record, url.pathname.startsWith(prefix), url.searchParams);
    record.status = result.status;
    this.requests.push(record);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...result.headers };
    if (result.status === 204) {
      res.writeHead(204, result.headers);
      res.end();
    } else {
      res.writeHead(result.status, headers);
      res.end(JSON.stringify(result.body ?? {}));
    }
    this.changed();
  }

  private route(
    record: RecordedRequest,
    versioned: boolean,
    query: URLSearchParams,
  ): RouteResult & { headers?: Record<string, string> } {
    const route = versioned
      ? this.routes.find(
          (candidate) => candidate.method === record.method && candidate.pattern.test(record.path),
        )
      : undefined;
    if (!route) {
      this.unhandled.push(`${record.method} ${record.rawPath}`);
      return apiError(404, 0, '404: Not Found');
    }
    record.route = route.name;
    if (route.auth && record.authorization !== `Bot ${this.token}`)
      return apiError(401, 0, '401: Unauthorized');
    if (!route.auth && record.authorization)
      this.violate(route.name, 'sent the bot token on a token-less route');

    const limited = this.rateLimited(record);
    if (limited) return limited;
    const params = record.path.match(route.pattern)!.slice(1);
    return route.handler({ params, query, body: record.body });
  }

  private rateLimited(
    record: RecordedRequest,
  ): (RouteResult & { headers: Record<string, string> }) | undefined {
    const now = Date.now();
    for (const rule of this.rateLimits) {
      if (rule.method !== record.method || !rule.path.test(record.path)) continue;
      if (now < rule.blockedUntil) {
        this.violate(record.route, `retried ${rule.blockedUntil - now} ms before Retry-After ran out`);
      } else if (rule.remaining > 0) {
        rule.remaining -= 1;
      } else continue;
      rule.hits += 1;
      const waitMs = Math.max(rule.blockedUntil - now, rule.retryAfterMs);
      rule.blockedUntil = now + waitMs;
      const seconds = (waitMs / 1000).toFixed(3);
      const headers: Record<string, string> = {
        'retry-after': seconds,
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((now + waitMs) / 1000).toFixed(3),
        'x-ratelimit-reset-after': seconds,
        'x-ratelimit-bucket': `emulated-${rule.path.source.length}`,
        'x-ratelimit-scope': rule.global ? 'global' : 'user',
      };
      if (rule.global) headers['x-ratelimit-global'] = 'true';
      return {
        status: 429,
        headers,
        body: { message: 'You are being rate limited.', retry_after: Number(seconds), global: rule.global },
      };
    }
    return undefined;
  }

  private violate(route: string, problem: string): void {
    this.violations.push({ route, problem, at: Date.now() });
  }

  /** Limit problems reject the request (400 Invalid Form Body); mention problems are only recorded. */
  private checkMessage(route: string, body: unknown): RouteResult | undefined {
    const problems = validateMessage(body);
    for (const problem of [...problems.limits, ...problems.mentions]) this.violate(route, problem);
    if (problems.limits.length > 0) {
      return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: problems.limits } };
    }
    return undefined;
  }

  private createBotMessage(
    channelId: string,
    body: Record<string, unknown>,
    extra: Partial<ApiMessage> = {},
  ) {
    const created: ApiMessage = {
      ...message(
        snowflake(),
        channelId,
        this.botUser,
        typeof body.content === 'string' ? body.content : '',
        Array.isArray(body.embeds) ? body.embeds : [],
      ),
      ...extra,
    };
    // EPHEMERAL (64) is the only flag a bot may set on a message it sends: only the requester sees it.
    if (typeof body.flags === 'number') created.flags |= body.flags & 64;
    this.messages.set(created.id, created);
    this.payloads.set(created.id, body);
    this.dispatchMessageCreate(created);
    return created;
  }

  private putCommands(c: RouteContext, guildId: string | undefined): RouteResult {
    if (c.params[0] !== this.applicationId) return apiError(403, 50001, 'Missing Access');
    if (!Array.isArray(c.body)) return apiError(400, 50035, 'Invalid Form Body');
    const problems = c.body.flatMap((command, i) => validateCommand(command, `commands[${i}]`));
    for (const problem of problems) this.violate('commands', problem);
    if (problems.length > 0)
      return { status: 400, body: { code: 50035, message: 'Invalid Form Body', problems } };
    const stored = c.body.map((command: Record<string, unknown>) => ({
      id: snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      default_member_permissions: null,
      nsfw: false,
      ...(guildId ? { guild_id: guildId } : {}),
      ...command,
    }));
    if (guildId) this.commands.guild.set(guildId, stored);
    else this.commands.global = stored;
    return { status: 200, body: stored };
  }

  private callback(c: RouteContext): RouteResult {
    const [interactionId, token] = c.params;
    const record = this.interactions.get(interactionId!);
    if (!record || record.token !== token) return apiError(404, 10062, 'Unknown interaction');
    const now = Date.now();
    if (record.ackedAt !== undefined) {
      this.violate('callback', `interaction ${record.id} acknowledged twice`);
      return apiError(400, 40060, 'Interaction has already been acknowledged.');
    }
    if (now - record.dispatchedAt > this.options.interactionDeadlineMs) {
      this.violate('callback', `interaction ${record.id} answered after ${now - record.dispatchedAt} ms`);
      return apiError(404, 10062, 'Unknown interaction');
    }
    const body = (c.body ?? {}) as { type?: number; data?: Record<string, unknown> };
    let created: ApiMessage | undefined;
    switch (body.type) {
      case 4: {
        if (record.type !== 2) return apiError(400, 50035, 'Invalid Form Body');
        const rejected = this.checkMessage('callback', body.data);
        if (rejected) return rejected;
        created = this.createBotMessage(
          record.channelId,
          body.data ?? {},
          this.interactionMessageExtras(record),
        );
        record.originalMessageId = created.id;
        break;
      }
      case 5: {
        if (record.type !== 2) return apiError(400, 50035, 'Invalid Form Body');
        // The "is thinking..." placeholder, edited later through @original.
        created = this.createBotMessage(
          record.channelId,
          { content: '', embeds: [] },
          { ...this.interactionMessageExtras(record), flags: 128 },
        );
        this.payloads.delete(created.id);
        record.originalMessageId = created.id;
        break;
      }
      case 8: {
        if (record.type !== 4) return apiError(400, 50035, 'Invalid Form Body');
        const choices = body.data?.choices;
        const problems = validateChoices(choices);
        for (const problem of problems) this.violate('callback', problem);
        if (problems.length > 0) return apiError(400, 50035, 'Invalid Form Body');
        record.choices = choices as { name: string; value: string }[];
        break;
      }
      default:
        this.violate('callback', `unexpected callback type ${body.type}`);
        return apiError(400, 50035, 'Invalid Form Body');
    }
    record.ackedAt = now;
    record.callbackType = body.type;
    if (c.query.get('with_response') !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          response_message_id: created?.id,
          response_message_loading: body.type === 5,
          response_message_ephemeral: false,
        },
        resource: { type: body.type, ...(created ? { message: created } : {}) },
      },
    };
  }

  private interactionMessageExtras(record: InteractionRecord): Partial<ApiMessage> {
    return {
      type: 20,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      interaction_metadata: {
        id: record.id,
        type: 2,
        name: record.name,
        command_type: 1,
        user: this.human,
        authorizing_integration_owners: { '0': this.guildOf(record.channelId) },
      },
    };
  }

  private webhookInteraction(c: RouteContext): InteractionRecord | RouteResult {
    const [applicationId, token] = c.params;
    const record = this.tokens.get(token!);
    if (applicationId !== this.applicationId || !record) return apiError(401, 50027, 'Invalid Webhook Token');
    if (record.ackedAt === undefined) {
      this.violate('webhook', `interaction ${record.id} used before it was acknowledged`);
      return apiError(404, 10015, 'Unknown Webhook');
    }
    return record;
  }

  private editOriginal(c: RouteContext): RouteResult {
    const record = this.webhookInteraction(c);
    if ('status' in record) return record;
    const original = record.originalMessageId ? this.messages.get(record.originalMessageId) : undefined;
    if (!original) return apiError(404, 10008, 'Unknown Message');
    const rejected = this.checkMessage('original.patch', c.body);
    if (rejected) return rejected;
    const body = c.body as Record<string, unknown>;
    if (typeof body.content === 'string') original.content = body.content;
    if (Array.isArray(body.embeds)) original.embeds = body.embeds;
    original.flags &= ~128;
    original.edited_timestamp = new Date().toISOString();
    this.payloads.set(original.id, body);
    const guildId = this.guildOf(original.channel_id);
    this.dispatchIf(INTENT.GuildMessages, 'MESSAGE_UPDATE', { ...original, guild_id: guildId }, guildId);
    return { status: 200, body: original };
  }

  private deleteOriginal(c: RouteContext): RouteResult {
    const record = this.webhookInteraction(c);
    if ('status' in record) return record;
    const id = record.originalMessageId;
    if (!id || !this.messages.delete(id)) return apiError(404, 10008, 'Unknown Message');
    this.payloads.delete(id);
    record.originalMessageId = undefined;
    record.deletedOriginal = true;
    const guildId = this.guildOf(record.channelId);
    this.dispatchIf(
      INTENT.GuildMessages,
      'MESSAGE_DELETE',
      { id, channel_id: record.channelId, guild_id: guildId },
      guildId,
    );
    return { status: 204 };
  }

  private getOriginal(c: RouteContext): RouteResult {
    const record = this.webhookInteraction(c);
    if ('status' in record) return record;
    const original = record.originalMessageId ? this.messages.get(record.originalMessageId) : undefined;
    return original ? { status: 200, body: original } : apiError(404, 10008, 'Unknown Message');
  }

  private followUp(c: RouteContext): RouteResult {
    const record = this.webhookInteraction(c);
    if ('status' in record) return record;
    const rejected = this.checkMessage('followup', c.body);
    if (rejected) return rejected;
    const created = this.createBotMessage(
      record.channelId,
      c.body as Record<string, unknown>,
      this.interactionMessageExtras(record),
    );
    record.followUpIds.push(created.id);
    return c.query.get('wait') === 'true' ? { status: 200, body: created } : { status: 204 };
  }

  /**
   * With `nonce` and `enforce_nonce`, a second post with the same nonce within the window returns the
   * first message and makes none (even if that one was deleted meanwhile, as Discord does). The nonce
   * comes back in this answer only: Discord keeps none with the message.
   */
  private postMessage(c: RouteContext): RouteResult {
    const channel = this.channels.get(c.params[0]!);
    if (!channel) return apiError(404, 10003, 'Unknown Channel');
    const body = c.body as Record<string, unknown>;
    const nonce =
      typeof body.nonce === 'string' || typeof body.nonce === 'number' ? String(body.nonce) : undefined;
    if (nonce !== undefined && nonce.length > 25) return apiError(400, 50035, 'Invalid Form Body');
    const enforced = nonce !== undefined && body.enforce_nonce === true;
    const earlier = enforced ? this.nonces.get(nonce) : undefined;
    if (earlier && Date.now() - earlier.at < this.nonceWindowMs) {
      const first = this.messages.get(earlier.messageId);
      return first ? { status: 200, body: { ...first, nonce } } : apiError(404, 10008, 'Unknown Message');
    }
    const rejected = this.checkMessage('messages.post', c.body);
    if (rejected) return rejected;
    const created = this.createBotMessage(channel.id, body);
    if (enforced) this.nonces.set(nonce, { messageId: created.id, at: Date.now() });
    return { status: 200, body: { ...created, ...(nonce !== undefined ? { nonce } : {}) } };
  }

  /** GET /channels/{id}/messages: `after`, `before` and `limit` (1-100, default 50), newest first. */
  private listMessages(c: RouteContext): RouteResult {
    const channelId = c.params[0]!;
    if (!this.channels.has(channelId)) return apiError(404, 10003, 'Unknown Channel');
    const limit = Number(c.query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return apiError(400, 50035, 'Invalid Form Body');
    const after = c.query.get('after');
    const before = c.query.get('before');
    let found = this.messagesIn(channelId).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    if (after) found = found.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit);
    else {
      if (before) found = found.filter((m) => BigInt(m.id) < BigInt(before));
      found = found.slice(-limit);
    }
    const withThreads = found.map((m) => {
      const thread = this.threadOn(m.id);
      return thread ? { ...m, thread } : m;
    });
    return { status: 200, body: withThreads.reverse() };
  }

  private startThread(c: RouteContext): RouteResult {
    const [channelId, messageId] = c.params;
    const channel = this.channels.get(channelId!);
    if (!channel) return apiError(404, 10003, 'Unknown Channel');
    if (channel.type !== 0 && channel.type !== 5)
      return apiError(400, 50024, 'Cannot execute action on this channel type');
    const starter = this.messages.get(messageId!);
    if (!starter || starter.channel_id !== channelId) return apiError(404, 10008, 'Unknown Message');
    if (this.threadByMessage.has(messageId!)) {
      this.violate('threads.post', `a second thread was requested on message ${messageId}`);
      return apiError(400, 160004, 'A thread has already been created for this message');
    }
    if (starter.flags & 64) return apiError(400, 50083, 'Cannot start a thread on an ephemeral message');
    const body = (c.body ?? {}) as { name?: unknown; auto_archive_duration?: unknown };
    if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > LIMITS.threadName) {
      this.violate(
        'threads.post',
        `thread name must be 1-${LIMITS.threadName} characters: ${String(body.name)}`,
      );
      return apiError(400, 50035, 'Invalid Form Body');
    }
    const duration = Number(body.auto_archive_duration ?? 4320);
    if (![60, 1440, 4320, 10080].includes(duration)) {
      this.violate('threads.post', `auto_archive_duration ${duration} is not one of 60, 1440, 4320, 10080`);
    }
    const guildId = this.guildOf(channelId!);
    const thread = threadChannel(messageId!, guildId, channelId!, this.botUser.id, body.name, duration);
    this.channels.set(thread.id, thread);
    this.threadByMessage.set(messageId!, thread.id);
    starter.flags |= 32; // HAS_THREAD
    this.dispatchIf(INTENT.Guilds, 'THREAD_CREATE', { ...thread, newly_created: true }, guildId);
    return { status: 201, body: thread };
  }

  private changed(): void {
    this.emit('change');
  }
}

/** A registration body as Discord checks it. */
function validateCommand(command: unknown, at: string): string[] {
  const problems: string[] = [];
  if (typeof command !== 'object' || command === null) return [`${at}: not an object`];
  const c = command as Record<string, unknown>;
  const name = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
  if (typeof c.name !== 'string' || !name.test(c.name))
    problems.push(`${at}.name: invalid ${String(c.name)}`);
  if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) {
    problems.push(`${at}.description: must be 1-100 characters`);
  }
  const options = Array.isArray(c.options) ? (c.options as Record<string, unknown>[]) : [];
  if (options.length > 25) problems.push(`${at}.options: more than 25`);
  let optionalSeen = false;
  options.forEach((option, i) => {
    if (typeof option.name !== 'string' || !name.test(option.name))
      problems.push(`${at}.options[${i}].name: invalid`);
    if (
      typeof option.description !== 'string' ||
      option.description.length < 1 ||
      option.description.length > 100
    ) {
      problems.push(`${at}.options[${i}].description: must be 1-100 characters`);
    }
    if (option.required) {
      if (optionalSeen) problems.push(`${at}.options[${i}]: required option after an optional one`);
    } else optionalSeen = true;
  });
  return problems;
}
