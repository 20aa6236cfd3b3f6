import { z } from 'zod';
import { nextOccurrence } from '../digests/local-time.js';
import { describeSchedule, describeTopics } from '../digests/subscription-options.js';
import { defineCommand } from './command.js';

/** Digests listed per page: well inside one Slack message (50 blocks) and one Discord embed (25 fields). */
export const SUBSCRIPTIONS_PAGE_SIZE = 20;

export default defineCommand<{ page: number }>({
  name: 'subscriptions',
  description: "This channel's daily digests and when each comes next",
  usage: '{/subscriptions [page]}',
  examples: ['{/subscriptions}', '{/subscriptions 2}'],
  options: [{ name: 'page', description: 'Which page of the list, from 1', required: false }],
  schema: z
    .object({
      page: z
        .string()
        .trim()
        .regex(/^[1-9]\d{0,3}$/, { error: 'The page is a whole number from 1, e.g. 2.' })
        .optional(),
    })
    .transform(({ page }) => ({ page: Number(page ?? 1) })),
  async run(services, caller, { page }) {
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
    const pages = Math.ceil(subscriptions.length / SUBSCRIPTIONS_PAGE_SIZE);
    if (page > pages) {
      return {
        kind: 'info',
        audience: 'requester',
        title: `No page ${page}`,
        sections: [
          {
            heading: '',
            text: `This channel's ${subscriptions.length} digests fill ${pages} page${pages === 1 ? '' : 's'}: see the first with {/subscriptions}.`,
          },
        ],
      };
    }
    const shown = subscriptions.slice((page - 1) * SUBSCRIPTIONS_PAGE_SIZE, page * SUBSCRIPTIONS_PAGE_SIZE);
    const stop = 'Stop one with {/unsubscribe <topic>}, or all with {/unsubscribe all}.';
    return {
      kind: 'info',
      audience: 'requester',
      title: `Digests in this channel (${subscriptions.length})`,
      ...(pages > 1 ? { intro: `Page ${page} of ${pages}, soonest first.` } : {}),
      sections: shown.map((subscription) => ({
        heading: describeTopics(services, subscription),
        text: describeSchedule(subscription, now),
      })),
      footer: page < pages ? `Next page: {/subscriptions ${page + 1}}. ${stop}` : stop,
    };
  },
});
