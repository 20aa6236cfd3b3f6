/**
 * A Slack Web API emulator on 127.0.0.1: `auth.test`, `chat.postMessage`, `chat.postEphemeral`,
 * `conversations.info`, `conversations.history`, `apps.connections.open` plus its Socket Mode
 * WebSocket, and response_url endpoints. It records every call, can answer 429 (with Retry-After),
 * 500 or a Slack error for the next N calls of a method, can hold the answer to a call (after
 * accepting it or not) until the test lets it go, and checks every message it receives against
 * Block Kit's limits. Posted messages are kept per channel with their metadata, as Slack keeps them.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { type WebSocket, WebSocketServer } from 'ws';
import { validateMessage } from './blockkit.js';

export type Fault =
  | { status: 429; retryAfter: number }
  | { status: 500 }
  | { status: 404 }
  /** HTTP 200 with `{ ok: false, error }`. */
  | { error: string };

export interface RecordedCall {
  /** Web API method (`chat.postMessage`) or `response_url`. */
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** ms since the emulator started. */
  at: number;
  status: number;
  response: unknown;
  violations: string[];
}

/** A message as conversations.history returns it. */
export interface StoredMessage {
  type: 'message';
  user: string;
  bot_id: string;
  text: unknown;
  blocks: unknown;
  ts: string;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: unknown };
}

/** A call whose answer is held: `accepted` when Slack did what it asked before the answer. */
export interface HeldCall {
  call: RecordedCall;
  /** Sends the held answer (if the client is still there); a dropped call gets a 500. */
  release(): void;
}

export interface EnvelopeAck {
  envelope_id: string;
  payload?: unknown;
  elapsedMs: number;
}

export interface EmulatorOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

/** Fields sent JSON-encoded inside form bodies by @slack/web-api. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata']);
const MAX_RESPONSE_URL_USES = 5;

export class SlackEmulator {
  readonly calls: RecordedCall[] = [];
  readonly acks: EnvelopeAck[] = [];
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Channels the bot is not a member of: chat.postMessage answers not_in_channel. */
  readonly notMemberOf = new Set<string>();
  /** Every message posted to a channel or thread, oldest first. */
  readonly channelMessages = new Map<string, StoredMessage[]>();
  /** Calls whose answer is held, in arrival order. */
  readonly held: HeldCall[] = [];
  private readonly holds = new Map<string, ('accept' | 'drop')[]>();

  private readonly faults = new Map<string, Fault[]>();
  private readonly responseUrlUses = new Map<string, number>();
  private readonly sockets = new Set<WebSocket>();
  private readonly pendingAcks = new Map<string, (ack: { envelope_id: string; payload?: unknown }) => void>();
  private readonly listeners = new Set<() => void>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly started = performance.now();
  private tsCounter = 0;
  private ticket = 0;
  private baseUrl = '';

  private constructor(
    private readonly server: Server,
    options: EmulatorOptions,
  ) {
    this.botToken = options.botToken ?? 'xoxb-emulated-bot-token';
    this.appToken = options.appToken ?? 'xapp-emulated-app-token';
    this.teamId = options.teamId ?? 'T0EMU';
    this.botUserId = options.botUserId ?? 'U0BOT';
    this.botId = options.botId ?? 'B0BOT';
  }

  static async start(options: EmulatorOptions = {}): Promise<SlackEmulator> {
    const server = createServer();
    const emulator = new SlackEmulator(server, options);
    server.on('request', (req, res) => {
      emulator.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    server.on('upgrade', (req, socket, head) => emulator.upgrade(req, socket, head));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    emulator.baseUrl = `http://127.0.0.1:${port}`;
    return emulator;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** What to give the Web API client as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A fresh response_url, as Slack includes in each slash command. */
  responseUrl(): string {
    return `${this.baseUrl}/response/${randomUUID()}`;
  }

  /** The next `times` calls of `method` (or `response_url`) get `fault` instead of an answer. */
  failNext(method: string, fault: Fault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.faults.set(method, queue);
  }

  /**
   * The next call of `method` gets no answer until its `HeldCall.release()`: with 'accept' Slack has
   * done what it asked (a message is posted and in the history), with 'drop' it has not.
   */
  holdNext(method: string, outcome: 'accept' | 'drop'): void {
    const queue = this.holds.get(method) ?? [];
    queue.push(outcome);
    this.holds.set(method, queue);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Messages that Slack accepted and would show: chat.postMessage answered ok. */
  posted(): RecordedCall[] {
    return this.calls.filter(
      (call) => call.method === 'chat.postMessage' && call.status === 200 && isOk(call.response),
    );
  }

  /** Every Block Kit rule broken by anything received so far. */
  violations(): { method: string; problems: string[] }[] {
    return this.calls
      .filter((call) => call.violations.length > 0)
      .map((call) => ({ method: call.method, problems: call.violations }));
  }

  /** Resolves with the predicate's first truthy answer, re-checked after every call received. */
  waitFor<T>(predicate: (emulator: SlackEmulator) => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = predicate(this);
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.calls.map((call) => `${call.method}:${call.status}`).join(', ');
        reject(
          new Error(`emulator: condition not met within ${timeoutMs} ms; calls so far: ${seen || 'none'}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = () => {
        check();
      };
      this.listeners.add(listener);
      check();
    });
  }

  /* ----------------------------- Socket Mode ----------------------------- */

  get socketCount(): number {
    return this.sockets.size;
  }

  /**
   * Sends an envelope over the Socket Mode connection and waits for the app to acknowledge its
   * envelope_id; like Slack, gives up after 3 s.
   */
  async sendEnvelope(
    type: 'slash_commands' | 'events_api' | 'interactive',
    payload: unknown,
    options: { retryAttempt?: number } = {},
  ): Promise<EnvelopeAck> {
    const socket = [...this.sockets][0];
    if (!socket) throw new Error('emulator: no Socket Mode connection');
    const envelopeId = randomUUID();
    const started = performance.now();
    const acked = new Promise<{ envelope_id: string; payload?: unknown }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(new Error(`emulator: envelope ${envelopeId} not acknowledged within 3 s`));
      }, 3_000);
      this.pendingAcks.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(options.retryAttempt ? { retry_attempt: options.retryAttempt, retry_reason: 'timeout' } : {}),
      }),
    );
    const ack = await acked;
    const result = { ...ack, elapsedMs: performance.now() - started };
    this.acks.push(result);
    return result;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /* ------------------------------- internals ------------------------------ */

  private upgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    if (path !== '/link/') {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        let message: { envelope_id?: string; payload?: unknown };
        try {
          message = JSON.parse(String(data)) as typeof message;
        } catch {
          return;
        }
        if (message.envelope_id)
          this.pendingAcks.get(message.envelope_id)?.({ ...message, envelope_id: message.envelope_id });
        if (message.envelope_id) this.pendingAcks.delete(message.envelope_id);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.sockets.size,
          debug_info: { host: 'emulator', build_number: 1, approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0EMU' },
        }),
      );
      this.notify();
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const body = parseBody(raw, contentType);

    let method: string;
    if (url.pathname.startsWith('/api/')) method = url.pathname.slice('/api/'.length);
    else if (url.pathname.startsWith('/response/')) method = 'response_url';
    else {
      res.writeHead(404).end('not found');
      return;
    }

    const call: RecordedCall = {
      method,
      path: url.pathname,
      headers: req.headers,
      body,
      at: performance.now() - this.started,
      status: 200,
      response: undefined,
      violations: [],
    };
    this.calls.push(call);
    try {
      const fault = this.faults.get(method)?.shift();
      if (fault) {
        this.answerFault(res, call, fault);
        return;
      }
      const hold = this.holds.get(method)?.shift();
      if (hold) {
        // Answered into a buffer and sent only on release, so the client waits as on a hung server.
        const parked = new HeldResponse();
        if (hold === 'accept') this.answerWebApi(parked.asResponse(), call);
        else this.answerFault(parked.asResponse(), call, { status: 500 });
        this.held.push({ call, release: () => parked.sendTo(res) });
        return;
      }
      if (method === 'response_url') this.answerResponseUrl(res, call, url.pathname);
      else this.answerWebApi(res, call);
    } finally {
      this.notify();
    }
  }

  private answerFault(res: ServerResponse, call: RecordedCall, fault: Fault): void {
    if ('error' in fault) {
      this.json(res, call, 200, { ok: false, error: fault.error });
    } else if (fault.status === 429) {
      call.status = 429;
      call.response = { ok: false, error: 'ratelimited' };
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(fault.retryAfter) });
      res.end(JSON.stringify(call.response));
    } else {
      call.status = fault.status;
      call.response = fault.status === 404 ? 'expired_url' : 'Internal Server Error';
      res.writeHead(fault.status, { 'Content-Type': 'text/plain' }).end(String(call.response));
    }
  }

  private answerResponseUrl(res: ServerResponse, call: RecordedCall, path: string): void {
    const uses = (this.responseUrlUses.get(path) ?? 0) + 1;
    this.responseUrlUses.set(path, uses);
    if (uses > MAX_RESPONSE_URL_USES) {
      call.status = 404;
      call.response = 'used_url';
      res.writeHead(404).end('used_url');
      return;
    }
    call.violations = validateMessage(call.body);
    if (call.violations.length > 0) {
      call.status = 400;
      call.response = 'invalid_blocks';
      res.writeHead(400).end('invalid_blocks');
      return;
    }
    call.response = 'ok';
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  }

  private answerWebApi(res: ServerResponse, call: RecordedCall): void {
    this.json(res, call, 200, this.webApiResult(call));
  }

  private webApiResult(call: RecordedCall): Record<string, unknown> {
    const auth = String(call.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : String(call.body.token ?? '');
    const body = call.body;
    const channel = typeof body.channel === 'string' ? body.channel : '';

    if (call.method === 'apps.connections.open') {
      if (token !== this.appToken) {
        return { ok: false, error: token.startsWith('xoxb-') ? 'not_allowed_token_type' : 'invalid_auth' };
      }
      this.ticket += 1;
      return {
        ok: true,
        url: `${this.baseUrl.replace(/^http/, 'ws')}/link/?ticket=${this.ticket}&app_id=A0EMU`,
      };
    }
    if (token !== this.botToken) return { ok: false, error: 'invalid_auth' };
    switch (call.method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://emulated.slack.test/',
          team: 'Emulated',
          user: 'briefbot',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        call.violations = validateMessage(body);
        if (call.violations.length > 0) return { ok: false, error: 'invalid_blocks' };
        if (this.notMemberOf.has(channel)) return { ok: false, error: 'not_in_channel' };
        const ts = this.nextTs();
        const metadata = body.metadata as StoredMessage['metadata'] | undefined;
        const message: StoredMessage = {
          type: 'message',
          user: this.botUserId,
          bot_id: this.botId,
          text: body.text,
          blocks: body.blocks,
          ts,
          ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}),
          ...(metadata ? { metadata } : {}),
        };
        const stored = this.channelMessages.get(channel) ?? [];
        stored.push(message);
        this.channelMessages.set(channel, stored);
        return { ok: true, channel, ts, message };
      }
      case 'conversations.history':
        return this.history(channel, body);
      case 'chat.postEphemeral':
        call.violations = validateMessage(body);
        if (call.violations.length > 0) return { ok: false, error: 'invalid_blocks' };
        return { ok: true, message_ts: this.nextTs() };
      case 'conversations.info':
        return {
          ok: true,
          channel: {
            id: channel,
            name: `channel-${channel.toLowerCase()}`,
            is_channel: true,
            is_member: !this.notMemberOf.has(channel),
          },
        };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * Newest first, top-level messages only (thread replies are conversations.replies'), after
   * `oldest`; metadata only with `include_all_metadata`; paged by `limit` and an opaque cursor.
   */
  private history(channel: string, body: Record<string, unknown>): Record<string, unknown> {
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (this.notMemberOf.has(channel)) return { ok: false, error: 'not_in_channel' };
    const oldest = Number(body.oldest ?? 0);
    const limit = Math.min(Math.max(Number(body.limit ?? 100), 1), 999);
    const offset = body.cursor ? Number(Buffer.from(String(body.cursor), 'base64').toString()) : 0;
    const withMetadata = body.include_all_metadata === true || body.include_all_metadata === 'true';
    const all = (this.channelMessages.get(channel) ?? [])
      .filter((m) => (m.thread_ts === undefined || m.thread_ts === m.ts) && Number(m.ts) > oldest)
      .reverse();
    const page = all.slice(offset, offset + limit).map(({ metadata, ...m }) => ({
      ...m,
      ...(withMetadata && metadata ? { metadata } : {}),
    }));
    const more = offset + limit < all.length;
    return {
      ok: true,
      messages: page,
      has_more: more,
      response_metadata: { next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64') : '' },
    };
  }

  private json(res: ServerResponse, call: RecordedCall, status: number, payload: unknown): void {
    call.status = status;
    call.response = payload;
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(payload));
  }

  private nextTs(): string {
    this.tsCounter += 1;
    // Like Slack's: the posting time in seconds, unique and increasing within it.
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }
}

/** Takes the one writeHead + end an answer makes, and plays it to the real response later. */
class HeldResponse {
  private status = 200;
  private headers: Record<string, string> = {};
  private body = '';

  asResponse(): ServerResponse {
    const fake = {
      writeHead: (status: number, headers?: Record<string, string>) => {
        this.status = status;
        this.headers = headers ?? {};
        return fake;
      },
      end: (body?: string) => {
        this.body = body ?? '';
        return fake;
      },
    };
    return fake as unknown as ServerResponse;
  }

  sendTo(res: ServerResponse): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(this.status, this.headers).end(this.body);
  }
}

function isOk(response: unknown): boolean {
  return typeof response === 'object' && response !== null && (response as { ok?: unknown }).ok === true;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.startsWith('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { _unparsed: raw };
    }
  }
  const form = parseQuery(raw);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const single = Array.isArray(value) ? value[0] : value;
    if (JSON_FIELDS.has(key) && typeof single === 'string') {
      try {
        body[key] = JSON.parse(single);
        continue;
      } catch {
        // keep the raw string: validation will flag it
      }
    }
    body[key] = single;
  }
  return body;
}
