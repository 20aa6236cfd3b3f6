import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';
import type { DeliveryClaimStore } from './store/deliveries.js';

/**
 * How long a handled delivery is remembered. Slack retries an event for about an hour at most (after
 * 1 s, 1 min and 5 min) and a signed request is accepted for 5 minutes, so an hour covers both.
 */
export const DELIVERY_MEMORY_MS = 60 * 60 * 1000;
/** Expired claims are swept at most this often, by whichever claim comes first after it. */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface DeliveryClaimsOptions {
  store: DeliveryClaimStore;
  clock: () => Date;
  logger: Logger;
  /** Names this instance in the claims it takes (for the operator); default a random id. */
  instanceId?: string | undefined;
  memoryMs?: number;
}

/** "Is this the first time any instance sees this delivery?", answered by the shared store. */
export class DeliveryClaims {
  private nextPrune = 0;
  private readonly owner: string;

  constructor(private readonly options: DeliveryClaimsOptions) {
    this.owner = options.instanceId ?? `instance-${randomUUID().slice(0, 8)}`;
  }

  async first(keys: readonly string[]): Promise<boolean> {
    const { store, clock, memoryMs = DELIVERY_MEMORY_MS } = this.options;
    const now = clock();
    const claimed = await store.claimDelivery({
      keys,
      owner: this.owner,
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + memoryMs).toISOString(),
    });
    if (now.getTime() >= this.nextPrune) {
      this.nextPrune = now.getTime() + PRUNE_EVERY_MS;
      store.pruneDeliveryClaims(now.toISOString()).catch((error: unknown) => {
        this.options.logger.warn('could not forget expired delivery claims', { error });
      });
    }
    return claimed;
  }
}
