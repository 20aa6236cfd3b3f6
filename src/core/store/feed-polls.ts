import { isoTime } from './document-rows.js';

/**
 * Poll state of every feed URL, shared by the instances on one database: what the last answer said
 * (ETag, Last-Modified), how it went, when to poll next, and which instance holds the poll now.
 * One row per URL, however many sources name it.
 */
export interface FeedPollState {
  url: string;
  etag?: string | undefined;
  lastModified?: string | undefined;
  /** Failures in a row; 0 after a success. */
  failures: number;
  /** When the feed is due again (ISO 8601). */
  nextPoll: string;
  lastSuccess?: string | undefined;
  lastError?: string | undefined;
  lastErrorAt?: string | undefined;
  /** When the current run of failures began. */
  failingSince?: string | undefined;
  /** When that run was reported in chat; a recovery is reported only after it was. */
  failureReported?: string | undefined;
}

export interface FeedPollStore {
  /**
   * Takes the feeds among `urls` that are due at `now` and that no other instance holds, at most
   * `limit`, for `instanceId` until `leaseUntil`; a URL never polled is due at once. Atomic: two
   * instances never take the same feed.
   */
  claimDueFeeds(
    urls: readonly string[],
    now: string,
    instanceId: string,
    leaseUntil: string,
    limit: number,
  ): Promise<FeedPollState[]>;
  /** Stores the outcome of a poll and lets go of the claim. */
  saveFeedPoll(state: FeedPollState, instanceId: string): Promise<void>;
  /** The stored state of these URLs (those polled at least once). */
  feedPolls(urls: readonly string[]): Promise<FeedPollState[]>;
  /**
   * Marks the run of failures that began at `failingSince` as reported in chat, unless it already
   * is: true for the one caller (of any instance) that should post the report.
   */
  markFeedFailureReported(url: string, failingSince: string, at: string): Promise<boolean>;
  /**
   * Clears the failure report made at `reportedAt` once the feed answers again: true for the one
   * caller that should post the recovery.
   */
  clearFeedFailureReport(url: string, reportedAt: string): Promise<boolean>;
}

export const FEED_POLLS_SQLITE = `CREATE TABLE feed_polls (
     url TEXT PRIMARY KEY,
     etag TEXT,
     last_modified TEXT,
     failures INTEGER NOT NULL DEFAULT 0,
     next_poll TEXT NOT NULL,
     last_success TEXT,
     last_error TEXT,
     last_error_at TEXT,
     failing_since TEXT,
     failure_reported TEXT,
     claimed_by TEXT,
     claimed_until TEXT
   );
   CREATE INDEX feed_polls_due ON feed_polls(next_poll);`;

export const FEED_POLLS_POSTGRES = `CREATE TABLE feed_polls (
     url TEXT PRIMARY KEY,
     etag TEXT,
     last_modified TEXT,
     failures INTEGER NOT NULL DEFAULT 0,
     next_poll TIMESTAMPTZ NOT NULL,
     last_success TIMESTAMPTZ,
     last_error TEXT,
     last_error_at TIMESTAMPTZ,
     failing_since TIMESTAMPTZ,
     failure_reported TIMESTAMPTZ,
     claimed_by TEXT,
     claimed_until TIMESTAMPTZ
   );
   CREATE INDEX feed_polls_due ON feed_polls(next_poll);`;

/** A row as either driver returns it: text in SQLite, Date for PostgreSQL timestamps. */
export interface FeedPollRow {
  url: string;
  etag: string | null;
  last_modified: string | null;
  failures: number;
  next_poll: string | Date;
  last_success: string | Date | null;
  last_error: string | null;
  last_error_at: string | Date | null;
  failing_since: string | Date | null;
  failure_reported: string | Date | null;
}

function iso(value: string | Date | null): string | undefined {
  return value === null ? undefined : isoTime(value);
}

export function toFeedPoll(row: FeedPollRow): FeedPollState {
  const optional = {
    etag: row.etag ?? undefined,
    lastModified: row.last_modified ?? undefined,
    lastSuccess: iso(row.last_success),
    lastError: row.last_error ?? undefined,
    lastErrorAt: iso(row.last_error_at),
    failingSince: iso(row.failing_since),
    failureReported: iso(row.failure_reported),
  };
  return {
    url: row.url,
    failures: row.failures,
    nextPoll: iso(row.next_poll) ?? '',
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

/** Column values in table order after `url`, for an upsert. */
export function feedPollValues(state: FeedPollState): (string | number | null)[] {
  return [
    state.etag ?? null,
    state.lastModified ?? null,
    state.failures,
    state.nextPoll,
    state.lastSuccess ?? null,
    state.lastError ?? null,
    state.lastErrorAt ?? null,
    state.failingSince ?? null,
    state.failureReported ?? null,
  ];
}
