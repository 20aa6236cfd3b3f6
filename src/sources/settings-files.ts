import { readFile } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { parseTopicCatalogue, type TopicCatalogue } from '../core/topics.js';
import type { FeedPoller } from './feeds/poller.js';
import { type FeedSourceSpec, parseSourcesFile } from './sources-file.js';

/** A file's text, or undefined when there is none. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The feeds of sources.yaml's text (none without the file); every bad entry named with file and line. */
export function sourcesFileFeeds(text: string | undefined, path: string): FeedSourceSpec[] {
  if (text === undefined) return [];
  const parsed = parseSourcesFile(text);
  if (!parsed.ok)
    throw new UserError(
      parsed.problems.map((problem) => `${path}:${problem.line}: ${problem.message}`).join('\n'),
    );
  return parsed.feeds;
}

export interface SettingsFilesOptions {
  topicsPath: string;
  sourcesPath: string;
  /** What start-up read, so an unchanged file is not parsed again. */
  topicsText: string;
  sourcesText: string | undefined;
  catalogue: TopicCatalogue;
  feeds: FeedPoller;
  logger: Logger;
  maxYamlAliases: number;
}

/**
 * topics.yaml and sources.yaml while the bot runs: re-read before every pass over the briefings folder
 * (which an edit to either starts). A good new catalogue is taken on in place, so the pass that follows
 * tags the folder's documents again; good new sources are polled from the next round. A bad file is
 * reported once with its file and line, and what was loaded before stays in use.
 */
export class SettingsFiles {
  private topicsText: string | undefined;
  private sourcesText: string | undefined;

  constructor(private readonly options: SettingsFilesOptions) {
    this.topicsText = options.topicsText;
    this.sourcesText = options.sourcesText;
  }

  async reload(): Promise<void> {
    await this.reloadTopics();
    await this.reloadSources();
  }

  private async reloadTopics(): Promise<void> {
    const { topicsPath, catalogue, logger, maxYamlAliases } = this.options;
    const text = await readOptional(topicsPath);
    if (text === this.topicsText) return;
    this.topicsText = text;
    if (text === undefined) {
      logger.warn(`${topicsPath}: missing; the topics loaded before stay in use until it is back`);
      return;
    }
    try {
      catalogue.adopt(parseTopicCatalogue(text, topicsPath, maxYamlAliases));
      logger.info('topics.yaml changed: briefings are tagged with the new topics', {
        topics: catalogue.topics.length,
      });
    } catch (error) {
      logger.warn(`${(error as Error).message}\n(the topics loaded before stay in use until this is fixed)`);
    }
  }

  private async reloadSources(): Promise<void> {
    const { sourcesPath, feeds, logger } = this.options;
    const text = await readOptional(sourcesPath);
    if (text === this.sourcesText) return;
    this.sourcesText = text;
    try {
      const specs = sourcesFileFeeds(text, sourcesPath);
      feeds.setFeeds(specs);
      logger.info('sources.yaml changed: polling the feeds it lists now', { feeds: specs.length });
    } catch (error) {
      logger.warn(
        `${(error as Error).message}\n(the feeds loaded before are still polled until this is fixed)`,
      );
    }
  }
}
