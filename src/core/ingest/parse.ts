import { createHash } from 'node:crypto';
import { parseDocument as parseYaml } from 'yaml';
import { z } from 'zod';
import { IsoDateSchema, TopicSlugSchema } from '../model.js';
import { yamlToJs } from '../yaml.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';

/** A briefing file read and checked, before it is analysed into items. */
export interface ParsedDocument {
  id: string;
  origin: string;
  /** Missing for plain-text files: the first item's headline stands in. */
  title?: string;
  source: string;
  url?: string;
  published: string;
  body: string;
  topics: string[];
  /** Where the front matter lists `topics:`, for warnings about topics the catalogue lacks. */
  topicsLine?: number | undefined;
}

/** What is wrong with a briefing file, and where, so an operator can fix it. */
export interface ParseProblem {
  origin: string;
  line: number;
  message: string;
}

export type ParseResult = { ok: true; document: ParsedDocument } | { ok: false; problem: ParseProblem };

export const BRIEFING_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

const FrontMatterSchema = z.object({
  title: z.string().trim().min(1, 'title must not be empty'),
  date: IsoDateSchema,
  source: z.string().trim().min(1).optional(),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) address' }).optional(),
  topics: z
    .union([TopicSlugSchema, z.array(TopicSlugSchema)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
});

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Parses one briefing file; `origin` is its path relative to the briefings folder. */
export function parseBriefing(
  origin: string,
  bytes: Uint8Array,
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
): ParseResult {
  const fail = (line: number, message: string): ParseResult => ({
    ok: false,
    problem: { origin, line, message },
  });
  const tooBig = oversize(origin, bytes.length, limits);
  if (tooBig) return { ok: false, problem: tooBig };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return fail(lineAt(bytes, nul), 'binary file (NUL byte): briefings are UTF-8 text');
  let raw: string;
  try {
    raw = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(1, 'not valid UTF-8 text');
  }
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const id = contentHash(text);
  const lower = origin.toLowerCase();
  const result = lower.endsWith('.txt') ? parsePlainText(text) : parseMarkdown(text, limits);
  if ('line' in result) return fail(result.line, result.message);
  // Without a named source, the file itself is the honest citation.
  const fallbackSource = origin.replace(/^.*\//, '');
  return {
    ok: true,
    document: { id, origin, source: fallbackSource, topics: [], ...result },
  };
}

type Fields = Omit<ParsedDocument, 'id' | 'origin' | 'source' | 'topics'> &
  Partial<Pick<ParsedDocument, 'source' | 'topics'>>;
type Failure = { line: number; message: string };

/** `date YYYY-MM-DD` first (the body may follow on the same line), then the body. */
function parsePlainText(text: string): Fields | Failure {
  const match = /^(\s*)date\s+(\S+)[ \t]*\n?/i.exec(text);
  const firstLine = 1 + countNewlines(text.slice(0, text.search(/\S|$/)));
  if (!match) return { line: firstLine, message: 'plain-text briefings start with a line "date YYYY-MM-DD"' };
  const date = IsoDateSchema.safeParse(match[2]);
  if (!date.success)
    return {
      line: firstLine,
      message: `bad date: ${date.error.issues[0]?.message ?? 'expected YYYY-MM-DD'}`,
    };
  const body = text.slice(match[0].length).trim();
  if (body === '') return { line: firstLine + 1, message: 'empty body: nothing after the date line' };
  return { published: date.data, body };
}

/** YAML front matter between `---` lines (title, date, source, url, topics), then Markdown. */
function parseMarkdown(text: string, limits: IngestLimits): Fields | Failure {
  const match = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!match)
    return { line: 1, message: 'Markdown briefings start with YAML front matter between "---" lines' };
  const yamlText = match[1] ?? '';
  const parsed = parseYaml(yamlText, { prettyErrors: true });
  const yamlError = parsed.errors[0];
  if (yamlError) {
    const line = 1 + (yamlError.linePos?.[0].line ?? 1);
    return { line, message: `bad front matter: ${yamlError.message.split('\n')[0]}` };
  }
  const js = yamlToJs(parsed, yamlText, limits.maxYamlAliases);
  if ('message' in js) return { line: 1 + js.line, message: `bad front matter: ${js.message}` };
  const value = js.value ?? {};
  const fields = FrontMatterSchema.safeParse(value);
  if (!fields.success) {
    const issue = fields.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const keyLine = yamlText.split('\n').findIndex((line) => line.startsWith(`${key}:`));
    const where = key === '' ? '' : `${key}: `;
    const found = key === '' ? value : (value as Record<string, unknown>)[key];
    const message =
      issue?.code === 'invalid_type'
        ? found === undefined
          ? 'missing'
          : `expected ${EXPECTED[String(issue.expected)] ?? String(issue.expected)}, found ${describeValue(found)}`
        : issue?.message;
    return { line: keyLine >= 0 ? keyLine + 2 : 1, message: `bad front matter: ${where}${message}` };
  }
  const bodyStartLine = 1 + countNewlines(match[0]);
  const body = markdownToText(text.slice(match[0].length)).trim();
  if (body === '') return { line: bodyStartLine, message: 'empty body: nothing after the front matter' };
  const { title, date, source, url, topics } = fields.data;
  // Front matter starts on line 2, after the opening "---".
  const topicsLine = yamlText.split('\n').findIndex((line) => line.startsWith('topics:')) + 2;
  return {
    title,
    published: date,
    body,
    topics,
    ...(topicsLine >= 2 ? { topicsLine } : {}),
    ...(source ? { source } : {}),
    ...(url ? { url } : {}),
  };
}

/** Plain text of Markdown prose: items quote sentences, not markup. */
function markdownToText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, '')
    .replace(/^#{1,6}\s+(.*?)\s*$/gm, (_line, heading: string) =>
      /[.!?:]$/.test(heading) ? heading : `${heading}.`,
    )
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\s*[-*+]\s+/gm, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|\W)[*_]([^*_\n]+)[*_](?=\W|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

/** The problem with a file of `size` bytes, if it is over the size limit. */
export function oversize(origin: string, size: number, limits: IngestLimits): ParseProblem | undefined {
  if (size <= limits.maxFileBytes) return undefined;
  return {
    origin,
    line: 1,
    message: `file is ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} limit: split it, or raise INGEST_MAX_FILE_SIZE`,
  };
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  array: 'a list',
  number: 'a number',
  object: 'a mapping',
};

/** What a YAML value is, in the words of someone fixing the file. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count++;
  return count;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}
