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
  const width = features({ sentence: 0, fit: 0, rank: 0, negated: 0, contrast: 0, type: 'who' }).length;
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

/** One sentence's candidate spans for the ranker: their features and how well each answers (token F1). */
export interface SpanExample {
  features: number[][];
  f1: number[];
}

/**
 * Fits the span ranker (src/core/answers/spans.ts) as a softmax over each sentence's candidates whose
 * target is the candidates' F1 against the gold answer, sharpened so the best spans carry the weight;
 * Adam with a little L2, a few hundred full passes.
 */
export function fitSpanRanker(examples: readonly SpanExample[], steps = 300, rate = 0.05): number[] {
  const width = examples[0]?.features[0]?.length ?? 0;
  const w: number[] = new Array(width).fill(0);
  const m: number[] = new Array(width).fill(0);
  const v: number[] = new Array(width).fill(0);
  const lambda = 1e-3;
  const targets = examples.map(({ f1 }) => {
    const sharpened = f1.map((value) => value ** 2);
    const sum = sharpened.reduce((a, b) => a + b, 0);
    return sum > 0 ? sharpened.map((value) => value / sum) : undefined;
  });
  for (let step = 1; step <= steps; step++) {
    const gradient: number[] = new Array(width).fill(0);
    let used = 0;
    examples.forEach(({ features, f1 }, e) => {
      const target = targets[e];
      if (!target) return;
      used++;
      const scores = features.map((x) => x.reduce((sum, value, i) => sum + value * (w[i] ?? 0), 0));
      const top = Math.max(...scores);
      const exp = scores.map((score) => Math.exp(score - top));
      const z = exp.reduce((a, b) => a + b, 0);
      const expected = features.reduce((sum, _, j) => sum + ((exp[j] ?? 0) / z) * (f1[j] ?? 0), 0);
      features.forEach((x, j) => {
        const p = (exp[j] ?? 0) / z;
        // Cross-entropy to the sharpened F1, plus the expected F1 of the pick itself.
        const error = p - (target[j] ?? 0) - p * ((f1[j] ?? 0) - expected);
        if (error === 0) return;
        x.forEach((value, i) => {
          gradient[i] = (gradient[i] ?? 0) + error * value;
        });
      });
    });
    for (let i = 0; i < width; i++) {
      const g = (gradient[i] ?? 0) / Math.max(used, 1) + lambda * (w[i] ?? 0);
      m[i] = 0.9 * (m[i] ?? 0) + 0.1 * g;
      v[i] = 0.999 * (v[i] ?? 0) + 0.001 * g * g;
      const mHat = (m[i] ?? 0) / (1 - 0.9 ** step);
      const vHat = (v[i] ?? 0) / (1 - 0.999 ** step);
      w[i] = (w[i] ?? 0) - (rate * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  }
  return w.map((value) => Math.round(value * 100) / 100);
}
