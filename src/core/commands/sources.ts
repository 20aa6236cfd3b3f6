import { z } from 'zod';
import { type SourceStatus, spanText, utcTime } from '../sources/status.js';
import { defineCommand } from './command.js';

const DAY_MS = 24 * 3_600_000;

/** One source's line: last success, last error, new items in a day, next poll. */
function describe(status: SourceStatus, newItems: number, now: Date): string {
  const ago = (iso: string) => `${utcTime(iso)}, ${spanText(now.getTime() - Date.parse(iso))} ago`;
  const parts = [
    status.lastSuccess ? `Last success: ${ago(status.lastSuccess)}` : 'Last success: never yet',
    status.lastError && status.lastErrorAt
      ? `Last error: ${status.lastError} (${ago(status.lastErrorAt)})`
      : 'Last error: none',
  ];
  if (status.failingSince)
    parts.push(
      `Failing since ${utcTime(status.failingSince)}, ${status.failures} ${status.failures === 1 ? 'try' : 'tries'} in a row`,
    );
  // A feed's items are its entries; the folder's are its files (each cut into items of its own).
  const [one, many] = status.source.kind === 'feed' ? ['feed item', 'feed items'] : ['file', 'files'];
  parts.push(`${newItems} new ${newItems === 1 ? one : many} in the last 24 h`);
  if (status.nextPoll) {
    const wait = Date.parse(status.nextPoll) - now.getTime();
    parts.push(`Next poll: ${wait <= 0 ? 'due now' : `${utcTime(status.nextPoll)}, in ${spanText(wait)}`}`);
  } else parts.push('Read on every change');
  return `${parts.join('. ')}.`;
}

export default defineCommand<Record<string, never>>({
  name: 'sources',
  description: 'Every source the bot reads: last success, last error, new items and next poll',
  usage: '{/sources}',
  examples: ['{/sources}'],
  options: [],
  schema: z.object({}),
  async run(services) {
    const statuses = (await services.sources?.statuses()) ?? [];
    const now = services.clock();
    const counts = await services.store.documentsSeenSince(new Date(now.getTime() - DAY_MS).toISOString());
    const failing = statuses.filter((status) => status.failingSince).length;
    return {
      kind: 'info',
      audience: 'requester',
      title: `Sources (${statuses.length})`,
      intro:
        failing > 0
          ? `${failing} failing: the bot keeps trying them, waiting longer after each failure (at most 6 h).`
          : 'All answering.',
      sections: statuses.map((status) => ({
        heading: `${status.source.name} (${status.source.kind})`,
        text: describe(status, counts.get(status.source.id) ?? 0, now),
        ...(status.source.url ? { source: { name: status.source.name, url: status.source.url } } : {}),
      })),
      footer: 'Feeds are listed in briefings/sources.yaml; brief on a topic with {/brief <topic>}.',
    };
  },
});
