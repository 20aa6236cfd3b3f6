import type { SourceDirectory, SourceStatus } from '../core/sources/status.js';
import type { FeedPollStore } from '../core/store/feed-polls.js';
import type { FeedPoller } from './feeds/poller.js';
import type { BriefingsFolder } from './folder.js';
import { feedSource } from './sources-file.js';

/** The folder and the feeds of sources.yaml, each with how it is doing: what `/sources` lists. */
export class Sources implements SourceDirectory {
  constructor(
    private readonly folder: BriefingsFolder,
    private readonly feeds: FeedPoller,
    private readonly store: FeedPollStore,
  ) {}

  async statuses(): Promise<SourceStatus[]> {
    const specs = this.feeds.feeds;
    const polls = new Map(
      (await this.store.feedPolls([...new Set(specs.map((spec) => spec.url))])).map((state) => [
        state.url,
        state,
      ]),
    );
    const feeds = specs.map((spec): SourceStatus => {
      const state = polls.get(spec.url);
      return {
        source: feedSource(spec),
        failures: state?.failures ?? 0,
        // Never polled: due at once.
        nextPoll: state?.nextPoll ?? new Date(0).toISOString(),
        ...(state
          ? {
              lastSuccess: state.lastSuccess,
              lastError: state.lastError,
              lastErrorAt: state.lastErrorAt,
              failingSince: state.failingSince,
            }
          : {}),
      };
    });
    return [this.folder.sourceStatus(), ...feeds];
  }
}
