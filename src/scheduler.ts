import cron from 'node-cron';
import { localDate, previousOccurrence, zonedInstant } from './core/digests/local-time.js';
import type { SubscriptionChanges } from './core/digests/subscription-changes.js';
import type { Logger } from './core/logger.js';
import type { Metrics } from './core/metrics.js';
import type { Store } from './core/store/store.js';
import type { Subscription } from './core/store/subscriptions.js';
import type { TopicCatalogue } from './core/topics.js';
import {
  type DeliveryOutcome,
  type DigestChannel,
  DigestDelivery,
  type Poster,
  type RetryPolicy,
} from './digest-delivery.js';

/** A running cron job; `stop` ends it for good. */
export interface CronJob {
  stop(): void;
}

/** Makes a job that calls `onTick` whenever `expression` matches the wall clock in `timezone`. */
export type CronFactory = (
  expression: string,
  timezone: string,
  onTick: () => void,
  logger: Logger,
) => CronJob;

/** node-cron, told to run a tick up to a minute late rather than drop it when the process is busy. */
export const nodeCronFactory: CronFactory = (expression, timezone, onTick, logger) => {
  const task = cron.schedule(expression, () => onTick(), {
    timezone,
    missedExecutionTolerance: 60_000,
    logger: {
      debug: (message) => logger.debug(String(message)),
      info: (message) => logger.debug(String(message)),
      warn: (message) => logger.warn(`node-cron: ${message}`),
      error: (message, error) => logger.error(`node-cron: ${String(message)}`, { error }),
    },
  });
  return { stop: () => void task.destroy() };
};

export interface SchedulerOptions {
  store: Store;
  catalogue: TopicCatalogue;
  /** The adapters: a subscription is served only by an instance that has its platform. */
  posters: readonly Poster[];
  logger: Logger;
  /** Digest claims, posts, failures and lateness are counted here when given. */
  metrics?: Metrics | undefined;
  instanceId: string;
  /** DIGEST_GRACE: how late a missed digest may still be posted at start-up. */
  graceMs: number;
  clock?: () => Date;
  cron?: CronFactory;
  leaseMs?: number;
  lateAfterMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Digests composed at once when many are due together (default 4); each is posted once composed. */
  composeConcurrency?: number;
  /**
   * How long `stop` waits for posts under way (default 10 s) before it gives up on them, so a stop
   * never waits out a platform client's own retries. Their claims stay: this instance's next start,
   * or another instance after the lease, looks on the platform before posting again.
   */
  stopWaitMs?: number;
}

/** Every minute: take over claims of dead instances, and pick up subscriptions other instances changed. */
const SWEEP = '* * * * *';

/**
 * One node-cron job per subscription, in its time zone; each tick delivers that day's digest
 * through DigestDelivery, whose claim in the store keeps it exactly-once across instances.
 */
export class Scheduler implements SubscriptionChanges {
  private readonly jobs = new Map<string, { spec: string; job: CronJob; channel: DigestChannel }>();
  private readonly running = new Map<string, Promise<DeliveryOutcome>>();
  private readonly delivery: DigestDelivery;
  private readonly clock: () => Date;
  private readonly cron: CronFactory;
  /** Catch-up and sweeps under way, so `idle` and `stop` can wait for them. */
  private readonly background = new Set<Promise<void>>();
  private sweepJob: CronJob | undefined;
  private sweeping = false;
  private started = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.cron = options.cron ?? nodeCronFactory;
    this.delivery = new DigestDelivery({
      ...options,
      clock: this.clock,
      leaseMs: options.leaseMs ?? 5 * 60_000,
      lateAfterMs: options.lateAfterMs ?? 5 * 60_000,
      retry: { attempts: 5, firstDelayMs: 2_000, maxDelayMs: 60_000, ...options.retry },
    });
  }

  /**
   * Schedules every subscription and starts catching up on digests missed while no instance ran;
   * resolves once the jobs are set, without waiting for catch-up posts (`idle` does).
   */
  async start(): Promise<void> {
    this.started = true;
    const subscriptions = await this.reconcile();
    this.sweepJob = this.cron(SWEEP, 'UTC', () => this.inBackground(() => this.sweep()), this.options.logger);
    this.options.logger.info('digest scheduler started', {
      subscriptions: this.jobs.size,
      instanceId: this.options.instanceId,
    });
    this.inBackground(() => this.catchUp(subscriptions));
  }

  /**
   * Ends every job. Runs not yet posting, and those waiting to retry, hand their claim back; posts
   * under way get `stopWaitMs` to finish. With none left posting, every claim of this instance is
   * released, so another instance takes them over at its next sweep instead of after the lease.
   */
  async stop(): Promise<void> {
    this.started = false;
    this.sweepJob?.stop();
    for (const { job } of this.jobs.values()) job.stop();
    this.jobs.clear();
    this.delivery.stop();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.stopWaitMs ?? 10_000);
    });
    const settled = await Promise.race([this.idle().then(() => true), waited]);
    clearTimeout(timer);
    const { store, logger, instanceId } = this.options;
    if (!settled)
      logger.warn('stopping without waiting for digest posts still under way', {
        posting: this.delivery.posting,
      });
    if (this.delivery.posting > 0) return;
    const released = await store.releaseDigestClaims(instanceId, this.clock().toISOString());
    if (released > 0) logger.info('digest claims released for other instances', { released, instanceId });
  }

  /** Settles once no delivery is under way (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.background.size > 0) {
      await Promise.allSettled([...this.running.values(), ...this.background]);
    }
  }

  private inBackground(work: () => Promise<void>): void {
    const task = work()
      .catch((error: unknown) => this.options.logger.error('digest scheduler task failed', { error }))
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  /** How many jobs are scheduled (for tests and the start-up log). */
  get jobCount(): number {
    return this.jobs.size;
  }

  saved(subscription: Subscription): void {
    if (this.started) this.schedule(subscription);
  }

  removed(subscriptionId: string): void {
    this.jobs.get(subscriptionId)?.job.stop();
    this.jobs.delete(subscriptionId);
  }

  /**
   * Delivers the digest due at `due`. A second call for the same digest while one is under way here
   * shares it; across instances the store's claim decides.
   */
  runDue(subscriptionId: string, due: Date, timezone: string): Promise<DeliveryOutcome> {
    const key = `${subscriptionId}|${localDate(due, timezone)}`;
    const current = this.running.get(key);
    if (current) return current;
    const run = this.delivery
      .deliver(subscriptionId, due, this.jobs.get(subscriptionId)?.channel)
      .finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private schedule(subscription: Subscription): void {
    if (!this.delivery.canPost(subscription.platform)) return;
    const spec = `${subscription.time} ${subscription.timezone}`;
    const existing = this.jobs.get(subscription.id);
    if (existing?.spec === spec) return;
    existing?.job.stop();
    const [hour, minute] = subscription.time.split(':').map(Number);
    const { id, time, timezone } = subscription;
    const job = this.cron(
      `${minute} ${hour} * * *`,
      timezone,
      () => void this.runDue(id, previousOccurrence(time, timezone, this.clock()), timezone),
      this.options.logger,
    );
    this.jobs.set(id, {
      spec,
      job,
      channel: { platform: subscription.platform, channelId: subscription.channelId },
    });
  }

  /** Makes the jobs match the store: added, changed and removed subscriptions, whoever changed them. */
  private async reconcile(): Promise<Subscription[]> {
    const subscriptions = (await this.options.store.listSubscriptions()).filter((s) =>
      this.delivery.canPost(s.platform),
    );
    const ids = new Set(subscriptions.map((subscription) => subscription.id));
    for (const id of this.jobs.keys()) if (!ids.has(id)) this.removed(id);
    for (const subscription of subscriptions) this.schedule(subscription);
    return subscriptions;
  }

  /**
   * At start-up: each subscription's latest due digest that no instance finished is delivered now
   * (marked late), or skipped and logged when older than the grace period.
   */
  private async catchUp(subscriptions: Subscription[]): Promise<void> {
    const now = this.clock();
    const runs: Promise<DeliveryOutcome>[] = [];
    for (const subscription of subscriptions) {
      const due = previousOccurrence(subscription.time, subscription.timezone, now);
      if (due.toISOString() < subscription.createdAt) continue;
      const key = { subscriptionId: subscription.id, periodKey: localDate(due, subscription.timezone) };
      const run = await this.options.store.getDigestRun(key);
      if (run && run.status !== 'claimed') continue;
      runs.push(this.runDue(subscription.id, due, subscription.timezone));
    }
    await Promise.all(runs);
    await this.takeOverExpiredClaims();
  }

  private async sweep(): Promise<void> {
    // A sweep slower than a minute (a platform outage) must not pile up behind itself.
    if (this.sweeping || !this.started) return;
    this.sweeping = true;
    try {
      await this.reconcile();
      await this.takeOverExpiredClaims();
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Claims whose owner died mid-delivery, and this instance's own from before a restart: delivered
   * now if still within grace (looked for on the platform first), else skipped.
   */
  private async takeOverExpiredClaims(): Promise<void> {
    const { store, instanceId } = this.options;
    const expired = await store.listExpiredDigestClaims(this.clock().toISOString(), instanceId);
    const runs: Promise<DeliveryOutcome>[] = [];
    for (const run of expired) {
      const subscription = await store.getSubscription(run.subscriptionId);
      if (!subscription || !this.delivery.canPost(subscription.platform)) continue;
      const due = zonedInstant(run.periodKey, subscription.time, subscription.timezone);
      if (due) runs.push(this.runDue(subscription.id, due, subscription.timezone));
    }
    await Promise.all(runs);
  }
}
