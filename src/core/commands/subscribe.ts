import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  describeSchedule,
  describeTopics,
  ensureMaySubscribe,
  resolveTopics,
  timeSchema,
  timeZoneSchema,
  topicListSchema,
} from '../digests/subscription-options.js';
import { UserError } from '../errors.js';
import { defineCommand } from './command.js';

/** Digests one channel may have: each is a message a day, and the list must stay readable. */
export const MAX_CHANNEL_SUBSCRIPTIONS = 50;

export default defineCommand<{ topics: string[]; time: string; timezone: string; quiet: boolean }>({
  name: 'subscribe',
  description: 'A daily digest of what is new on some topics, posted in this channel at a local time',
  usage: '{/subscribe <topics,comma-separated> <HH:MM> <time-zone> [quiet]}',
  examples: ['{/subscribe gaza,aid 08:00 Europe/London}', '{/subscribe rafah 18:30 UTC quiet}'],
  options: [
    { name: 'topics', description: 'Topics separated by commas, e.g. gaza,aid', required: true },
    { name: 'time', description: 'Local time of day, 24-hour HH:MM, e.g. 08:00', required: true },
    { name: 'timezone', description: 'IANA time zone, e.g. Europe/London', required: true },
    { name: 'mode', description: '"quiet": post nothing on days with nothing new', required: false },
  ],
  schema: z
    .object({
      topics: topicListSchema,
      time: timeSchema,
      timezone: timeZoneSchema,
      mode: z
        .string()
        .trim()
        .toLowerCase()
        .optional()
        .refine((mode) => mode === undefined || mode === 'quiet', {
          error: 'The only option after the time zone is quiet (post nothing on days with nothing new).',
        }),
    })
    .transform(({ mode, ...rest }) => ({ ...rest, quiet: mode === 'quiet' })),
  async run(services, caller, options) {
    ensureMaySubscribe(services, caller);
    const topics = resolveTopics(services, options.topics);
    const now = services.clock();
    // The store counts and inserts in one step, so two instances at once cannot pass the cap together;
    // changing the time of a subscription the channel has is always allowed.
    const saved = await services.store.saveSubscription(
      {
        id: randomUUID(),
        platform: caller.platform,
        ...(caller.workspaceId ? { workspaceId: caller.workspaceId } : {}),
        channelId: caller.channelId,
        topics,
        time: options.time,
        timezone: options.timezone,
        quiet: options.quiet,
        createdBy: caller.userId,
        createdAt: now.toISOString(),
      },
      MAX_CHANNEL_SUBSCRIPTIONS,
    );
    if (saved.channelFull !== undefined) {
      throw new UserError(
        `This channel has ${saved.channelFull} digests, the most one channel may have. Stop one first with {/unsubscribe <topic>} (see them with {/subscriptions}).`,
      );
    }
    const { subscription, created } = saved;
    services.subscriptionChanges?.saved(subscription);
    return {
      kind: 'info',
      audience: 'requester',
      title: `${created ? 'Subscribed' : 'Subscription updated'}: ${describeTopics(services, subscription)}`,
      sections: [{ heading: '', text: describeSchedule(subscription, now) }],
      footer: `See this channel's digests with {/subscriptions}; stop with {/unsubscribe ${topics[0]}}.`,
    };
  },
});
