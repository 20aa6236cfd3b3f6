import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from './core/logger.js';
import type { InstanceRecord, InstanceStore } from './core/store/instances.js';

/** Who this process is in shared claims, and how to hand the name back on a graceful stop. */
export interface InstanceIdentity {
  id: string;
  /** Frees a stored id for the next start on this host; nothing for a configured one. */
  release(): Promise<void>;
}

/** True while a process with this pid runs on this host (EPERM: it runs, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * INSTANCE_ID when set; else an id stored in the database for this host. A start adopts the first
 * stored id whose holder stopped or no longer runs here, so a bot restarted after `kill -9` is the
 * same instance again and takes back its digest claims at once. Another process of this pid cannot
 * be running while this one starts, so a row holding our own pid (a container restarted as pid 1)
 * is a dead predecessor too. Two processes on one host never share an id: adoption is a
 * compare-and-set on the holder, and each live process keeps its row.
 */
export async function adoptInstanceId(
  store: InstanceStore,
  logger: Logger,
  options: {
    configured?: string | undefined;
    host?: string;
    pid?: number;
    isRunning?: (pid: number) => boolean;
  } = {},
): Promise<InstanceIdentity> {
  if (options.configured) return { id: options.configured, release: async () => {} };
  const host = options.host ?? hostname();
  const pid = options.pid ?? process.pid;
  const isRunning = options.isRunning ?? running;
  const next = (id: string): InstanceRecord => ({ id, host, pid, startedAt: new Date().toISOString() });
  let held: InstanceRecord | undefined;
  for (const record of await store.listInstances(host)) {
    const free = record.stoppedAt !== undefined || record.pid === pid || !isRunning(record.pid);
    const candidate = next(record.id);
    if (free && (await store.takeInstance(candidate, record))) {
      held = candidate;
      logger.info('instance id adopted: its earlier claims are taken back now', {
        instanceId: record.id,
        previousPid: record.pid,
        stopped: record.stoppedAt !== undefined,
      });
      break;
    }
  }
  if (!held) {
    held = next(`${host}-${randomUUID().slice(0, 8)}`);
    if (!(await store.takeInstance(held, undefined))) throw new Error(`instance id ${held.id} is taken`);
  }
  const record = held;
  return {
    id: record.id,
    release: () => store.releaseInstance(record, new Date().toISOString()),
  };
}
