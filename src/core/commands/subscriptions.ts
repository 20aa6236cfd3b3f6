import { z } from 'zod';
import { nextOccurrence } from '../digests/local-time.js';
import { describeSchedule, describeTopics } from '../digests/subscription-options.js';
import { defineCommand } from './command.js';

export default defineCommand<Record<string, never>>({
  name: 'subscriptions',
  description: "This channel's daily digests and when each comes next",
  usage: '{/subscriptions}',
  examples: ['{/subscriptions}'],
  options: [],
  schema: z.object({}),
  async run(services, caller) {
    const subscriptions = await services.store.listSubscriptions({
      platform: caller.platform,
      channelId: caller.channelId,
    });
    if (subscriptions.length === 0) {
      return {
        kind: 'info',
        audience: 'requester',
        title: 'No digests in this channel',
        sections: [{ heading: '', text: 'Subscribe with e.g. {/subscribe gaza,aid 08:00 Europe/London}.' }],
      };
    }
    const now = services.clock();
    // Soonest first: the order they will arrive in.
    const next = new Map(subscriptions.map((s) => [s.id, nextOccurrence(s.time, s.timezone, now).getTime()]));
    subscriptions.sort((a, b) => (next.get(a.id) ?? 0) - (next.get(b.id) ?? 0));
    return {
      kind: 'info',
      audience: 'requester',
      title: `Digests in this channel (${subscriptions.length})`,
      sections: subscriptions.map((subscription) => ({
        heading: describeTopics(services, subscription),
        text: describeSchedule(subscription, now),
      })),
      footer: 'Stop one with {/unsubscribe <topic>}, or all with {/unsubscribe all}.',
    };
  },
});
