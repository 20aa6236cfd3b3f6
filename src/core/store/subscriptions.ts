import type { Platform } from '../model.js';

/** A channel's standing order for a daily digest. */
export interface Subscription {
  id: string;
  platform: Platform;
  workspaceId?: string;
  channelId: string;
  /** Topic slugs from the catalogue, in the order the user gave them. */
  topics: string[];
  /** Local time of day, HH:MM (24-hour). */
  time: string;
  /** Canonical IANA zone, e.g. Europe/London. */
  timezone: string;
  /** Post nothing rather than a "no new developments" line. */
  quiet: boolean;
  createdBy: string;
  createdAt: string;
}

/** What saving a subscription did: stored it (created or updated), or refused it for a full channel. */
export type SavedSubscription =
  | { subscription: Subscription; created: boolean; channelFull?: undefined }
  | { subscription?: undefined; created?: undefined; channelFull: number };

/** The uniqueness rule: one subscription per channel and set of topics, whatever order they were typed in. */
export function topicsKey(topics: readonly string[]): string {
  return [...new Set(topics)].sort().join(',');
}

/**
 * claimed: one instance holds it until `leaseUntil`; posted: delivered (`messageRef` says where);
 * skipped: nothing to post (quiet and nothing new) or missed beyond the grace period; failed: gave
 * up after its attempts, `error` says why. Only `claimed` ever changes again.
 */
export type DigestRunStatus = 'claimed' | 'posted' | 'skipped' | 'failed';

/** One digest of one subscription: unique, which is what makes it exactly-once. */
export interface DigestRunKey {
  subscriptionId: string;
  /** The local date (YYYY-MM-DD, subscription's zone) the digest is for. */
  periodKey: string;
}

export interface DigestRun extends DigestRunKey {
  status: DigestRunStatus;
  /** Instance that holds, or last held, the claim. */
  owner: string;
  /** Post attempts started so far, across owners. */
  attempts: number;
  claimedAt: string;
  leaseUntil: string;
  finishedAt?: string;
  /** Items ingested before this instant went into the digest: the next one starts here. */
  windowEnd?: string;
  /** Opaque id of the posted message's thread. */
  messageRef?: string;
  /** Why it failed or was skipped. */
  error?: string;
}

export interface DigestClaim extends DigestRunKey {
  owner: string;
  /** ISO 8601 instants; the caller's clock, so tests and instances agree on one time source. */
  now: string;
  leaseUntil: string;
}

export interface DigestOutcome {
  status: 'posted' | 'skipped' | 'failed';
  finishedAt: string;
  windowEnd?: string;
  messageRef?: string;
  error?: string;
}

/**
 * Subscriptions and digest runs. Every method is one statement (or one short transaction) so the
 * SQLite and PostgreSQL stores implement it the same way; times are ISO 8601 UTC strings that
 * compare in order.
 */
export interface SubscriptionStore {
  /**
   * Inserts the subscription, or, when the channel already has one for the same set of topics
   * (unique on platform, channel, sorted topics), updates that one's time, zone, quiet and creator
   * and keeps its id and history. Returns what is stored; `created` is false for an update.
   * With `maxPerChannel`, a new one is not added to a channel that has that many already
   * (`channelFull` is how many it has): the count and the insert are one atomic step, so two
   * instances subscribing the same channel at the same instant cannot pass the cap together.
   */
  saveSubscription(subscription: Subscription, maxPerChannel?: number): Promise<SavedSubscription>;
  /** Replaces the topics of a subscription (unsubscribing from one of several); undefined if gone. */
  setSubscriptionTopics(id: string, topics: string[]): Promise<Subscription | undefined>;
  /** Deletes a subscription and its runs. */
  deleteSubscription(id: string): Promise<boolean>;
  getSubscription(id: string): Promise<Subscription | undefined>;
  /** Every subscription, or one channel's; oldest first. */
  listSubscriptions(channel?: { platform: Platform; channelId: string }): Promise<Subscription[]>;

  /**
   * The exactly-once step: `INSERT ... ON CONFLICT (subscription_id, period_key) DO NOTHING`, as
   * status claimed with 0 attempts. Returns the run if this call inserted it, else undefined.
   */
  claimDigestRun(claim: DigestClaim): Promise<DigestRun | undefined>;
  /**
   * Takes over a run left `claimed` by an instance that died: one conditional
   * `UPDATE ... SET owner, lease_until WHERE status = 'claimed' AND (lease_until <= now OR owner = $owner)`.
   * A claim under the caller's own id is its own from before a restart (or in flight in this process,
   * which the scheduler never runs twice), so it is taken back without waiting for the lease.
   * Returns the run if this call took it (attempts kept), else undefined.
   */
  reclaimDigestRun(claim: DigestClaim): Promise<DigestRun | undefined>;
  /**
   * Before each post attempt: `attempts + 1` and a fresh lease, only while `owner` still holds the
   * claim. Returns the attempt number, or undefined if the claim was lost.
   */
  startDigestAttempt(key: DigestRunKey, owner: string, leaseUntil: string): Promise<number | undefined>;
  /** Keeps a claim alive during a slow post; false if the claim was lost. */
  extendDigestLease(key: DigestRunKey, owner: string, leaseUntil: string): Promise<boolean>;
  /** claimed -> posted, skipped or failed, only by the owner; false if the claim was lost. */
  finishDigestRun(key: DigestRunKey, owner: string, outcome: DigestOutcome): Promise<boolean>;
  getDigestRun(key: DigestRunKey): Promise<DigestRun | undefined>;
  /**
   * Runs still claimed whose lease ended at or before `now` (left by a crashed instance), and those
   * claimed under `owner` whatever their lease (left by this instance before a restart).
   */
  listExpiredDigestClaims(now: string, owner?: string): Promise<DigestRun[]>;
  /** Ends the lease of every run `owner` still has claimed (a graceful stop); returns how many. */
  releaseDigestClaims(owner: string, now: string): Promise<number>;
  /** The latest `windowEnd` of the subscription's runs: where its next digest starts. */
  lastDigestWindowEnd(subscriptionId: string): Promise<string | undefined>;
}
