import type { Platform } from '../model.js';
import type { StoryVersion } from '../stories/versions.js';

/**
 * Stored story versions and what each channel was last shown of each story, so a digest shows a
 * story it already posted only for what is new. A version is stored once however many channels saw
 * it (keyed by its content digest); a channel's view points at one.
 */
export interface StoryViewStore {
  /** The version of each story the channel was last shown; stories it never saw are absent. */
  storyViews(
    platform: Platform,
    channelId: string,
    storyIds: readonly string[],
  ): Promise<Map<string, StoryVersion>>;
  /**
   * The digest (`versionDigest`) of the version of each story the channel was last shown, reading no
   * version: a digest compares these with the stories now and reads a version only when one differs.
   */
  seenVersionDigests(
    platform: Platform,
    channelId: string,
    storyIds: readonly string[],
  ): Promise<Map<string, string>>;
  /** A stored version, by its story and digest. */
  storyVersion(storyId: string, digest: string): Promise<StoryVersion | undefined>;
  /** Records that the channel was shown these versions (at `seenAt`, ISO 8601), replacing earlier views. */
  recordStoryViews(
    platform: Platform,
    channelId: string,
    versions: readonly StoryVersion[],
    seenAt: string,
  ): Promise<void>;
}

/** The tables, for both stores (TEXT times and JSON in SQLite, timestamptz and JSONB in PostgreSQL). */
export function storyViewsMigration(dialect: 'sqlite' | 'postgres'): string {
  const time = dialect === 'sqlite' ? 'TEXT' : 'TIMESTAMPTZ';
  const json = dialect === 'sqlite' ? 'TEXT' : 'JSONB';
  return `CREATE TABLE story_versions (
    story_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    version ${json} NOT NULL,
    created_at ${time} NOT NULL,
    PRIMARY KEY (story_id, digest)
  );
  CREATE TABLE story_views (
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    story_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    seen_at ${time} NOT NULL,
    PRIMARY KEY (platform, channel_id, story_id)
  );`;
}
