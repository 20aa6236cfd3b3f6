/**
 * The instance ids a database has handed out, so a bot restarted after a crash takes its old id back
 * and with it, at once, the digest claims it held, rather than waiting for their leases to end.
 * A row is held by one process (host + pid + start time) until it stops; a process on the same host
 * may adopt a row whose holder stopped or no longer runs.
 */

export interface InstanceRecord {
  id: string;
  host: string;
  pid: number;
  /** ISO 8601: with host and pid, names the process that holds the id. */
  startedAt: string;
  /** Set by a graceful stop: the id is free. */
  stoppedAt?: string;
}

export interface InstanceStore {
  /** The ids handed out on `host`, oldest first. */
  listInstances(host: string): Promise<InstanceRecord[]>;
  /**
   * Takes `next.id` for the process `next`: inserts it when `previous` is undefined (false if the id
   * exists), else only while the row is still held as `previous` says, so two processes starting at
   * once cannot adopt the same id.
   */
  takeInstance(next: InstanceRecord, previous: InstanceRecord | undefined): Promise<boolean>;
  /** Marks the id free (a graceful stop), if `holder` still holds it. */
  releaseInstance(holder: InstanceRecord, at: string): Promise<void>;
}

export function instancesMigration(time: 'TEXT' | 'TIMESTAMPTZ'): string {
  return `CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at ${time} NOT NULL,
    stopped_at ${time}
  );
  CREATE INDEX instances_host ON instances(host);`;
}

/** The statements, with `$n` placeholders from `p(n)` (`?` for SQLite, where they bind in order). */
export function instanceSql(p: (n: number) => string) {
  return {
    list: `SELECT id, host, pid, started_at, stopped_at FROM instances WHERE host = ${p(1)} ORDER BY started_at, id`,
    insert: `INSERT INTO instances (id, host, pid, started_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})
      ON CONFLICT (id) DO NOTHING`,
    adopt: `UPDATE instances SET pid = ${p(1)}, started_at = ${p(2)}, stopped_at = NULL
      WHERE id = ${p(3)} AND host = ${p(4)} AND pid = ${p(5)} AND started_at = ${p(6)}`,
    release: `UPDATE instances SET stopped_at = ${p(1)}
      WHERE id = ${p(2)} AND pid = ${p(3)} AND started_at = ${p(4)}`,
  };
}

export interface InstanceRow {
  id: string;
  host: string;
  pid: number;
  started_at: string | Date;
  stopped_at: string | Date | null;
}

const iso = (time: string | Date) => (typeof time === 'string' ? time : time.toISOString());

export function toInstance(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    host: row.host,
    pid: Number(row.pid),
    startedAt: iso(row.started_at),
    ...(row.stopped_at ? { stoppedAt: iso(row.stopped_at) } : {}),
  };
}
