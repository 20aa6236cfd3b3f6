import type { SubscriptionAdmins, SubscriptionChanges } from './digests/subscription-changes.js';
import type { ChatModel } from './llm.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { SourceDirectory } from './sources/status.js';
import type { Store } from './store/store.js';
import type { TopicCatalogue } from './topics.js';

/** What commands and answers may use: passed in, so tests need no module interception. */
export interface BotServices {
  store: Store;
  catalogue: TopicCatalogue;
  logger: Logger;
  /** Commands and answers are counted here when given. */
  metrics?: Metrics | undefined;
  clock: () => Date;
  /** Names this process in shared claims (for the operator); default a random id. */
  instanceId?: string;
  /** Optional language model that may reword answers from their retrieved sentences; off by default. */
  chat?: ChatModel;
  /** Told when a subscription is saved or removed, so scheduled jobs follow at once. */
  subscriptionChanges?: SubscriptionChanges;
  /** Every source the bot reads and how each is doing, for `/sources`. */
  sources?: SourceDirectory;
  /** Who may subscribe or unsubscribe a channel; unset lets anyone. */
  subscriptionAdmins?: SubscriptionAdmins;
}
