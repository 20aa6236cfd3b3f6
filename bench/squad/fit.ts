// Refits the answer confidence (src/core/answers/confidence.ts) on the development articles: a logistic
// regression of "the answer scores F1 >= 0.5" on the signals each answer carries, so the shipped weights
// can be checked against what the current extraction would fit, and the refit read on held-out articles.
import type { ConfidenceWeights, Signals } from '../../src/core/answers/confidence.js';
import { NUMERIC_SIGNALS } from '../../src/core/answers/confidence.js';
import type { QuestionType } from '../../src/core/answers/question.js';

const TYPES: readonly QuestionType[] = ['who', 'when', 'quantity', 'where', 'what', 'said', 'open'];

export interface Example {
  signals: Signals;
  right: boolean;
}

function features(signals: Signals): number[] {
  return [
    1,
    ...NUMERIC_SIGNALS.map((name) => signals[name]),
    ...TYPES.map((type) => (signals.type === type ? 1 : 0)),
  ];
}

/** Batch gradient descent with a little L2 (not on the bias), enough for ~1,500 answers and 11 weights. */
export function fitConfidence(examples: readonly Example[], steps = 4_000, rate = 0.5): ConfidenceWeights {
  const rows = examples.map((example) => ({ x: features(example.signals), y: example.right ? 1 : 0 }));
  const width = features({ sentence: 0, window: 0, fit: 0, rank: 0, type: 'who' }).length;
  const w: number[] = new Array(width).fill(0);
  const lambda = 1e-3;
  for (let step = 0; step < steps && rows.length > 0; step++) {
    const gradient: number[] = new Array(width).fill(0);
    for (const { x, y } of rows) {
      const z = x.reduce((sum, value, i) => sum + value * (w[i] ?? 0), 0);
      const error = 1 / (1 + Math.exp(-z)) - y;
      x.forEach((value, i) => {
        gradient[i] = (gradient[i] ?? 0) + error * value;
      });
    }
    for (let i = 0; i < width; i++)
      w[i] = (w[i] ?? 0) - rate * ((gradient[i] ?? 0) / rows.length + (i === 0 ? 0 : lambda * (w[i] ?? 0)));
  }
  const round = (value: number | undefined) => Math.round((value ?? 0) * 100) / 100;
  const numeric = Object.fromEntries(NUMERIC_SIGNALS.map((name, i) => [name, round(w[1 + i])])) as Record<
    (typeof NUMERIC_SIGNALS)[number],
    number
  >;
  const types = Object.fromEntries(
    TYPES.map((type, i) => [type, round(w[1 + NUMERIC_SIGNALS.length + i])]),
  ) as Record<QuestionType, number>;
  return { bias: round(w[0]), ...numeric, types };
}
