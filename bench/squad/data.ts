// SQuAD 2.0 (../shared/data/squad2, read in place): the questions, the official EM/F1 scoring as its README
// ports evaluate-v2.0.py, and the split by article that keeps a held-out half the refusal threshold was
// not fitted on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../paths.js';

const SquadSchema = z.object({
  data: z.array(
    z.object({
      title: z.string(),
      paragraphs: z.array(
        z.object({
          context: z.string(),
          qas: z.array(
            z.object({
              id: z.string(),
              question: z.string(),
              is_impossible: z.boolean(),
              answers: z.array(z.object({ text: z.string(), answer_start: z.number() })),
            }),
          ),
        }),
      ),
    }),
  ),
});

export interface SquadQuestion {
  id: string;
  article: string;
  /** Index of the paragraph in the whole file. */
  paragraph: number;
  question: string;
  /** Gold answer texts; empty for an unanswerable question. */
  answers: string[];
}

export interface SquadParagraph {
  article: string;
  context: string;
}

export interface Squad {
  paragraphs: SquadParagraph[];
  questions: SquadQuestion[];
  articles: string[];
}

export function squadDataFile(): string {
  return path.resolve(repoRoot, '../shared/data/squad2/dev-v2.0-part.json');
}

export function loadSquad(file = squadDataFile()): Squad {
  const parsed = SquadSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not SQuAD 2.0 JSON: ${parsed.error.message}`);
  const paragraphs: SquadParagraph[] = [];
  const questions: SquadQuestion[] = [];
  for (const article of parsed.data.data) {
    for (const paragraph of article.paragraphs) {
      const index = paragraphs.push({ article: article.title, context: paragraph.context }) - 1;
      for (const qa of paragraph.qas)
        questions.push({
          id: qa.id,
          article: article.title,
          paragraph: index,
          question: qa.question,
          answers: qa.is_impossible ? [] : qa.answers.map((answer) => answer.text),
        });
    }
  }
  return { paragraphs, questions, articles: parsed.data.data.map((article) => article.title) };
}

/**
 * Every other article is held out: the threshold is fitted on the development half and read on the
 * other, so a rule that only fits the articles it was tuned on shows as a gap between the two.
 */
export function splitOf(squad: Squad, article: string): 'dev' | 'held-out' {
  return squad.articles.indexOf(article) % 2 === 0 ? 'dev' : 'held-out';
}

const PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

export function normalizeAnswer(s: string): string {
  const noPunc = [...s.toLowerCase()].filter((ch) => !PUNCT.has(ch)).join('');
  const noArticles = noPunc.replace(/(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, ' ');
  return noArticles.split(/\s+/).filter(Boolean).join(' ');
}

const tokens = (s: string) => (s ? normalizeAnswer(s).split(' ').filter(Boolean) : []);

function exactMatch(gold: string, prediction: string): number {
  return normalizeAnswer(gold) === normalizeAnswer(prediction) ? 1 : 0;
}

function tokenF1(gold: string, prediction: string): number {
  const g = tokens(gold);
  const p = tokens(prediction);
  if (g.length === 0 || p.length === 0) return g.length === p.length ? 1 : 0;
  const left = new Map<string, number>();
  for (const t of g) left.set(t, (left.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const n = left.get(t) ?? 0;
    if (n > 0) {
      same++;
      left.set(t, n - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** The official per-question scores: "" is a refusal, right only for an unanswerable question. */
export function score(question: SquadQuestion, prediction: string): { em: number; f1: number } {
  const golds = question.answers.filter((answer) => normalizeAnswer(answer) !== '');
  if (golds.length === 0) golds.push('');
  return {
    em: Math.max(...golds.map((gold) => exactMatch(gold, prediction))),
    f1: Math.max(...golds.map((gold) => tokenF1(gold, prediction))),
  };
}
