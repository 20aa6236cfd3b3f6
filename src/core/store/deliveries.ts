/**
 * Claims on incoming platform deliveries (a Slack event, a thread message, a signed slash command),
 * shared by every instance on one database, so a retry or a replay that reaches another instance, or
 * the same one after a restart, is not handled twice. Claimed like digest runs: one insert.
 */

export interface DeliveryClaim {
  /** Everything that names this delivery (event id, message id, channel + ts); any one seen is enough. */
  keys: readonly string[];
  /** Instance taking it; kept for the operator, not compared. */
  owner: string;
  /** ISO 8601, the caller's clock. */
  now: string;
  /** Until when a repeat is refused (ISO 8601); after that the keys may be claimed again. */
  expiresAt: string;
}

export interface DeliveryClaimStore {
  /**
   * One `INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE expires_at <= now RETURNING key` over every
   * key: true only when this call took all of them, i.e. no key was held, unexpired, by anyone.
   */
  claimDelivery(claim: DeliveryClaim): Promise<boolean>;
  /** Forgets claims that expired at or before `now`; returns how many. */
  pruneDeliveryClaims(now: string): Promise<number>;
}

/** The table, for both stores (TEXT times in SQLite, timestamptz in PostgreSQL). */
export function deliveryClaimsMigration(time: 'TEXT' | 'TIMESTAMPTZ'): string {
  return `CREATE TABLE delivery_claims (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    claimed_at ${time} NOT NULL,
    expires_at ${time} NOT NULL
  );
  CREATE INDEX delivery_claims_expiry ON delivery_claims(expires_at);`;
}

/**
 * The claim statement for `count` keys with `$n` placeholders from `placeholder(n)`; a row whose
 * claim expired is taken over in the same statement, so an old key never blocks a new delivery.
 * Keys go in sorted so concurrent claims lock shared rows in one order and cannot deadlock.
 */
export function claimDeliverySql(count: number, placeholder: (n: number) => string): string {
  const rows = Array.from(
    { length: count },
    (_, i) =>
      `(${placeholder(i * 4 + 1)}, ${placeholder(i * 4 + 2)}, ${placeholder(i * 4 + 3)}, ${placeholder(i * 4 + 4)})`,
  );
  return `INSERT INTO delivery_claims (key, owner, claimed_at, expires_at) VALUES ${rows.join(', ')}
    ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, claimed_at = excluded.claimed_at,
      expires_at = excluded.expires_at
    WHERE delivery_claims.expires_at <= excluded.claimed_at
    RETURNING key`;
}

/** The distinct keys, sorted, and the bind values for `claimDeliverySql`. */
export function claimDeliveryValues(claim: DeliveryClaim): { keys: string[]; values: string[] } {
  const keys = [...new Set(claim.keys)].sort();
  if (keys.length === 0) throw new Error('a delivery claim needs at least one key');
  return { keys, values: keys.flatMap((key) => [key, claim.owner, claim.now, claim.expiresAt]) };
}
