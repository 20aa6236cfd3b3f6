// Every bench `npm run bench` knows, in the order it runs them. Listed by hand so that adding one is a
// reviewed one-line change and nothing half-written under benches/ runs by accident. ingest comes before
// brief and answer-latency: they read the stores it fills (bench/fixture.ts), so its timings are of a fresh
// ingest; run alone, they fill the stores themselves, untimed.
import type { Bench } from '../types.js';
import { answerAccuracyBench } from './answer-accuracy.js';
import { answerLatencyBench } from './answer-latency.js';
import { botMemoryBench } from './bot-memory.js';
import { briefBench } from './brief.js';
import { corpusBench } from './corpus.js';
import { digestsBench } from './digests.js';
import { ingestBench } from './ingest.js';
import { soakBench } from './soak.js';
import { sourcesBench } from './sources.js';
import { squadBench } from './squad.js';
import { startupBench } from './startup.js';
import { storiesBench } from './stories.js';
import { storySummariesBench } from './story-summaries.js';
import { summariesBench } from './summaries.js';
import { topicsBench } from './topics.js';

export const BENCHES: readonly Bench[] = [
  corpusBench,
  summariesBench,
  topicsBench,
  ingestBench,
  botMemoryBench,
  briefBench,
  answerLatencyBench,
  answerAccuracyBench,
  squadBench,
  digestsBench,
  storiesBench,
  storySummariesBench,
  startupBench,
  sourcesBench,
  soakBench,
];
