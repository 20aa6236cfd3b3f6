/**
 * Transport: sending rendered messages through the Web API client or a response_url. No rendering
 * and no decisions about what to send.
 */
import type { RespondFn, webApi } from '@slack/bolt';
import type { SlackMessage } from './types.js';

export type WebClient = webApi.WebClient;

/** The message metadata event type that names a digest run. */
export const DIGEST_EVENT_TYPE = 'briefbot_digest';

/** Message metadata: invisible in Slack, returned by conversations.history with `include_all_metadata`. */
export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, string>;
}

export function digestMetadata(runId: string): SlackMetadata {
  return { event_type: DIGEST_EVENT_TYPE, event_payload: { run_id: runId } };
}

/**
 * The blocks as the form field the Web API sends anyway: a JSON string. Given the array, the client
 * copies the whole block tree to redact it for a debug line it builds whatever the log level, then
 * serialises it; given the string it does neither.
 */
function blocksField(message: SlackMessage): SlackMessage['blocks'] {
  return (message.blocksJson ?? JSON.stringify(message.blocks)) as unknown as SlackMessage['blocks'];
}

/** Posts a message (in a thread when `threadTs` is set) and returns its ts. Throws on failure. */
export async function postMessage(
  client: WebClient,
  channel: string,
  message: SlackMessage,
  threadTs?: string,
  metadata?: SlackMetadata,
): Promise<string> {
  const result = await client.chat.postMessage({
    channel,
    text: message.text,
    blocks: blocksField(message),
    ...(threadTs ? { thread_ts: threadTs } : {}),
    ...(metadata ? { metadata } : {}),
    unfurl_links: false,
    unfurl_media: false,
  });
  if (!result.ts) throw new Error('chat.postMessage answered without a message ts');
  return result.ts;
}

/** Pages of channel history read before giving up on telling whether a digest is out. */
const HISTORY_PAGES = 10;
const HISTORY_PAGE_SIZE = 200;
/** Our clock and Slack's may differ: history is read from this long before the due time. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The ts of the message in `channel` whose metadata names digest `runId`, posted since `since`, if
 * any. Throws when Slack cannot say (an error, or more history than it reads): then the caller must
 * not post, since the digest may be out already.
 */
export async function findDigestMessage(
  client: WebClient,
  channel: string,
  runId: string,
  since: Date,
): Promise<string | undefined> {
  const oldest = ((since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page += 1) {
    const result = await client.conversations.history({
      channel,
      oldest,
      include_all_metadata: true,
      limit: HISTORY_PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    const hit = result.messages?.find(
      (message) =>
        message.metadata?.event_type === DIGEST_EVENT_TYPE &&
        (message.metadata.event_payload as Record<string, unknown> | undefined)?.run_id === runId,
    );
    if (hit?.ts) return hit.ts;
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!result.has_more || !cursor) return undefined;
  }
  throw new Error(
    `conversations.history: more than ${HISTORY_PAGES * HISTORY_PAGE_SIZE} messages in ${channel} since ${since.toISOString()}; cannot tell whether digest ${runId} is out`,
  );
}

export async function postEphemeral(
  client: WebClient,
  channel: string,
  user: string,
  message: SlackMessage,
  threadTs?: string,
): Promise<void> {
  await client.chat.postEphemeral({
    channel,
    user,
    text: message.text,
    blocks: blocksField(message),
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
}

/** Answers through the slash command's response_url (no bot membership needed). */
export async function respondWith(
  respond: RespondFn,
  message: SlackMessage,
  visibility: 'ephemeral' | 'in_channel',
): Promise<void> {
  await respond({ response_type: visibility, text: message.text, blocks: message.blocks });
}

interface CodedError {
  code?: string;
  message?: string;
  data?: { error?: string };
}

/** The Slack error code of a failed call (`not_in_channel`, ...), when Slack answered one. */
export function slackErrorCode(error: unknown): string | undefined {
  const coded = error as CodedError | undefined;
  return coded?.code === 'slack_webapi_platform_error' ? coded.data?.error : undefined;
}

/**
 * True when the failed call certainly posted nothing: Slack answered `ok: false`, an HTTP error or a
 * rate limit. Timeouts and dropped connections are not: the message may have landed, so sending it
 * again another way could show it twice.
 */
export function certainlyNotPosted(error: unknown): boolean {
  const coded = error as CodedError | undefined;
  if (coded?.code === 'slack_webapi_platform_error') return true;
  if (coded?.code === 'slack_webapi_http_error') return true;
  if (coded?.code === 'slack_webapi_rate_limited_error') return true;
  // What web-api throws when retries run out on a 429.
  return typeof coded?.message === 'string' && coded.message.startsWith('A rate limit was exceeded');
}

/** A short description of a failed call for the logs. */
export function describeError(error: unknown): string {
  const code = slackErrorCode(error);
  if (code) return code;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Seconds Slack asked to wait, when the error is a 429 the client handed back (`rejectRateLimitedCalls`). */
export function rateLimitedFor(error: unknown): number | undefined {
  const limited = error as { code?: string; retryAfter?: unknown } | undefined;
  if (limited?.code !== 'slack_webapi_rate_limited_error') return undefined;
  return typeof limited.retryAfter === 'number' && limited.retryAfter >= 0 ? limited.retryAfter : undefined;
}

export interface PacingOptions {
  /** Least gap between the end of one post to a channel and the next post there; default 1 s (Slack's limit). */
  perChannelMs?: number;
  /** Posts started per second across the workspace, at most 50 ms worth at once; default 20. */
  workspacePerSecond?: number;
  /** 429s in a row on one message before its post fails (certainly not posted); default 10. */
  maxRateLimited?: number;
  /** Told of each 429 waited out. */
  onRateLimited?: (channel: string, retryAfterS: number) => void;
}

/**
 * The workspace budget holds this long's worth of posts (at least one: at Slack's 20/s, posts stay
 * 50 ms apart). At the rates an instance reaches across many workspaces, a strict gap of a
 * millisecond or two was shorter than a busy event loop's turn: timers then let about one post out a
 * turn, a rate below the budget, and posts that lost the race slept again while newer ones went, so
 * some channels fell seconds behind.
 */
const WORKSPACE_BURST_MS = 50;

/** How long before a channel's turn `turnSoon` resolves: time to claim and compose one digest. */
const TURN_LEAD_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/**
 * The pacer's clock: monotonic and finer than a millisecond. Date.now() drops the fraction, and a gap
 * measured with it can come out up to 1 ms short of the one Slack measures.
 */
const now = () => performance.now();

/**
 * Paces posts the way Slack limits them, so a minute of digests goes out at the platform's rate
 * rather than into 429s and the client's exponential backoff: one post at a time per channel, at
 * least `perChannelMs` after the last one there ended, and a workspace-wide rate. A 429 is waited
 * out for exactly its Retry-After and the same message sent again: Slack posted nothing, so no
 * second copy can appear. Any other failure is passed on untouched.
 */
export class PostPacer {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly channelFree = new Map<string, number>();
  private readonly perChannelMs: number;
  /** The workspace budget: posts per ms, and at most `burst` of them at once. */
  private readonly perMs: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt = now();
  private readonly maxRateLimited: number;

  constructor(private readonly options: PacingOptions = {}) {
    this.perChannelMs = options.perChannelMs ?? 1_000;
    const perSecond = options.workspacePerSecond ?? 20;
    this.perMs = perSecond > 0 ? perSecond / 1_000 : Number.POSITIVE_INFINITY;
    this.burst = Math.max(1, this.perMs * WORKSPACE_BURST_MS);
    this.tokens = this.burst;
    this.maxRateLimited = options.maxRateLimited ?? 10;
  }

  /**
   * Resolves `leadMs` before the channel may post again (at once when it may now), so the caller can
   * make its next message just in time rather than hold it while the channel waits.
   */
  async turnSoon(channel: string, leadMs = TURN_LEAD_MS): Promise<void> {
    await this.tails.get(channel);
    const wait = this.freeAt(channel) - leadMs - now();
    if (wait > 0) await sleep(wait);
  }

  /** Runs `post` in its channel's turn; resolves or rejects as that post does. */
  run<T>(channel: string, post: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const result = previous.then(() => this.paced(channel, post));
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(channel, tail);
    void tail.then(() => {
      if (this.tails.get(channel) === tail) this.tails.delete(channel);
    });
    return result;
  }

  private async paced<T>(channel: string, post: () => Promise<T>): Promise<T> {
    for (let limited = 0; ; ) {
      await this.turn(channel);
      try {
        const posted = await post();
        this.channelFree.set(channel, now() + this.perChannelMs);
        return posted;
      } catch (error) {
        const retryAfterS = rateLimitedFor(error);
        if (retryAfterS === undefined || ++limited >= this.maxRateLimited) {
          this.channelFree.set(channel, now() + this.perChannelMs);
          throw error;
        }
        this.options.onRateLimited?.(channel, retryAfterS);
        this.channelFree.set(channel, now() + retryAfterS * 1_000);
      }
    }
  }

  /** Waits until the channel may post again, then takes the workspace's next free slot. */
  private async turn(channel: string): Promise<void> {
    // Timers count from the event loop's cached time, which lags a busy loop, so a sleep can end a few
    // ms before the instant it was for: checked again rather than trusted, or Slack answers 429.
    for (let wait = this.freeAt(channel) - now(); wait > 0; wait = this.freeAt(channel) - now()) {
      await sleep(wait);
    }
    // The slot is taken when the post really goes, not booked ahead, so posts whose timers fire late
    // together (a busy event loop) never exceed the budget's burst.
    for (let wait = this.workspaceWait(); wait > 0; wait = this.workspaceWait()) await sleep(wait);
    this.tokens -= 1;
    // Forgotten once it has passed, so channels posted to long ago cost nothing.
    if (this.freeAt(channel) <= now()) this.channelFree.delete(channel);
  }

  /** Refills the workspace budget to now; how long until it holds a post (0: now). */
  private workspaceWait(): number {
    if (this.perMs === Number.POSITIVE_INFINITY) return 0;
    const at = now();
    this.tokens = Math.min(this.burst, this.tokens + (at - this.refilledAt) * this.perMs);
    this.refilledAt = at;
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
  }

  /** When the channel may post again (on the pacer's clock); 0 when it may now. */
  private freeAt(channel: string): number {
    return this.channelFree.get(channel) ?? 0;
  }
}
