import type { Logger } from '../logger.js';
import type { Platform } from '../model.js';
import type { Subscription } from '../store/subscriptions.js';

/**
 * How the subscribe commands reach the scheduler without the core knowing it exists: the scheduler
 * listens, the commands report. Listeners must not throw; a failing one is logged and skipped.
 */
export interface SubscriptionChanges {
  saved(subscription: Subscription): void;
  removed(subscriptionId: string): void;
}

/** The hub the core hands commands; main attaches the scheduler once the adapters exist. */
export class SubscriptionEvents implements SubscriptionChanges {
  private readonly listeners = new Set<SubscriptionChanges>();

  constructor(private readonly logger: Logger) {}

  /** Returns a function that detaches the listener. */
  listen(listener: SubscriptionChanges): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  saved(subscription: Subscription): void {
    this.each((listener) => listener.saved(subscription));
  }

  removed(subscriptionId: string): void {
    this.each((listener) => listener.removed(subscriptionId));
  }

  private each(call: (listener: SubscriptionChanges) => void): void {
    for (const listener of this.listeners) {
      try {
        call(listener);
      } catch (error) {
        this.logger.error('subscription listener failed', { error });
      }
    }
  }
}

/** User ids allowed to change a channel's subscriptions, per platform; a platform not listed lets anyone. */
export type SubscriptionAdmins = Partial<Record<Platform, readonly string[]>>;

export function maySubscribe(
  admins: SubscriptionAdmins | undefined,
  platform: Platform,
  userId: string,
): boolean {
  const allowed = admins?.[platform];
  return !allowed || allowed.length === 0 || allowed.includes(userId);
}
