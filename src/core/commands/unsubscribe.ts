import { z } from 'zod';
import {
  describeTopics,
  ensureMaySubscribe,
  resolveTopics,
  TOPICS_HELP,
  topicListSchema,
} from '../digests/subscription-options.js';
import { topicsKey } from '../store/subscriptions.js';
import { defineCommand } from './command.js';

export default defineCommand<{ topics: string[] }>({
  name: 'unsubscribe',
  description: "Stops this channel's digests on some topics, or all of them",
  usage: '{/unsubscribe <topics,comma-separated|all>}',
  examples: ['{/unsubscribe gaza}', '{/unsubscribe all}'],
  options: [{ name: 'topics', description: 'Topics separated by commas, or all', required: true }],
  schema: z.object({
    topics: z.string({ error: `Say which topics to stop, or all. ${TOPICS_HELP}` }).pipe(topicListSchema),
  }),
  async run(services, caller, options) {
    ensureMaySubscribe(services, caller);
    const { store } = services;
    const all = options.topics.length === 1 && options.topics[0]?.toLowerCase() === 'all';
    const stop = new Set(all ? [] : resolveTopics(services, options.topics));
    const subscriptions = await store.listSubscriptions({
      platform: caller.platform,
      channelId: caller.channelId,
    });
    const lines: string[] = [];
    const keys = new Set(subscriptions.map((subscription) => topicsKey(subscription.topics)));
    for (const subscription of subscriptions) {
      if (!all && !subscription.topics.some((topic) => stop.has(topic))) continue;
      const remaining = subscription.topics.filter((topic) => !all && !stop.has(topic));
      const label = `${describeTopics(services, subscription)} at ${subscription.time} (${subscription.timezone})`;
      // Narrowing "gaza,aid" to "aid" keeps its schedule and history, unless the channel already has an "aid" digest.
      if (remaining.length > 0 && !keys.has(topicsKey(remaining))) {
        const narrowed = await store.setSubscriptionTopics(subscription.id, remaining);
        if (!narrowed) continue;
        keys.delete(topicsKey(subscription.topics));
        keys.add(topicsKey(remaining));
        services.subscriptionChanges?.saved(narrowed);
        lines.push(`${label}: now ${describeTopics(services, narrowed)} only`);
      } else if (await store.deleteSubscription(subscription.id)) {
        keys.delete(topicsKey(subscription.topics));
        services.subscriptionChanges?.removed(subscription.id);
        lines.push(`${label}: stopped`);
      }
    }
    if (lines.length === 0) {
      const what = all ? 'any topic' : [...stop].join(', ');
      return {
        kind: 'info',
        audience: 'requester',
        title: 'Nothing to stop',
        sections: [{ heading: '', text: `This channel has no digest on ${what}. See {/subscriptions}.` }],
      };
    }
    // Alphabetical: subscriptions made in the same instant have no order of their own.
    return {
      kind: 'info',
      audience: 'requester',
      title: 'Unsubscribed',
      sections: [{ heading: '', bullets: lines.sort() }],
    };
  },
});
