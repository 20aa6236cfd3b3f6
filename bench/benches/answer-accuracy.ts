// `npm run bench -- answers`: accuracy of follow-up answers on the held-out question set
// (bench/answers/questions.ts), with refusal precision and recall and the count of unsupported claims.
import { evaluate } from '../answers/evaluate.js';
import { checkTarget } from '../targets.js';
import type { Bench } from '../types.js';

export const answerAccuracyBench: Bench = {
  name: 'answers',
  description: 'Follow-up answers: exact support, refusals and unsupported claims on the held-out questions',
  async run(ctx) {
    const { verdicts, documents, items } = await evaluate();
    const count = (outcome: string) => verdicts.filter((verdict) => verdict.outcome === outcome).length;
    const answerable = verdicts.filter((verdict) => verdict.question.expect !== null).length;
    const unanswerable = verdicts.length - answerable;
    const correct = count('correct');
    const refusedCorrectly = count('refused-correctly');
    const refusals = refusedCorrectly + count('refused-answerable');
    const unsupported = verdicts.filter((verdict) => verdict.unsupported).length;
    const exact = verdicts.filter((verdict) => verdict.exact).length;
    const accuracy = correct / answerable;
    const precision = refusals === 0 ? 1 : refusedCorrectly / refusals;
    const recall = unanswerable === 0 ? 1 : refusedCorrectly / unanswerable;
    const correctOverall = (correct + refusedCorrectly) / verdicts.length;
    for (const verdict of verdicts.filter(
      (v) => v.outcome !== 'correct' && v.outcome !== 'refused-correctly',
    )) {
      const said = verdict.answer.kind === 'answer' ? verdict.answer.text : 'refused';
      ctx.log(`  ${verdict.outcome}: ${verdict.question.question} -> ${said}`);
    }
    return {
      corpusSizes: [documents],
      tables: [
        {
          title: `${verdicts.length} questions (${answerable} answerable, ${unanswerable} not) over ${documents} documents, ${items} items`,
          columns: [
            { key: 'metric', label: 'metric' },
            { key: 'value', label: 'value', digits: 3 },
            { key: 'of', label: 'count' },
          ],
          rows: [
            {
              metric: 'exact support (cited sentence holds the answer)',
              value: accuracy,
              of: `${correct}/${answerable}`,
            },
            {
              metric: 'short answer holds the expected words',
              value: exact / answerable,
              of: `${exact}/${answerable}`,
            },
            { metric: 'refusal precision', value: precision, of: `${refusedCorrectly}/${refusals}` },
            { metric: 'refusal recall', value: recall, of: `${refusedCorrectly}/${unanswerable}` },
            {
              metric: 'answers with an unsupported claim',
              value: unsupported,
              of: `${unsupported}/${verdicts.length}`,
            },
            {
              metric: 'all questions handled right',
              value: correctOverall,
              of: `${correct + refusedCorrectly}/${verdicts.length}`,
            },
          ],
        },
        {
          title: 'Every question',
          columns: [
            { key: 'doc', label: 'document' },
            { key: 'question', label: 'question' },
            { key: 'outcome', label: 'outcome' },
            { key: 'answer', label: 'answer' },
          ],
          rows: verdicts.map((verdict) => ({
            doc: verdict.question.doc,
            question: verdict.question.question,
            outcome: verdict.outcome,
            answer:
              verdict.answer.kind === 'answer' ? verdict.answer.text.slice(0, 60) : '(not in the briefings)',
          })),
        },
      ],
      targets: [
        checkTarget('answers-correct', correctOverall, {
          corpusSize: documents,
          detail: 'answered or refused right',
        }),
        checkTarget('answers-unsupported', unsupported, { corpusSize: documents }),
      ],
      notes: [
        'Answerable questions count as correct when the cited sentence contains the expected answer.',
        'An unsupported claim is answer text that is neither verbatim in its cited sentence nor a date read from words quoted from it.',
      ],
      data: {
        verdicts: verdicts.map((v) => ({ ...v.question, outcome: v.outcome, unsupported: v.unsupported })),
      },
    };
  },
};
