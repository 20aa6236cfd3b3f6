import type { Platform } from './model.js';

export type CommandOutcome = 'ok' | 'user_error' | 'failure';
export type AnswerOutcome = 'answered' | 'refused';

/**
 * What the bot counts, as the core and the scheduler report it. The Prometheus registry behind it
 * lives outside the core (src/metrics.ts), so the core stays free of metrics libraries.
 */
export interface Metrics {
  command(platform: Platform, command: string, outcome: CommandOutcome): void;
  answer(platform: Platform, outcome: AnswerOutcome): void;
  /** One pass over the documents: how many were ingested and how many failed. */
  ingested(documents: number, errors: number): void;
  feedPoll(outcome: 'fetched' | 'not_modified' | 'failed'): void;
  digestClaimed(platform: Platform): void;
  /** A digest posted; lateSeconds is how long after its due time it went out. */
  digestPosted(platform: Platform, lateSeconds: number): void;
  digestFailed(platform: Platform): void;
  /** A platform answered 429: the request waits its Retry-After. */
  rateLimited(platform: Platform): void;
}

const ignore = (): void => {};

/** For tests and one-shot commands: counts nothing. */
export const noMetrics: Metrics = {
  command: ignore,
  answer: ignore,
  ingested: ignore,
  feedPoll: ignore,
  digestClaimed: ignore,
  digestPosted: ignore,
  digestFailed: ignore,
  rateLimited: ignore,
};
