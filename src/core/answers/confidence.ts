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
  type: QuestionType;
}

/**
 * A logistic model of "this answer is right", fitted on the SQuAD 2.0 development articles (answers
 * whose F1 is >= 0.5 against the rest and against any answer to an unanswerable question).
 */
const WEIGHTS = { bias: -3.74, sentence: 1.39, window: 0.37, fit: 0.08, rank: 1.55 } as const;
const TYPE_WEIGHTS: Record<QuestionType, number> = {
  who: 0.03,
  when: 0.88,
  quantity: 0.56,
  where: -0.06,
  what: -0.61,
  open: -1.02,
};

export function confidenceOf(signals: Signals): number {
  const z =
    WEIGHTS.bias +
    WEIGHTS.sentence * signals.sentence +
    WEIGHTS.window * signals.window +
    WEIGHTS.fit * signals.fit +
    WEIGHTS.rank * signals.rank +
    TYPE_WEIGHTS[signals.type];
  return 1 / (1 + Math.exp(-z));
}
