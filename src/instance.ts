import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who this process is in digest claims, and whether the owner of a claim is gone.
 *
 * With INSTANCE_ID set the name is stable across restarts, so a claim under it that this process did
 * not make is its own from before a crash. Without it the name is `host:pid:boot`; a claim of a
 * process on this host that no longer runs (or whose pid this new process now has) is dead too.
 * Either way a restarted bot takes over its earlier claims at once instead of waiting out the lease.
 */
export class InstanceIdentity {
  readonly id: string;
  private readonly host = hostname();

  constructor(configured?: string) {
    this.id = configured ?? `${this.host}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** True when `owner` cannot be posting any more: a claim it holds is safe to take over now. */
  isGone(owner: string): boolean {
    if (owner === this.id) return true;
    const [host, pid, boot] = owner.split(':');
    if (host !== this.host || !pid || !/^\d+$/.test(pid) || !boot) return false;
    if (Number(pid) === process.pid) return true;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (error) {
      // EPERM: it runs, under another user.
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}
