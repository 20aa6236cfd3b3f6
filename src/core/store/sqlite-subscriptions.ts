import type Database from 'better-sqlite3';
import type { Platform } from '../model.js';
import type {
  DigestClaim,
  DigestOutcome,
  DigestRun,
  DigestRunKey,
  SavedSubscription,
  Subscription,
  SubscriptionStore,
} from './subscriptions.js';
import { topicsKey } from './subscriptions.js';

/** Appended to the SQLite migrations; the PostgreSQL store mirrors it (TEXT times become timestamptz). */
export const SUBSCRIPTIONS_MIGRATION = `
  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    workspace_id TEXT,
    channel_id TEXT NOT NULL,
    topics TEXT NOT NULL,
    topics_key TEXT NOT NULL,
    local_time TEXT NOT NULL,
    timezone TEXT NOT NULL,
    quiet INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (platform, channel_id, topics_key)
  );
  CREATE TABLE digest_runs (
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    period_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'skipped', 'failed')),
    owner TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    claimed_at TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    finished_at TEXT,
    window_end TEXT,
    message_ref TEXT,
    error TEXT,
    PRIMARY KEY (subscription_id, period_key)
  );
  CREATE INDEX digest_runs_expired ON digest_runs(lease_until) WHERE status = 'claimed';`;

interface SubscriptionRow {
  id: string;
  platform: Platform;
  workspace_id: string | null;
  channel_id: string;
  topics: string;
  local_time: string;
  timezone: string;
  quiet: number;
  created_by: string;
  created_at: string;
}

interface RunRow {
  subscription_id: string;
  period_key: string;
  status: DigestRun['status'];
  owner: string;
  attempts: number;
  claimed_at: string;
  lease_until: string;
  finished_at: string | null;
  window_end: string | null;
  message_ref: string | null;
  error: string | null;
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    platform: row.platform,
    channelId: row.channel_id,
    topics: JSON.parse(row.topics),
    time: row.local_time,
    timezone: row.timezone,
    quiet: row.quiet === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    ...(row.workspace_id ? { workspaceId: row.workspace_id } : {}),
  };
}

function toRun(row: RunRow): DigestRun {
  return {
    subscriptionId: row.subscription_id,
    periodKey: row.period_key,
    status: row.status,
    owner: row.owner,
    attempts: row.attempts,
    claimedAt: row.claimed_at,
    leaseUntil: row.lease_until,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    ...(row.window_end ? { windowEnd: row.window_end } : {}),
    ...(row.message_ref ? { messageRef: row.message_ref } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

const RUN_KEY = 'subscription_id = ? AND period_key = ?';

/** SubscriptionStore on the SqliteStore's connection: each method is one statement. */
export class SqliteSubscriptions implements SubscriptionStore {
  /**
   * The store's prepared-statement cache: a minute's digests run the same few statements thousands
   * of times, and one cache serves the whole connection.
   */
  constructor(
    private readonly statement: (sql: string) => Database.Statement,
    /** Runs `work` in one BEGIN IMMEDIATE transaction: the write lock first, then the reads. */
    private readonly immediate: <T>(work: () => T) => T,
  ) {}

  async saveSubscription(
    s: Subscription,
    maxPerChannel = Number.POSITIVE_INFINITY,
  ): Promise<SavedSubscription> {
    return this.immediate(() => {
      const { count, same } = this.statement(
        `SELECT count(*) AS count, coalesce(sum(topics_key = ?), 0) AS same
           FROM subscriptions WHERE platform = ? AND channel_id = ?`,
      ).get(topicsKey(s.topics), s.platform, s.channelId) as { count: number; same: number };
      if (same === 0 && count >= maxPerChannel) return { channelFull: count };
      const row = this.statement(
        `INSERT INTO subscriptions (id, platform, workspace_id, channel_id, topics, topics_key, local_time,
             timezone, quiet, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (platform, channel_id, topics_key) DO UPDATE SET
             topics = excluded.topics, local_time = excluded.local_time, timezone = excluded.timezone,
             quiet = excluded.quiet, created_by = excluded.created_by, workspace_id = excluded.workspace_id
           RETURNING *`,
      ).get(
        s.id,
        s.platform,
        s.workspaceId ?? null,
        s.channelId,
        JSON.stringify(s.topics),
        topicsKey(s.topics),
        s.time,
        s.timezone,
        s.quiet ? 1 : 0,
        s.createdBy,
        s.createdAt,
      ) as SubscriptionRow;
      return { subscription: toSubscription(row), created: row.id === s.id };
    });
  }

  async setSubscriptionTopics(id: string, topics: string[]): Promise<Subscription | undefined> {
    const row = this.statement(
      'UPDATE subscriptions SET topics = ?, topics_key = ? WHERE id = ? RETURNING *',
    ).get(JSON.stringify(topics), topicsKey(topics), id) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.statement('DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
  }

  async getSubscription(id: string): Promise<Subscription | undefined> {
    const row = this.statement('SELECT * FROM subscriptions WHERE id = ?').get(id) as
      | SubscriptionRow
      | undefined;
    return row && toSubscription(row);
  }

  async listSubscriptions(channel?: { platform: Platform; channelId: string }): Promise<Subscription[]> {
    const rows = channel
      ? this.statement(
          'SELECT * FROM subscriptions WHERE platform = ? AND channel_id = ? ORDER BY created_at, id',
        ).all(channel.platform, channel.channelId)
      : this.statement('SELECT * FROM subscriptions ORDER BY created_at, id').all();
    return (rows as SubscriptionRow[]).map(toSubscription);
  }

  async claimDigestRun(c: DigestClaim): Promise<DigestRun | undefined> {
    // The EXISTS guard makes a claim for a subscription deleted meanwhile claim nothing, not fail.
    const row = this.statement(
      `INSERT INTO digest_runs (subscription_id, period_key, status, owner, attempts, claimed_at, lease_until)
         SELECT ?, ?, 'claimed', ?, 0, ?, ? WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = ?)
         ON CONFLICT (subscription_id, period_key) DO NOTHING
         RETURNING *`,
    ).get(c.subscriptionId, c.periodKey, c.owner, c.now, c.leaseUntil, c.subscriptionId) as
      | RunRow
      | undefined;
    return row && toRun(row);
  }

  async reclaimDigestRun(c: DigestClaim): Promise<DigestRun | undefined> {
    const row = this.statement(
      `UPDATE digest_runs SET owner = ?, claimed_at = ?, lease_until = ?
         WHERE ${RUN_KEY} AND status = 'claimed' AND (lease_until <= ? OR owner = ?)
         RETURNING *`,
    ).get(c.owner, c.now, c.leaseUntil, c.subscriptionId, c.periodKey, c.now, c.owner) as RunRow | undefined;
    return row && toRun(row);
  }

  async startDigestAttempt(
    key: DigestRunKey,
    owner: string,
    leaseUntil: string,
  ): Promise<number | undefined> {
    const row = this.statement(
      `UPDATE digest_runs SET attempts = attempts + 1, lease_until = ?
         WHERE ${RUN_KEY} AND owner = ? AND status = 'claimed'
         RETURNING attempts`,
    ).get(leaseUntil, key.subscriptionId, key.periodKey, owner) as { attempts: number } | undefined;
    return row?.attempts;
  }

  async extendDigestLease(key: DigestRunKey, owner: string, leaseUntil: string): Promise<boolean> {
    return (
      this.statement(
        `UPDATE digest_runs SET lease_until = ? WHERE ${RUN_KEY} AND owner = ? AND status = 'claimed'`,
      ).run(leaseUntil, key.subscriptionId, key.periodKey, owner).changes > 0
    );
  }

  async finishDigestRun(key: DigestRunKey, owner: string, outcome: DigestOutcome): Promise<boolean> {
    return (
      this.statement(
        `UPDATE digest_runs SET status = ?, finished_at = ?, window_end = ?, message_ref = ?, error = ?
           WHERE ${RUN_KEY} AND owner = ? AND status = 'claimed'`,
      ).run(
        outcome.status,
        outcome.finishedAt,
        outcome.windowEnd ?? null,
        outcome.messageRef ?? null,
        outcome.error ?? null,
        key.subscriptionId,
        key.periodKey,
        owner,
      ).changes > 0
    );
  }

  async getDigestRun(key: DigestRunKey): Promise<DigestRun | undefined> {
    const row = this.statement(`SELECT * FROM digest_runs WHERE ${RUN_KEY}`).get(
      key.subscriptionId,
      key.periodKey,
    ) as RunRow | undefined;
    return row && toRun(row);
  }

  async listExpiredDigestClaims(now: string, owner?: string): Promise<DigestRun[]> {
    const rows = this.statement(
      `SELECT * FROM digest_runs WHERE status = 'claimed' AND (lease_until <= ? OR owner = ?)
         ORDER BY lease_until`,
    ).all(now, owner ?? null) as RunRow[];
    return rows.map(toRun);
  }

  async releaseDigestClaims(owner: string, now: string): Promise<number> {
    return this.statement(
      `UPDATE digest_runs SET lease_until = ? WHERE owner = ? AND status = 'claimed' AND lease_until > ?`,
    ).run(now, owner, now).changes;
  }

  async lastDigestWindowEnd(subscriptionId: string): Promise<string | undefined> {
    const row = this.statement(
      'SELECT max(window_end) AS window_end FROM digest_runs WHERE subscription_id = ?',
    ).get(subscriptionId) as { window_end: string | null };
    return row.window_end ?? undefined;
  }
}
