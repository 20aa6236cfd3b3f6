import type { Reply } from '../../reply.js';
import type { Adapter } from '../bot-api.js';
import type { Logger } from '../logger.js';
import type { Source } from '../model.js';
import type { FeedPollState, FeedPollStore } from '../store/feed-polls.js';
import type { SubscriptionStore } from '../store/subscriptions.js';
import type { TopicCatalogue } from '../topics.js';
import { sourceLabel, spanText, utcTime } from './status.js';

/** How long a feed fails before its subscribers hear of it, unless configured otherwise. */
export const DEFAULT_FAILURE_REPORT_MS = 3_600_000;

/** Where reports are posted: each adapter posts through the core's `postReply`. */
export type ReportPoster = Pick<Adapter, 'platform' | 'postToChannel'>;

export interface SourceReportsOptions {
  store: FeedPollStore & SubscriptionStore;
  catalogue: TopicCatalogue;
  logger: Logger;
  clock: () => Date;
  /** A feed failing this long is reported (FEED_FAILURE_REPORT_AFTER). */
  failingAfterMs?: number;
}

/**
 * Tells the channels that subscribe to a feed's topics when it has been failing for longer than the
 * threshold, and again when it answers. Each is said once: the report is claimed in the store first,
 * so a restart or another instance does not say it again. Nothing is ever disabled silently: a feed
 * keeps being polled, backed off, and the operator sees it in `/sources` and the log.
 */
export class SourceReports {
  private posters: ReportPoster[] = [];
  private readonly failingAfterMs: number;

  constructor(private readonly options: SourceReportsOptions) {
    this.failingAfterMs = options.failingAfterMs ?? DEFAULT_FAILURE_REPORT_MS;
  }

  /** The adapters that post; until attached nothing is claimed, so no report is lost before start-up. */
  attach(posters: readonly ReportPoster[]): void {
    this.posters = [...posters];
  }

  /** After each poll of a feed: its saved state and the sources that read that address. */
  async polled(state: FeedPollState, sources: readonly Source[]): Promise<void> {
    if (this.posters.length === 0 || sources.length === 0) return;
    const { store, clock, logger } = this.options;
    const now = clock();
    if (state.failures > 0 && state.failingSince && !state.failureReported) {
      const failingMs = now.getTime() - Date.parse(state.failingSince);
      if (failingMs < this.failingAfterMs) return;
      if (!(await store.markFeedFailureReported(state.url, state.failingSince, now.toISOString()))) return;
      logger.warn('feed failing: reported to its subscribers', { url: state.url, reason: state.lastError });
      await this.post(sources, failureReply(state, sources, now));
    } else if (state.failures === 0 && state.failureReported) {
      if (!(await store.clearFeedFailureReport(state.url, state.failureReported))) return;
      logger.info('feed answering again: reported to its subscribers', { url: state.url });
      await this.post(sources, recoveryReply(state, sources));
    }
  }

  /** Posts to every channel subscribed to any of the sources' topics (or a topic above one), once each. */
  private async post(sources: readonly Source[], reply: Reply): Promise<void> {
    const { catalogue, store, logger } = this.options;
    const topics = new Set(sources.flatMap((source) => source.topics));
    const subscriptions = await store.listSubscriptions();
    const channels = new Map<string, { platform: ReportPoster['platform']; channelId: string }>();
    for (const subscription of subscriptions) {
      const covered = subscription.topics.some((slug) =>
        catalogue.withDescendants(slug).some((topic) => topics.has(topic)),
      );
      if (covered)
        channels.set(`${subscription.platform}\n${subscription.channelId}`, {
          platform: subscription.platform,
          channelId: subscription.channelId,
        });
    }
    for (const { platform, channelId } of channels.values()) {
      const poster = this.posters.find((candidate) => candidate.platform === platform);
      if (!poster) continue;
      await poster.postToChannel(channelId, reply).catch((error: unknown) => {
        logger.error('could not post a source report', { platform, channelId, error });
      });
    }
  }
}

function names(sources: readonly Source[]): string {
  return [...new Set(sources.map((source) => source.name))].join(', ');
}

function failureReply(state: FeedPollState, sources: readonly Source[], now: Date): Reply {
  const since = state.failingSince ?? now.toISOString();
  const label = sourceLabel(sources[0] as Source);
  return {
    kind: 'info',
    audience: 'channel',
    title: `Source failing: ${names(sources)}`,
    sections: [
      {
        heading: '',
        text: `${label} has failed every poll for ${spanText(now.getTime() - Date.parse(since))}, since ${utcTime(since)} (${state.failures} in a row). Last error: ${state.lastError ?? 'unknown'}. Its items may be missing from briefings and digests until it answers; the bot keeps trying and will say so here when it does.`,
      },
    ],
    footer: 'See how every source is doing with {/sources}.',
  };
}

function recoveryReply(state: FeedPollState, sources: readonly Source[]): Reply {
  const label = sourceLabel(sources[0] as Source);
  const back = state.lastSuccess ? ` since ${utcTime(state.lastSuccess)}` : '';
  return {
    kind: 'info',
    audience: 'channel',
    title: `Source back: ${names(sources)}`,
    sections: [{ heading: '', text: `${label} is answering again${back}; its new items are being read.` }],
    footer: 'See how every source is doing with {/sources}.',
  };
}
