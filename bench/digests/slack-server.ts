// A Slack Web API stand-in on 127.0.0.1 for the digests bench: `auth.test` and `chat.postMessage`, with
// Slack's posting limits enforced. A message is accepted only if its channel had none accepted in the last
// `perChannelMs` and the workspace budget (a token bucket: `workspaceBurst` tokens, refilled at
// `workspacePerSecond`) has a token left; otherwise it answers 429 with Retry-After in whole seconds, as
// Slack does. Every accepted message is recorded, so the bench can count what the platform would show.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RateLimits {
  /** Minimum gap between two accepted messages of one channel; 0 turns the rule off. */
  perChannelMs: number;
  /** Workspace-wide refill rate; Infinity turns the rule off. */
  workspacePerSecond: number;
  /** Workspace bucket size: how many may go at once after a quiet spell. */
  workspaceBurst: number;
  /**
   * Workspaces the channels are spread over, each with a budget of its own: channel `C<n>` is in
   * workspace n mod `workspaces` (as makeSubscriptions places them). Default 1.
   */
  workspaces?: number;
}

/** The workspace of a bench channel id `C<n>`. */
export function workspaceOf(channel: string, limits: RateLimits): number {
  return Number(channel.slice(1)) % (limits.workspaces ?? 1);
}

/** Slack's "1 per second per channel"; the workspace budget is the bench's choice. */
export const SLACK_LIKE: RateLimits = { perChannelMs: 1_000, workspacePerSecond: 20, workspaceBurst: 20 };
export const UNLIMITED: RateLimits = {
  perChannelMs: 0,
  workspacePerSecond: Number.POSITIVE_INFINITY,
  workspaceBurst: Number.POSITIVE_INFINITY,
};

export interface AcceptedMessage {
  channel: string;
  /** The header block's text (the reply title), else the fallback text. */
  title: string;
  ts: string;
  /** ms since the server started (performance.now() based). */
  at: number;
}

export interface Rejection {
  channel: string;
  rule: 'channel' | 'workspace';
  retryAfterS: number;
  at: number;
}

export const BOT_TOKEN = 'xoxb-bench-token';

export class RateLimitedSlack {
  readonly accepted: AcceptedMessage[] = [];
  readonly rejected: Rejection[] = [];
  /** Requests that were neither auth.test nor a well-formed chat.postMessage. */
  readonly malformed: string[] = [];
  private readonly lastAccepted = new Map<string, number>();
  /** Each workspace's token bucket. */
  private readonly buckets = new Map<number, { tokens: number; refilledAt: number }>();
  private readonly origin = performance.now();
  private url = '';
  private counter = 0;

  private constructor(
    private readonly server: Server,
    private readonly limits: RateLimits,
  ) {}

  static async start(limits: RateLimits): Promise<RateLimitedSlack> {
    const server = createServer();
    const slack = new RateLimitedSlack(server, limits);
    server.on('request', (req, res) => {
      slack.handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    slack.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    return slack;
  }

  /** What the Slack adapter takes as `apiUrl`. */
  get apiUrl(): string {
    return this.url;
  }

  /** ms on this server's clock (comparable with `accepted[].at`). */
  now(): number {
    return performance.now() - this.origin;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/^\/api\//, '');
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${BOT_TOKEN}`) return json(res, 200, { ok: false, error: 'invalid_auth' });
    if (method === 'auth.test') {
      return json(res, 200, {
        ok: true,
        team_id: 'TBENCH',
        user_id: 'UBOT',
        bot_id: 'BBOT',
        user: 'briefbot',
      });
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const channel = form.get('channel');
    if (method !== 'chat.postMessage' || !channel) {
      this.malformed.push(method);
      return json(res, 200, { ok: false, error: 'unknown_method' });
    }
    const now = this.now();
    const wait = this.waitFor(channel, now);
    if (wait) {
      const retryAfterS = Math.max(1, Math.ceil(wait.ms / 1000));
      this.rejected.push({ channel, rule: wait.rule, retryAfterS, at: now });
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(retryAfterS) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    this.lastAccepted.set(channel, now);
    this.bucket(channel, now).tokens -= 1;
    this.counter += 1;
    const ts = `${1_736_928_000 + this.counter}.${String(this.counter).padStart(6, '0')}`;
    this.accepted.push({ channel, title: titleOf(form), ts, at: now });
    json(res, 200, { ok: true, channel, ts, message: { type: 'message', ts, text: form.get('text') } });
  }

  /** How long this message must wait, and which rule holds it; undefined when it may go now. */
  private waitFor(channel: string, now: number): { ms: number; rule: Rejection['rule'] } | undefined {
    const last = this.lastAccepted.get(channel);
    if (last !== undefined && now - last < this.limits.perChannelMs) {
      return { ms: this.limits.perChannelMs - (now - last), rule: 'channel' };
    }
    const { workspacePerSecond: rate, workspaceBurst: burst } = this.limits;
    if (Number.isFinite(rate)) {
      const bucket = this.bucket(channel, now);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * rate);
      bucket.refilledAt = now;
      if (bucket.tokens < 1) return { ms: ((1 - bucket.tokens) / rate) * 1000, rule: 'workspace' };
    }
    return undefined;
  }

  private bucket(channel: string, now: number): { tokens: number; refilledAt: number } {
    const workspace = workspaceOf(channel, this.limits);
    let bucket = this.buckets.get(workspace);
    if (!bucket) {
      bucket = { tokens: this.limits.workspaceBurst, refilledAt: now };
      this.buckets.set(workspace, bucket);
    }
    return bucket;
  }
}

function titleOf(form: URLSearchParams): string {
  try {
    const blocks = JSON.parse(form.get('blocks') ?? '[]') as { type?: string; text?: { text?: string } }[];
    const header = blocks.find((block) => block.type === 'header')?.text?.text;
    if (header) return header;
  } catch {
    // fall through to the fallback text
  }
  return (form.get('text') ?? '').split('\n')[0] ?? '';
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * The least time the limits allow for delivering these messages (channel of each), counted from the
 * first acceptance: each channel's messages 1 gap apart, and the workspace's bucket drained then refilled.
 */
export function lowerBoundMs(channels: readonly string[], limits: RateLimits): number {
  const perChannel = new Map<string, number>();
  for (const channel of channels) perChannel.set(channel, (perChannel.get(channel) ?? 0) + 1);
  const busiest = Math.max(0, ...perChannel.values());
  const byChannel = Math.max(0, busiest - 1) * limits.perChannelMs;
  const perWorkspace = new Map<number, number>();
  for (const channel of channels) {
    const workspace = workspaceOf(channel, limits);
    perWorkspace.set(workspace, (perWorkspace.get(workspace) ?? 0) + 1);
  }
  const busiestWorkspace = Math.max(0, ...perWorkspace.values());
  const byWorkspace = Number.isFinite(limits.workspacePerSecond)
    ? (Math.max(0, busiestWorkspace - limits.workspaceBurst) / limits.workspacePerSecond) * 1000
    : 0;
  return Math.max(byChannel, byWorkspace);
}
