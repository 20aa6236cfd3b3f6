import type pg from 'pg';
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

/** Migration 2 of the PostgreSQL store: the SQLite tables of sqlite-subscriptions.ts, times as timestamptz. */
export const POSTGRES_SUBSCRIPTIONS_MIGRATION = `
  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    workspace_id TEXT,
    channel_id TEXT NOT NULL,
    topics JSONB NOT NULL,
    topics_key TEXT NOT NULL,
    local_time TEXT NOT NULL,
    timezone TEXT NOT NULL,
    quiet BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (platform, channel_id, topics_key)
  );
  CREATE TABLE digest_runs (
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    period_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'skipped', 'failed')),
    owner TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    window_end TIMESTAMPTZ,
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
  topics: string[];
  local_time: string;
  timezone: string;
  quiet: boolean;
  created_by: string;
  created_at: Date;
}

interface RunRow {
  subscription_id: string;
  period_key: string;
  status: DigestRun['status'];
  owner: string;
  attempts: number;
  claimed_at: Date;
  lease_until: Date;
  finished_at: Date | null;
  window_end: Date | null;
  message_ref: string | null;
  error: string | null;
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    platform: row.platform,
    channelId: row.channel_id,
    topics: row.topics,
    time: row.local_time,
    timezone: row.timezone,
    quiet: row.quiet,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
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
    claimedAt: row.claimed_at.toISOString(),
    leaseUntil: row.lease_until.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
    ...(row.window_end ? { windowEnd: row.window_end.toISOString() } : {}),
    ...(row.message_ref ? { messageRef: row.message_ref } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

const RUN_KEY = 'subscription_id = $1 AND period_key = $2';

/** SubscriptionStore on the PostgresStore's pool: each method is one statement, atomic on its own. */
export class PostgresSubscriptions implements SubscriptionStore {
  constructor(
    private readonly pool: pg.Pool,
    /** Runs `work` on one connection inside BEGIN ... COMMIT (ROLLBACK when it throws). */
    private readonly transaction: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
  ) {}

  async saveSubscription(
    s: Subscription,
    maxPerChannel = Number.POSITIVE_INFINITY,
  ): Promise<SavedSubscription> {
    return this.transaction(async (client) => {
      // One lock per channel, held to COMMIT: a second instance's count waits for this insert.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `subscriptions:${s.platform}:${s.channelId}`,
      ]);
      const counted = await client.query<{ count: number; same: number }>(
        `SELECT count(*)::int AS count, count(*) FILTER (WHERE topics_key = $1)::int AS same
           FROM subscriptions WHERE platform = $2 AND channel_id = $3`,
        [topicsKey(s.topics), s.platform, s.channelId],
      );
      const { count, same } = counted.rows[0]!;
      if (same === 0 && count >= maxPerChannel) return { channelFull: count };
      const { rows } = await client.query<SubscriptionRow>(
        `INSERT INTO subscriptions (id, platform, workspace_id, channel_id, topics, topics_key, local_time,
           timezone, quiet, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (platform, channel_id, topics_key) DO UPDATE SET
           topics = excluded.topics, local_time = excluded.local_time, timezone = excluded.timezone,
           quiet = excluded.quiet, created_by = excluded.created_by, workspace_id = excluded.workspace_id
         RETURNING *`,
        [
          s.id,
          s.platform,
          s.workspaceId ?? null,
          s.channelId,
          JSON.stringify(s.topics),
          topicsKey(s.topics),
          s.time,
          s.timezone,
          s.quiet,
          s.createdBy,
          s.createdAt,
        ],
      );
      const row = rows[0]!;
      return { subscription: toSubscription(row), created: row.id === s.id };
    });
  }

  async setSubscriptionTopics(id: string, topics: string[]): Promise<Subscription | undefined> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      'UPDATE subscriptions SET topics = $1, topics_key = $2 WHERE id = $3 RETURNING *',
      [JSON.stringify(topics), topicsKey(topics), id],
    );
    return rows[0] && toSubscription(rows[0]);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM subscriptions WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async getSubscription(id: string): Promise<Subscription | undefined> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE id = $1', [
      id,
    ]);
    return rows[0] && toSubscription(rows[0]);
  }

  async listSubscriptions(channel?: { platform: Platform; channelId: string }): Promise<Subscription[]> {
    const { rows } = channel
      ? await this.pool.query<SubscriptionRow>(
          'SELECT * FROM subscriptions WHERE platform = $1 AND channel_id = $2 ORDER BY created_at, id',
          [channel.platform, channel.channelId],
        )
      : await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY created_at, id');
    return rows.map(toSubscription);
  }

  async claimDigestRun(c: DigestClaim): Promise<DigestRun | undefined> {
    // Concurrent claimers of one key: the second waits on the first's row, then does nothing.
    // The EXISTS guard makes a claim for a subscription deleted meanwhile claim nothing, not fail.
    try {
      const { rows } = await this.pool.query<RunRow>(
        `INSERT INTO digest_runs (subscription_id, period_key, status, owner, attempts, claimed_at, lease_until)
         SELECT $1::text, $2::text, 'claimed', $3::text, 0, $4::timestamptz, $5::timestamptz WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = $1)
         ON CONFLICT (subscription_id, period_key) DO NOTHING
         RETURNING *`,
        [c.subscriptionId, c.periodKey, c.owner, c.now, c.leaseUntil],
      );
      return rows[0] && toRun(rows[0]);
    } catch (error) {
      // Deleted between the EXISTS check and the foreign key check: nothing to claim.
      if ((error as { code?: string }).code === '23503') return undefined;
      throw error;
    }
  }

  async reclaimDigestRun(c: DigestClaim): Promise<DigestRun | undefined> {
    // Row lock plus re-check of the WHERE after a concurrent update: one reclaimer wins.
    const { rows } = await this.pool.query<RunRow>(
      `UPDATE digest_runs SET owner = $3, claimed_at = $4, lease_until = $5
       WHERE ${RUN_KEY} AND status = 'claimed' AND (lease_until <= $4 OR owner = $3)
       RETURNING *`,
      [c.subscriptionId, c.periodKey, c.owner, c.now, c.leaseUntil],
    );
    return rows[0] && toRun(rows[0]);
  }

  async startDigestAttempt(
    key: DigestRunKey,
    owner: string,
    leaseUntil: string,
  ): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ attempts: number }>(
      `UPDATE digest_runs SET attempts = attempts + 1, lease_until = $4
       WHERE ${RUN_KEY} AND owner = $3 AND status = 'claimed'
       RETURNING attempts`,
      [key.subscriptionId, key.periodKey, owner, leaseUntil],
    );
    return rows[0]?.attempts;
  }

  async extendDigestLease(key: DigestRunKey, owner: string, leaseUntil: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE digest_runs SET lease_until = $4 WHERE ${RUN_KEY} AND owner = $3 AND status = 'claimed'`,
      [key.subscriptionId, key.periodKey, owner, leaseUntil],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async finishDigestRun(key: DigestRunKey, owner: string, outcome: DigestOutcome): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE digest_runs SET status = $4, finished_at = $5, window_end = $6, message_ref = $7, error = $8
       WHERE ${RUN_KEY} AND owner = $3 AND status = 'claimed'`,
      [
        key.subscriptionId,
        key.periodKey,
        owner,
        outcome.status,
        outcome.finishedAt,
        outcome.windowEnd ?? null,
        outcome.messageRef ?? null,
        outcome.error ?? null,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async getDigestRun(key: DigestRunKey): Promise<DigestRun | undefined> {
    const { rows } = await this.pool.query<RunRow>(`SELECT * FROM digest_runs WHERE ${RUN_KEY}`, [
      key.subscriptionId,
      key.periodKey,
    ]);
    return rows[0] && toRun(rows[0]);
  }

  async listExpiredDigestClaims(now: string, owner?: string): Promise<DigestRun[]> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT * FROM digest_runs WHERE status = 'claimed' AND (lease_until <= $1 OR owner = $2)
       ORDER BY lease_until`,
      [now, owner ?? null],
    );
    return rows.map(toRun);
  }

  async releaseDigestClaims(owner: string, now: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE digest_runs SET lease_until = $2 WHERE owner = $1 AND status = 'claimed' AND lease_until > $2`,
      [owner, now],
    );
    return rowCount ?? 0;
  }

  async lastDigestWindowEnd(subscriptionId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ window_end: Date | null }>(
      'SELECT max(window_end) AS window_end FROM digest_runs WHERE subscription_id = $1',
      [subscriptionId],
    );
    return rows[0]?.window_end?.toISOString();
  }
}
