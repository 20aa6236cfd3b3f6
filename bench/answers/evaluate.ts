// Follow-up answer quality on the held-out question set: is the cited sentence the one that holds the
// expected answer, does the bot refuse exactly when the documents are silent, and does any answer
// claim something its cited sentence does not say.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Answer, answerQuestion } from '../../src/core/answer.js';
import { buildItems } from '../../src/core/ingest/items.js';
import { contentHash, parseBriefing } from '../../src/core/ingest/parse.js';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { parseTopicCatalogue } from '../../src/core/topics.js';
import { BENCH_SOURCE, loadArticles } from '../corpus.js';
import { repoRoot } from '../paths.js';
import { type EvalQuestion, QUESTIONS } from './questions.js';

export const SEED_FILE = '2024-04-29-biden-netanyahu-call.txt';
/** The BBC sample is from 2004-2005; any fixed date in that span serves for resolving dates. */
const BBC_DATE = '2005-02-01';

export interface Verdict {
  question: EvalQuestion;
  answer: Answer;
  outcome:
    | 'correct'
    | 'wrong-sentence'
    | 'refused-answerable'
    | 'refused-correctly'
    | 'answered-unanswerable';
  /** For a correct answer: the short answer itself, not only its quote, holds the expected words. */
  exact: boolean;
  /** The answer's text is not verbatim in its cited sentence (nor a date the sentence names). */
  unsupported: boolean;
  ms: number;
}

export interface Evaluation {
  verdicts: Verdict[];
  documents: number;
  items: number;
}

/** True when every claim of the answer stands in its cited sentence. */
export function supported(answer: Answer): boolean {
  if (answer.kind === 'refusal') return true;
  const sentences = answer.citations.map((citation) => citation.sentence.text);
  if (sentences.some((sentence) => sentence.includes(answer.text))) return true;
  // A resolved date quotes the words it was read from: those must be in the sentence.
  const quoted = [...answer.text.matchAll(/“([^”]+)”/g)].map((match) => match[1] ?? '');
  return quoted.length > 0 && quoted.every((words) => sentences.some((sentence) => sentence.includes(words)));
}

function judge(question: EvalQuestion, answer: Answer): Verdict['outcome'] {
  if (question.expect === null)
    return answer.kind === 'refusal' ? 'refused-correctly' : 'answered-unanswerable';
  if (answer.kind === 'refusal') return 'refused-answerable';
  const expected = question.expect.toLowerCase();
  return answer.citations.some((citation) => citation.sentence.text.toLowerCase().includes(expected))
    ? 'correct'
    : 'wrong-sentence';
}

/** Ingests the seed and the 100 BBC articles into a scratch store, then asks every question. */
export async function evaluate(): Promise<Evaluation> {
  const dir = mkdtempSync(path.join(tmpdir(), 'briefbot-answers-'));
  const store = new SqliteStore(path.join(dir, 'answers.db'));
  try {
    const briefings = path.join(repoRoot, 'briefings');
    const catalogue = parseTopicCatalogue(
      readFileSync(path.join(briefings, 'topics.yaml'), 'utf8'),
      'topics.yaml',
    );
    const seed = parseBriefing(SEED_FILE, readFileSync(path.join(briefings, SEED_FILE)));
    if (!seed.ok) throw new Error(`seed does not parse: ${seed.problem.message}`);
    const parsed = [
      { key: 'seed', document: seed.document },
      ...loadArticles().map((article) => ({
        key: article.id,
        document: {
          id: contentHash(article.body),
          origin: `bbc/${article.id}`,
          title: article.title,
          source: 'BBC News',
          published: BBC_DATE,
          body: article.body,
          topics: [],
        },
      })),
    ];
    const itemsByKey = new Map<string, string[]>();
    let items = 0;
    for (const { key, document } of parsed) {
      const built = buildItems(document, catalogue, BENCH_SOURCE);
      await store.replaceDocument(built.document, built.items, new Date().toISOString());
      itemsByKey.set(
        key,
        built.items.map((item) => item.id),
      );
      items += built.items.length;
    }
    const verdicts: Verdict[] = [];
    for (const question of QUESTIONS) {
      // Asked in the thread under a briefing of the question's document, as a user would.
      const context = { itemIds: itemsByKey.get(question.doc) ?? [], turns: [] };
      const started = performance.now();
      const answer = await answerQuestion(store, question.question, context);
      const ms = performance.now() - started;
      const outcome = judge(question, answer);
      const expected = question.expect?.toLowerCase() ?? '';
      const exact =
        outcome === 'correct' && answer.kind === 'answer' && answer.text.toLowerCase().includes(expected);
      verdicts.push({ question, answer, outcome, exact, unsupported: !supported(answer), ms });
    }
    return { verdicts, documents: parsed.length, items };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
