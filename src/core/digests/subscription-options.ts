import { z } from 'zod';
import type { CommandCaller } from '../commands/command.js';
import { UserError } from '../errors.js';
import type { BotServices } from '../services.js';
import type { Subscription } from '../store/subscriptions.js';
import { topicLabels } from './compose.js';
import { canonicalTimeZone, formatLocal, nextOccurrence } from './local-time.js';
import { maySubscribe } from './subscription-changes.js';

/** What the subscribe commands share: option schemas whose messages say what is accepted, and wording. */

export const TOPICS_HELP = 'Name topics separated by commas, no spaces, e.g. gaza,aid (see {/topics}).';
const TIME_HELP = 'Give the time as 24-hour HH:MM, e.g. 08:00 or 18:30.';
const ZONE_HELP = 'Use an IANA time zone name such as Europe/London, America/New_York, Asia/Tokyo or UTC.';

export const topicListSchema = z
  .string({ error: `Say which topics. ${TOPICS_HELP}` })
  .trim()
  .min(1, `Say which topics. ${TOPICS_HELP}`)
  .transform((text) => [
    ...new Set(
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(z.string().max(60, 'That is too long for a topic name.'))
      .min(1, `Say which topics. ${TOPICS_HELP}`)
      .max(10, 'At most 10 topics per subscription.'),
  );

export const timeSchema = z
  .string({ error: `Say when. ${TIME_HELP}` })
  .trim()
  .superRefine((text, ctx) => {
    if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(text))
      ctx.addIssue({ code: 'custom', message: `“${text}” is not a time. ${TIME_HELP}` });
  })
  .transform((text) => text.padStart(5, '0'));

export const timeZoneSchema = z
  .string({ error: `Say which time zone. ${ZONE_HELP}` })
  .trim()
  .transform((name, ctx) => {
    const zone = canonicalTimeZone(name);
    if (!zone) {
      ctx.addIssue({ code: 'custom', message: `“${name}” is not a time zone I know. ${ZONE_HELP}` });
      return z.NEVER;
    }
    return zone;
  });

/** Topic names as typed -> catalogue slugs, so aliases ("aid") work; unknown names are a UserError. */
export function resolveTopics(services: BotServices, names: readonly string[]): string[] {
  const { catalogue } = services;
  const unknown = names.filter((name) => !catalogue.resolve(name));
  if (unknown.length > 0) {
    const near = unknown.flatMap((name) => catalogue.suggest(name, 2)).map((topic) => topic.slug);
    const hint = near.length > 0 ? ` Did you mean ${[...new Set(near)].join(', ')}?` : '';
    throw new UserError(
      `Unknown topic${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.${hint} Topics: ${catalogue.topics
        .map((topic) => topic.slug)
        .join(', ')} (aliases such as aid or rafah work too).`,
    );
  }
  return [...new Set(names.flatMap((name) => catalogue.resolve(name)?.slug ?? []))];
}

export function ensureMaySubscribe(services: BotServices, caller: CommandCaller): void {
  if (!maySubscribe(services.subscriptionAdmins, caller.platform, caller.userId)) {
    throw new UserError("Only this bot's admins can change a channel's digests. Ask one of them.");
  }
}

/** "every day at 08:00 (Europe/London), quiet; next Sat 27 Mar, 08:00" */
export function describeSchedule(subscription: Subscription, now: Date): string {
  const next = nextOccurrence(subscription.time, subscription.timezone, now);
  const quiet = subscription.quiet ? ', silent when nothing is new' : '';
  return `Every day at ${subscription.time} (${subscription.timezone})${quiet}. Next: ${formatLocal(next, subscription.timezone)}.`;
}

export function describeTopics(services: BotServices, subscription: Subscription): string {
  return topicLabels(services.catalogue, subscription.topics);
}
