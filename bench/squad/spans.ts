// Training and reading the span ranker on SQuAD 2.0: for each answerable question, the sentence of its
// paragraph that holds a gold answer, every candidate span of it with its features and token F1.

import { readQuestion } from '../../src/core/answers/question.js';
import { candidateSpans, matchedWords, spanFeatures } from '../../src/core/answers/spans.js';
import { analyse } from '../../src/core/ingest/text.js';
import { type Squad, type SquadQuestion, score } from './data.js';
import type { SpanExample } from './fit.js';

export interface SpanCase extends SpanExample {
  question: SquadQuestion;
  sentence: string;
  texts: string[];
}

/** The answerable questions' gold-holding sentences, as ranker examples. */
export function spanCases(
  squad: Squad,
  sentences: readonly (readonly string[])[],
  keep: (question: SquadQuestion) => boolean,
): SpanCase[] {
  const cases: SpanCase[] = [];
  for (const question of squad.questions) {
    if (question.answers.length === 0 || !keep(question)) continue;
    const text = (sentences[question.paragraph] ?? []).find((s) =>
      question.answers.some((g) => s.includes(g)),
    );
    const sentence = text ? analyse(text)[0] : undefined;
    if (!sentence || !text) continue;
    const asked = readQuestion(question.question);
    const matched = matchedWords(asked, sentence.tokens);
    const spans = candidateSpans(sentence.tokens);
    if (spans.length === 0) continue;
    const texts = spans.map(({ from, to }) => {
      const first = sentence.tokens[from];
      const last = sentence.tokens[to];
      return first && last
        ? text.slice(first.start - sentence.start, last.start + last.text.length - sentence.start)
        : '';
    });
    cases.push({
      question,
      sentence: text,
      texts,
      features: spans.map((span) => spanFeatures(asked, sentence.tokens, matched, span)),
      f1: texts.map((candidate) => score(question, candidate).f1),
    });
  }
  return cases;
}

/** Mean F1 of the ranker's top span over the cases (the sentence is given: this reads the span choice alone). */
export function topSpanF1(cases: readonly SpanCase[], weights: readonly number[]): number {
  let sum = 0;
  for (const { features, f1 } of cases) {
    let best = 0;
    let top = -Infinity;
    features.forEach((x, j) => {
      const s = x.reduce((acc, value, i) => acc + value * (weights[i] ?? 0), 0);
      if (s > top) {
        top = s;
        best = f1[j] ?? 0;
      }
    });
    sum += best;
  }
  return cases.length ? sum / cases.length : 0;
}

/** The plain baseline: the sentence answered whole, as BM25's top sentence is. */
export function wholeSentenceF1(cases: readonly SpanCase[]): number {
  return cases.length
    ? cases.reduce((sum, c) => sum + score(c.question, c.sentence).f1, 0) / cases.length
    : 0;
}
