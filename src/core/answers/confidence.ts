import type { QuestionType } from './question.js';

/** What an answer's confidence is read from, each 0..1 unless said. */
export interface Signals {
  /** Weighted share of the question's words the cited sentence holds. */
  sentence: number;
  /** The same with the sentences before and after. */
  window: number;
  /** How well the short answer sits beside the question's words. */
  fit: number;
  /** The sentence's relevance over the best one's. */
  rank: number;
  /** The weight of the heaviest question word the sentence and its neighbours lack, over the heaviest one's. */
  missing: number;
  /** Share of the question's words the sentence and its neighbours lack altogether. */
  unmatched: number;

  type: QuestionType;
}

/** A logistic model's weights: a bias, one per numeric signal and one per question type. */
export interface ConfidenceWeights {
  bias: number;
  sentence: number;
  window: number;
  fit: number;
  rank: number;
  missing: number;
  unmatched: number;
  types: Record<QuestionType, number>;
}

export const NUMERIC_SIGNALS = ['sentence', 'window', 'fit', 'rank', 'missing', 'unmatched'] as const;

/**
 * A logistic model of "this answer is right", fitted on the SQuAD 2.0 development articles (answers
 * whose F1 is >= 0.5 against the rest and against any answer to an unanswerable question):
 * `npm run bench -- squad` refits it on the same articles and prints the weights it finds.
 */
export const FITTED: ConfidenceWeights = {
  bias: -3.74,
  sentence: 1.39,
  window: 0.37,
  fit: 0.08,
  rank: 1.55,
  missing: 0,
  unmatched: 0,
  // SQuAD asks almost nothing in reported speech ("what did X say about Y"), so `said` has no fitted
  // weight of its own: the sentence is the answer, and coverage and rank alone say how sure it is.
  types: { who: 0.03, when: 0.88, quantity: 0.56, where: -0.06, what: -0.61, said: 0, open: -1.02 },
};

export function confidenceOf(signals: Signals, weights: ConfidenceWeights = FITTED): number {
  let z = weights.bias + weights.types[signals.type];
  for (const name of NUMERIC_SIGNALS) z += weights[name] * signals[name];
  return 1 / (1 + Math.exp(-z));
}
