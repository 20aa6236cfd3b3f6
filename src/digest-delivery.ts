import { setImmediate } from 'node:timers/promises';
import type { Adapter } from './core/bot-api.js';
import type { DigestMark, PostedMessage } from './core/delivery.js';
import { DigestComposer, type DigestWindow, digestWindowStart } from './core/digests/compose.js';
import { localDate } from './core/digests/local-time.js';
import type { Logger } from './core/logger.js';
import type { Metrics } from './core/metrics.js';
import type { Platform } from './core/model.js';
import type { Store } from './core/store/store.js';
import type { DigestRunKey, Subscription } from './core/store/subscriptions.js';
import type { TopicCatalogue } from './core/topics.js';

export type Poster = Pick<Adapter, 'platform' | 'postToChannel' | 'channelTurn'>;

export interface RetryPolicy {
  /** Post attempts per digest, counted across instances, before it is marked failed. */
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export interface DeliveryOptions {
  store: Store;
  catalogue: TopicCatalogue;
  posters: readonly Poster[];
  logger: Logger;
  /** Claims, posts, failures and lateness are counted here when given. */
  metrics?: Metrics | undefined;
  /** Names this process in claims; two instances must differ. */
  instanceId: string;
  /** A digest found more than this long after it was due is skipped, not posted. */
  graceMs: number;
  clock: () => Date;
  /** How long a claim holds without renewal; renewed during posts, so only a dead owner lets it lapse. */
  leaseMs: number;
  /** Digests posted more than this long after they were due say they are late. */
  lateAfterMs: number;
  retry: RetryPolicy;
  /** Digests composed at once (default 4), so composing never starves the event loop of posts. */
  composeConcurrency?: number;
  /**
   * Digests between claim and posted at once, across channels (default 1,000). Within a channel they
   * go one at a time anyway (see `ChannelLanes`), so this only binds beyond that many channels.
   */
  maxInFlight?: number;
}

/**
 * Tasks with the same key run one after another in the order given; different keys side by side.
 * A digest waits here unclaimed and uncomposed until its channel is free: the platform paces posts per
 * channel anyway, so composing earlier would only hold the reply in memory, and a digest no instance
 * has claimed yet can still be taken by another that gets there first.
 */
export class ChannelLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Channels with a digest waiting or under way (for tests). */
  get busy(): number {
    return this.tails.size;
  }
}

/** At most `limit` tasks at once; the rest wait their turn in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Most tasks that ever ran at once (for tests). */
  peak = 0;

  /** Tasks waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  constructor(
    private readonly limit: number,
    /** Called whenever the last running task ends with none waiting. */
    private readonly onIdle: () => void = () => {},
  ) {
    if (!(limit >= 1)) throw new Error(`concurrency must be at least 1, not ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task, so `active` stays counted.
      if (next) next();
      else if (--this.active === 0) this.onIdle();
    }
  }
}

/** Where a subscription's digests go. */
export type DigestChannel = Pick<Subscription, 'platform' | 'channelId'>;

/**
 * What became of one attempt to deliver a subscription's digest. Only the instance whose claim
 * won composes and posts; everyone else gets `taken`.
 */
export type DeliveryOutcome =
  | 'posted'
  | 'quiet'
  | 'missed'
  | 'failed'
  | 'taken'
  | 'lost'
  | 'gone'
  | 'no-adapter'
  | 'stopped';

/** Claims, composes and posts one digest, with retries: the exactly-once path. */
export class DigestDelivery {
  private readonly posters: Map<Platform, Poster>;
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  private readonly composer: DigestComposer;
  /** Bounds compositions under way. */
  readonly composing: Limiter;
  /** Bounds digests between claim and posted. */
  readonly inFlight: Limiter;
  readonly lanes = new ChannelLanes();
  /** Deliveries started and not yet settled; when none is left the firing's shared compositions go. */
  private pending = 0;

  constructor(private readonly options: DeliveryOptions) {
    this.posters = new Map(options.posters.map((poster) => [poster.platform, poster]));
    this.composer = new DigestComposer(options);
    this.composing = new Limiter(options.composeConcurrency ?? 4);
    this.inFlight = new Limiter(options.maxInFlight ?? 1_000);
  }

  /** How many digests were composed rather than shared with another subscription of the same firing. */
  get compositions(): number {
    return this.composer.composed;
  }

  canPost(platform: Platform): boolean {
    return this.posters.has(platform);
  }

  /** Posts under way (between an attempt's start and its answer): a stop must not hand these back. */
  posting = 0;

  /**
   * Stops posting: runs not yet posting, or waiting to retry, hand their claim back for another
   * instance or the next start; posts under way go on.
   */
  stop(): void {
    this.stopping = true;
    for (const wake of this.wakers) wake();
  }

  /**
   * The digest of `subscriptionId` that was due at `due`; `channel` saves reading the subscription
   * before it joins its channel's lane, when the caller knows it. Never throws: failures are logged.
   */
  async deliver(subscriptionId: string, due: Date, channel?: DigestChannel): Promise<DeliveryOutcome> {
    this.pending += 1;
    try {
      return await this.tryDeliver(subscriptionId, due, channel);
    } catch (error) {
      // The claim, if any, stays until its lease ends; then the sweep or a restart takes it over.
      this.options.logger.error('digest delivery failed', { subscriptionId, due: due.toISOString(), error });
      return 'failed';
    } finally {
      if (--this.pending === 0) this.composer.clear();
    }
  }

  private async tryDeliver(
    subscriptionId: string,
    due: Date,
    channel?: DigestChannel,
  ): Promise<DeliveryOutcome> {
    const found = channel ?? (await this.options.store.getSubscription(subscriptionId));
    if (!found) return 'gone';
    const poster = this.posters.get(found.platform);
    if (!poster) return 'no-adapter';
    // Claimed, composed and posted in the channel's turn: a stream, not every digest at once.
    return this.lanes.run(`${found.platform}:${found.channelId}`, async () => {
      // Not claimed nor composed while the platform would hold the post: another instance may take it
      // meanwhile, and this one holds no reply that only waits.
      await poster.channelTurn?.(found.channelId);
      // Left unclaimed by a stopping instance: any other takes it, or this one's catch-up at start.
      if (this.stopping) return 'stopped';
      return this.inFlight.run(async () => {
        // It may have changed or gone while it waited for its turn.
        const subscription = await this.options.store.getSubscription(subscriptionId);
        return subscription ? this.claimAndPost(subscription, due, poster) : 'gone';
      });
    });
  }

  private async claimAndPost(
    subscription: Subscription,
    due: Date,
    poster: Poster,
  ): Promise<DeliveryOutcome> {
    const { store, logger, clock, instanceId: owner } = this.options;
    const subscriptionId = subscription.id;
    const key: DigestRunKey = { subscriptionId, periodKey: localDate(due, subscription.timezone) };
    const now = clock();
    const claim = { ...key, owner, now: now.toISOString(), leaseUntil: this.leaseFrom(now) };
    const run = (await store.claimDigestRun(claim)) ?? (await store.reclaimDigestRun(claim));
    if (!run) return 'taken';
    this.options.metrics?.digestClaimed(subscription.platform);
    const log = { ...key, channelId: subscription.channelId, platform: subscription.platform };

    const lateBy = now.getTime() - due.getTime();
    // The grace is for late runs only: one on time (within lateAfterMs) is never missed, whatever it is.
    if (lateBy > Math.max(this.options.graceMs, this.options.lateAfterMs)) {
      const error = `missed: due ${due.toISOString()}, found ${Math.round(lateBy / 60_000)} min later, beyond DIGEST_GRACE`;
      await store.finishDigestRun(key, owner, { status: 'skipped', finishedAt: now.toISOString(), error });
      logger.warn('digest skipped: missed beyond the grace period', { ...log, error });
      return 'missed';
    }
    const late = lateBy > this.options.lateAfterMs;
    // An on-time digest ends where it was due, so every subscription of one firing has the same window
    // and those on the same topics share one composition; items that arrive after it wait for the
    // next digest, which starts there. A late one takes in everything up to now.
    const end = late || due.getTime() > now.getTime() ? now : due;
    const since = await digestWindowStart(store, subscription, end);
    const until = since > end.toISOString() ? now.toISOString() : end.toISOString();
    const window: DigestWindow = { since, until, ...(late ? { lateFor: due.toISOString() } : {}) };
    const composed = await this.composing.run(async () => {
      // The store answers at once, so compositions handed on from one to the next would all run in
      // one turn of the event loop, and a minute's first wave (one per channel) would be composed
      // before the first post could leave. When others wait, each waits for a turn of its own.
      if (this.composing.queued > 0) await setImmediate();
      return this.composer.compose(subscription, window);
    });
    if (!composed) {
      const outcome = {
        status: 'skipped' as const,
        finishedAt: now.toISOString(),
        windowEnd: until,
        error: 'quiet: nothing new',
      };
      await store.finishDigestRun(key, owner, outcome);
      logger.info('digest skipped: quiet and nothing new', log);
      return 'quiet';
    }
    const runId = `${key.subscriptionId}/${key.periodKey}`;
    const posted = await this.postWithRetries(subscription, key, (attempt) => {
      // Any attempt before this one may have reached the platform before its instance died.
      const mark: DigestMark = { runId, due, lookFirst: attempt > 1 };
      return poster.postToChannel(subscription.channelId, composed.reply, mark);
    });
    if (typeof posted === 'string') return posted;
    // What the channel was shown, so its next digest repeats only what is new (issue 16). A failure
    // here costs a repeat in the next digest, never this post: it is logged, not retried.
    await store
      .recordStoryViews(
        subscription.platform,
        subscription.channelId,
        composed.versions,
        clock().toISOString(),
      )
      .then(() => this.composer.shown(subscription.platform, subscription.channelId, composed.versions))
      .catch((error: unknown) =>
        logger.warn('could not record the stories a digest showed', { ...log, error }),
      );
    const finished = await store.finishDigestRun(key, owner, {
      status: 'posted',
      finishedAt: clock().toISOString(),
      windowEnd: until,
      messageRef: posted.threadId,
    });
    // Only if this instance stalled past its lease; the other owner looks on the platform first.
    if (!finished) logger.warn('digest posted after its claim was taken over', log);
    if (posted.alreadyPosted) {
      logger.info('digest found already posted by an earlier attempt: recorded, not posted again', {
        ...log,
        threadId: posted.threadId,
      });
      return 'posted';
    }
    logger.info('digest posted', { ...log, late: Boolean(window.lateFor), threadId: posted.threadId });
    this.options.metrics?.digestPosted(
      subscription.platform,
      Math.max(0, clock().getTime() - due.getTime()) / 1000,
    );
    return 'posted';
  }

  private async postWithRetries(
    subscription: Subscription,
    key: DigestRunKey,
    post: (attempt: number) => Promise<PostedMessage>,
  ): Promise<PostedMessage | DeliveryOutcome> {
    const { store, logger, clock, instanceId: owner, retry } = this.options;
    const log = { ...key, channelId: subscription.channelId, platform: subscription.platform };
    for (;;) {
      if (this.stopping) return this.handBack(key);
      const attempt = await store.startDigestAttempt(key, owner, this.leaseFrom(clock()));
      if (attempt === undefined) {
        logger.warn('digest claim lost before posting', log);
        return 'lost';
      }
      // Checked again after the await: once `posting` counts this post, a stop leaves its claim alone.
      if (this.stopping) return this.handBack(key);
      let error: unknown;
      if (attempt <= retry.attempts) {
        this.posting += 1;
        try {
          return await this.renewingLease(key, () => post(attempt));
        } catch (caught) {
          error = caught;
        } finally {
          this.posting -= 1;
        }
      }
      if (attempt >= retry.attempts) {
        const message = error instanceof Error ? error.message : String(error ?? 'no attempts left');
        await store.finishDigestRun(key, owner, {
          status: 'failed',
          finishedAt: clock().toISOString(),
          error: `after ${Math.min(attempt, retry.attempts)} attempts: ${message}`,
        });
        logger.error('digest failed', { ...log, attempts: attempt, error });
        this.options.metrics?.digestFailed(subscription.platform);
        return 'failed';
      }
      const delayMs = Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** (attempt - 1));
      logger.warn('digest post failed; retrying', { ...log, attempt, delayMs, error });
      await this.sleep(delayMs);
    }
  }

  /** Hands the claim back at once rather than make the next instance wait out the lease. */
  private async handBack(key: DigestRunKey): Promise<DeliveryOutcome> {
    await this.options.store.extendDigestLease(
      key,
      this.options.instanceId,
      this.options.clock().toISOString(),
    );
    return 'stopped';
  }

  /** Runs a post while renewing the claim, so a slow (rate-limited) post is not taken for a dead one. */
  private async renewingLease<T>(key: DigestRunKey, work: () => Promise<T>): Promise<T> {
    const { store, clock, instanceId, leaseMs, logger } = this.options;
    const timer = setInterval(() => {
      store.extendDigestLease(key, instanceId, this.leaseFrom(clock())).catch((error: unknown) => {
        logger.warn('could not renew a digest claim', { ...key, error });
      });
    }, leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private leaseFrom(now: Date): string {
    return new Date(now.getTime() + this.options.leaseMs).toISOString();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
