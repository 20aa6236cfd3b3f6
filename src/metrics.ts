import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { AnswerOutcome, CommandOutcome, Metrics } from './core/metrics.js';
import type { Platform } from './core/model.js';

/** The core's Metrics as Prometheus counters, with Node's process metrics beside them, on one registry. */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly commands = this.counter(
    'briefbot_commands_total',
    'Commands run, by platform, command and outcome',
    ['platform', 'command', 'outcome'],
  );
  private readonly answers = this.counter(
    'briefbot_answers_total',
    'Follow-up questions answered or refused',
    ['platform', 'outcome'],
  );
  private readonly documents = this.counter(
    'briefbot_ingest_documents_total',
    'Documents ingested (new or changed)',
  );
  private readonly ingestErrors = this.counter(
    'briefbot_ingest_errors_total',
    'Documents that failed to ingest',
  );
  private readonly feedPolls = this.counter('briefbot_feed_polls_total', 'Feed polls, by outcome', [
    'outcome',
  ]);
  private readonly claims = this.counter(
    'briefbot_digest_claims_total',
    'Digest runs claimed by this instance',
    ['platform'],
  );
  private readonly posts = this.counter('briefbot_digest_posts_total', 'Digests posted', ['platform']);
  private readonly failures = this.counter(
    'briefbot_digest_failures_total',
    'Digests given up after retries',
    ['platform'],
  );
  private readonly lateness = new Histogram({
    name: 'briefbot_digest_lateness_seconds',
    help: 'How long after its due time each digest was posted',
    labelNames: ['platform'],
    buckets: [1, 5, 15, 60, 300, 900, 3600, 21_600],
    registers: [this.registry],
  });
  private readonly rateLimits = this.counter('briefbot_rate_limited_total', 'Platform 429s waited out', [
    'platform',
  ]);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Zero series for every platform, so a dashboard shows 0 rather than "no data" before the first event.
    for (const platform of ['slack', 'discord', 'console'] satisfies Platform[]) {
      this.rateLimits.inc({ platform }, 0);
      this.posts.inc({ platform }, 0);
      this.failures.inc({ platform }, 0);
    }
    this.documents.inc(0);
    this.ingestErrors.inc(0);
  }

  command(platform: Platform, command: string, outcome: CommandOutcome): void {
    this.commands.inc({ platform, command, outcome });
  }

  answer(platform: Platform, outcome: AnswerOutcome): void {
    this.answers.inc({ platform, outcome });
  }

  ingested(documents: number, errors: number): void {
    this.documents.inc(documents);
    this.ingestErrors.inc(errors);
  }

  feedPoll(outcome: 'fetched' | 'not_modified' | 'failed'): void {
    this.feedPolls.inc({ outcome });
  }

  digestClaimed(platform: Platform): void {
    this.claims.inc({ platform });
  }

  digestPosted(platform: Platform, lateSeconds: number): void {
    this.posts.inc({ platform });
    this.lateness.observe({ platform }, lateSeconds);
  }

  digestFailed(platform: Platform): void {
    this.failures.inc({ platform });
  }

  rateLimited(platform: Platform): void {
    this.rateLimits.inc({ platform });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
