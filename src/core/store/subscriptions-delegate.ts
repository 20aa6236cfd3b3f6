import type {
  DigestClaim,
  DigestOutcome,
  DigestRunKey,
  Subscription,
  SubscriptionStore,
} from './subscriptions.js';

/**
 * Both stores keep subscriptions and digest runs in a class of their own; this base hands the calls
 * on, so each store is one object behind the `Store` interface.
 */
export abstract class SubscriptionsDelegate implements SubscriptionStore {
  protected abstract readonly subscriptions: SubscriptionStore;

  saveSubscription(subscription: Subscription, maxPerChannel?: number) {
    return this.subscriptions.saveSubscription(subscription, maxPerChannel);
  }
  setSubscriptionTopics(id: string, topics: string[]) {
    return this.subscriptions.setSubscriptionTopics(id, topics);
  }
  deleteSubscription(id: string) {
    return this.subscriptions.deleteSubscription(id);
  }
  getSubscription(id: string) {
    return this.subscriptions.getSubscription(id);
  }
  listSubscriptions(channel?: { platform: Subscription['platform']; channelId: string }) {
    return this.subscriptions.listSubscriptions(channel);
  }
  claimDigestRun(claim: DigestClaim) {
    return this.subscriptions.claimDigestRun(claim);
  }
  reclaimDigestRun(claim: DigestClaim) {
    return this.subscriptions.reclaimDigestRun(claim);
  }
  startDigestAttempt(key: DigestRunKey, owner: string, leaseUntil: string) {
    return this.subscriptions.startDigestAttempt(key, owner, leaseUntil);
  }
  extendDigestLease(key: DigestRunKey, owner: string, leaseUntil: string) {
    return this.subscriptions.extendDigestLease(key, owner, leaseUntil);
  }
  finishDigestRun(key: DigestRunKey, owner: string, outcome: DigestOutcome) {
    return this.subscriptions.finishDigestRun(key, owner, outcome);
  }
  getDigestRun(key: DigestRunKey) {
    return this.subscriptions.getDigestRun(key);
  }
  listExpiredDigestClaims(now: string, owner?: string) {
    return this.subscriptions.listExpiredDigestClaims(now, owner);
  }
  releaseDigestClaims(owner: string, now: string) {
    return this.subscriptions.releaseDigestClaims(owner, now);
  }
  lastDigestWindowEnd(subscriptionId: string) {
    return this.subscriptions.lastDigestWindowEnd(subscriptionId);
  }
}
