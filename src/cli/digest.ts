import { parseArgs } from 'node:util';
import { renderConsole } from '../adapters/console/render.js';
import { composeDigest, digestWindowStart, topicLabels } from '../core/digests/compose.js';
import { PlatformSchema } from '../core/model.js';
import { runCli, withCore } from './run.js';

const USAGE = 'Usage: npm run digest -- --channel <id> [--platform slack|discord|console] --dry-run';

/**
 * `npm run digest -- --channel C123 --dry-run`: what each of the channel's subscriptions would post
 * if its digest were due now. Claims nothing and posts nothing: posting is the running bot's job.
 */
async function digest(args: string[]): Promise<number> {
  let values: {
    channel?: string | undefined;
    platform?: string | undefined;
    'dry-run'?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: { channel: { type: 'string' }, platform: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const platform = values.platform === undefined ? undefined : PlatformSchema.safeParse(values.platform);
  if (!values.channel || !values['dry-run'] || platform?.success === false) {
    process.stderr.write(`${USAGE}\nOnly --dry-run exists: the running bot posts digests, exactly once.\n`);
    return 2;
  }
  const channelId = values.channel;
  return withCore(async (core) => {
    const subscriptions = (await core.store.listSubscriptions()).filter(
      (s) => s.channelId === channelId && (!platform?.data || s.platform === platform.data),
    );
    if (subscriptions.length === 0) {
      process.stderr.write(`No digest subscriptions in channel ${channelId}.\n`);
      return 1;
    }
    const now = new Date();
    for (const subscription of subscriptions) {
      const since = await digestWindowStart(core.store, subscription, now);
      const reply = await composeDigest(core, subscription, { since, until: now.toISOString() });
      const labels = topicLabels(core.catalogue, subscription.topics);
      process.stdout.write(
        `# ${subscription.platform} ${channelId}: ${labels} at ${subscription.time} (${subscription.timezone})\n`,
      );
      process.stdout.write(
        reply ? renderConsole(reply) : '(quiet and nothing new: nothing would be posted)\n',
      );
      process.stdout.write('\n');
    }
    return 0;
  });
}

runCli(digest);
