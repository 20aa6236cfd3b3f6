import type { QuestionType } from './question.js';

/** What an answer's confidence is read from, each 0..1 unless said. */
export interface Signals {
  /** Weighted share of the question's words the cited sentence holds. */
  sentence: number;
  /** How well the short answer sits beside the question's words. */
  fit: number;
  /** The sentence's relevance over the best one's. */
  rank: number;
  /** 1 when the question is negated ("who did not ..."). */
  negated: number;
  /** 1 when the question has a word of degree or order ("less", "first", "former") the sentence lacks. */
  contrast: number;
  type: QuestionType;
}

export const NUMERIC_SIGNALS = ['sentence', 'fit', 'rank', 'negated', 'contrast'] as const;

/** A logistic model's weights: a bias, one per numeric signal and one per question type. */
export type ConfidenceWeights = { bias: number; types: Record<QuestionType, number> } & Record<
  (typeof NUMERIC_SIGNALS)[number],
  number
>;

/**
 * A logistic model of "this answer is right", fitted on the SQuAD 2.0 development articles (answers
 * whose F1 is >= 0.5 against the rest and against any answer to an unanswerable question):
 * `npm run bench -- squad` refits it on the same articles and prints the weights it finds.
 *
 * Signals that read a question word's weight among the few sentences searched (how heavy the word a
 * sentence lacks is, whether another sentence has it) fit SQuAD's one-paragraph pools a little better
 * but swing with the pool's size: on a briefing's items they refused the seed's own short questions
 * ("who is mediating the talks?"), so they are left out. Negation and words of degree hold in both.
 */
export const FITTED: ConfidenceWeights = {
  bias: -2.98,
  sentence: 1.21,
  fit: 0.56,
  rank: 1.2,
  negated: -1.76,
  contrast: -0.75,
  // SQuAD asks almost nothing in reported speech ("what did X say about Y"): `said` is fitted on 4 answers.
  types: { who: 0.05, when: 0.63, quantity: 0.45, where: -0.06, what: -0.33, said: -0.19, open: -1.31 },
};

export function confidenceOf(signals: Signals, weights: ConfidenceWeights = FITTED): number {
  let z = weights.bias + weights.types[signals.type];
  for (const name of NUMERIC_SIGNALS) z += weights[name] * signals[name];
  return 1 / (1 + Math.exp(-z));
}
