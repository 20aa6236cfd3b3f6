import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type Source, TopicSlugSchema } from '../core/model.js';

/** A feed named in briefings/sources.yaml. */
export interface FeedSourceSpec {
  /** `feed:<url>`, or `feed:<id>` when the entry gives an id (two entries may share a URL). */
  id: string;
  url: string;
  /** Outlet name shown under items; the feed's own title when not given. */
  name?: string | undefined;
  intervalMs: number;
  topics: string[];
  fullText: boolean;
}

/** The feed as the core sees a source: named by its outlet (else its host), with its topics. */
export function feedSource(spec: FeedSourceSpec): Source {
  return {
    id: spec.id,
    kind: 'feed',
    name: spec.name ?? new URL(spec.url).host,
    url: spec.url,
    topics: spec.topics,
  };
}

export const DEFAULT_POLL_INTERVAL_MS = 15 * 60_000;
const MIN_POLL_INTERVAL_MS = 60_000;

const DURATION = /^(\d+)\s*(s|m|h)$/;

const FeedSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) address' }),
  id: z.string().trim().min(1).optional(),
  name: z.string().trim().min(1).optional(),
  every: z
    .string()
    .regex(DURATION, 'every is a duration like 90s, 15m or 2h')
    .transform((value) => {
      const [, amount, unit] = DURATION.exec(value) ?? [];
      return Number(amount) * { s: 1000, m: 60_000, h: 3_600_000 }[unit as 's' | 'm' | 'h'];
    })
    .refine((ms) => ms >= MIN_POLL_INTERVAL_MS, 'every must be at least 1m: feeds are polled politely')
    .optional(),
  topics: z
    .union([TopicSlugSchema, z.array(TopicSlugSchema)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
  fullText: z.boolean().default(true),
});

export interface SourcesFileProblem {
  line: number;
  message: string;
}

export type SourcesFile =
  | { ok: true; feeds: FeedSourceSpec[] }
  | { ok: false; problems: SourcesFileProblem[] };

/** Reads sources.yaml; every bad entry is reported with its line, and none of the file is used then. */
export function parseSourcesFile(text: string): SourcesFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        line: error.linePos?.[0].line ?? 1,
        message: error.message.split('\n')[0] ?? 'bad YAML',
      })),
    };
  }
  const value = document.toJS() as unknown;
  if (value === null || value === undefined) return { ok: true, feeds: [] };
  const feeds = (value as { feeds?: unknown }).feeds;
  if (typeof value !== 'object' || (feeds !== undefined && !Array.isArray(feeds))) {
    return { ok: false, problems: [{ line: 1, message: 'expected "feeds:" followed by a list of feeds' }] };
  }
  const problems: SourcesFileProblem[] = [];
  const specs: FeedSourceSpec[] = [];
  const ids = new Map<string, number>();
  for (const [index, entry] of ((feeds ?? []) as unknown[]).entries()) {
    const node = document.getIn(['feeds', index], true) as { range?: [number, number, number] } | undefined;
    const line = lineAt(node?.range?.[0]);
    const parsed = FeedSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        const keyNode =
          key === undefined ? undefined : (document.getIn(['feeds', index, key], true) as typeof node);
        const where = key === undefined ? '' : `${String(key)}: `;
        const message =
          issue.code === 'invalid_type' && issue.input === undefined ? 'missing' : issue.message;
        problems.push({
          line: keyNode?.range ? lineAt(keyNode.range[0]) : line,
          message: `${where}${message}`,
        });
      }
      continue;
    }
    const { url, id, name, every, topics, fullText } = parsed.data;
    const sourceId = `feed:${id ?? url}`;
    const earlier = ids.get(sourceId);
    if (earlier !== undefined) {
      problems.push({
        line,
        message: `the same feed as line ${earlier}: give one of them an id to follow the URL twice`,
      });
      continue;
    }
    ids.set(sourceId, line);
    specs.push({ id: sourceId, url, name, intervalMs: every ?? DEFAULT_POLL_INTERVAL_MS, topics, fullText });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, feeds: specs };
}
