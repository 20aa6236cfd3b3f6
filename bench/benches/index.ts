// Every bench `npm run bench` knows, in the order it runs them. Listed by hand so that adding one is a
// reviewed one-line change and nothing half-written under benches/ runs by accident.
import type { Bench } from '../types.js';
import { corpusBench } from './corpus.js';
import { summariesBench } from './summaries.js';

export const BENCHES: readonly Bench[] = [corpusBench, summariesBench];
