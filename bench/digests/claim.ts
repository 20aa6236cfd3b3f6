// Instruments for part 1 of the digests bench (claim and compose): an adapter that queues every digest at
// once and holds it until told, and a store wrapper that notes when each claim was won. Neither changes
// what the Scheduler, DigestDelivery or the store do.
import type { PostedMessage } from '../../src/core/delivery.js';
import type { Platform } from '../../src/core/model.js';
import type { Store } from '../../src/core/store/store.js';
import type { DigestClaim } from '../../src/core/store/subscriptions.js';
import type { Reply } from '../../src/reply.js';
import type { AcceptedPost } from './scenario.js';

/** Takes posts at once and holds them until `release`, like a rate-limited adapter's queue. */
export class QueueingPoster {
  readonly queued: (AcceptedPost & { at: number })[] = [];
  private readonly pending: (() => void)[] = [];
  private released = false;

  constructor(
    readonly platform: Platform,
    /** Called after each post is queued, with how many are queued. */
    private readonly onQueued: (count: number) => void = () => {},
  ) {}

  postToChannel(channelId: string, reply: Reply): Promise<PostedMessage> {
    this.queued.push({ channel: channelId, title: reply.title, at: performance.now() });
    const n = this.queued.length;
    const posted = { platform: this.platform, channelId, threadId: `${this.platform}:${channelId}:${n}` };
    const result = new Promise<PostedMessage>((resolve) => {
      if (this.released) resolve(posted);
      else this.pending.push(() => resolve(posted));
    });
    this.onQueued(n);
    return result;
  }

  /** Lets every held post (and any later one) succeed. */
  release(): void {
    this.released = true;
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

export interface ClaimTally {
  /** claimDigestRun calls: won (inserted the run), lost (another instance had it), threw (SQLITE_BUSY...). */
  won: number;
  lost: number;
  threw: number;
}

/**
 * The store, with claimDigestRun's results tallied and `onWon(count, at)` called each time a claim is won;
 * every other call passes through untouched.
 */
export function timingClaims(
  store: Store,
  tally: ClaimTally,
  onWon: (count: number, at: number) => void,
): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'claimDigestRun') {
        return async (claim: DigestClaim) => {
          try {
            const run = await target.claimDigestRun(claim);
            if (run) onWon(++tally.won, performance.now());
            else tally.lost += 1;
            return run;
          } catch (error) {
            tally.threw += 1;
            throw error;
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
