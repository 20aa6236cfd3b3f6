import { z } from 'zod';
import type { Answer, Citation } from '../answer.js';
import type { ChatModel } from '../llm.js';
import type { Logger } from '../logger.js';

type Supported = Extract<Answer, { kind: 'answer' }>;

const ReplySchema = z.object({
  answer: z.string().trim().min(1).max(600).nullable(),
  cite: z.array(z.number().int()).default([]),
});

const SYSTEM = [
  'You answer questions about news briefings using ONLY the numbered sentences you are given.',
  'Reply with JSON and nothing else: {"answer": "<one or two plain sentences>", "cite": [<numbers of the sentences you used>]}.',
  'Do not add names, numbers, dates or facts that are not in the cited sentences. If they do not answer the question, reply {"answer": null, "cite": []}.',
].join('\n');

/** Names, numbers and dates: the claims a rephrasing could invent. */
function claims(text: string): string[] {
  const numbers = text.match(/\d[\d,.]*/g) ?? [];
  const names = (text.match(/(?<![.!?]\s|^)\b[A-Z][\p{L}'’-]+/gu) ?? []).map((name) =>
    name.replace(/['’]s$/, ''),
  );
  return [...numbers, ...names];
}

/**
 * Lets a language model word the answer, from the retrieved sentences only. What comes back is
 * checked: it must cite sentences it was given, and every name, number and date in it must stand in
 * those sentences or the question. Anything else falls back to the extractive answer.
 */
export async function rephraseAnswer(model: ChatModel, answer: Supported, logger: Logger): Promise<Answer> {
  const evidence = answer.evidence;
  const numbered = evidence.map((citation, index) => `[${index + 1}] ${citation.sentence.text}`).join('\n');
  let raw: string;
  try {
    raw = await model.complete([
      { role: 'system', content: SYSTEM },
      {
        role: 'user',
        content: `Question: ${answer.question}\n\nSentences:\n${numbered}\n\nExtracted answer: ${answer.text}`,
      },
    ]);
  } catch (error) {
    logger.warn('the language model did not answer; keeping the extractive answer', { error });
    return answer;
  }
  const json = /\{[\s\S]*\}/.exec(raw)?.[0];
  let parsed: z.infer<typeof ReplySchema> | undefined;
  try {
    parsed = json ? ReplySchema.parse(JSON.parse(json)) : undefined;
  } catch {
    parsed = undefined;
  }
  const rejected = (reason: string) => {
    logger.info('rephrased answer rejected; keeping the extractive answer', {
      reason,
      question: answer.question,
    });
    return answer;
  };
  if (!parsed?.answer) return rejected('no usable answer in the reply');
  const cited: Citation[] = [];
  for (const number of new Set(parsed.cite)) {
    const citation = evidence[number - 1];
    if (!citation) return rejected(`cites sentence ${number}, which it was never given`);
    cited.push(citation);
  }
  if (cited.length === 0) return rejected('cites nothing');
  const support =
    `${answer.question} ${cited.map((citation) => citation.sentence.text).join(' ')}`.toLowerCase();
  const unsupported = claims(parsed.answer).filter((claim) => !support.includes(claim.toLowerCase()));
  if (unsupported.length > 0) return rejected(`says what its sentences do not: ${unsupported.join(', ')}`);
  // The model's words replace the extracted answer and any date read from it.
  return { ...answer, text: parsed.answer, resolved: undefined, citations: cited };
}
