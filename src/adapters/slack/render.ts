/**
 * Reply -> Block Kit. Pure: no Bolt, no network.
 *
 * Every piece of text that comes from the Reply is plain text from documents or the core; it is
 * sanitised, escaped (`&`, `<`, `>` only, as Slack asks) and fitted to its budget here, once. The only
 * markup in the output is the renderer's own: `*bold*` headings, `•` bullets, `>` quote lines and
 * `<url|name>` links built from ReplySource.url after checking it is http(s).
 */
import {
  moreLine,
  type Reply,
  type ReplyFigures,
  type ReplySection,
  type ReplySource,
  reportedBy,
} from '../../reply.js';
import { type Fitted, fitText as fitKit, httpUrl, oneLine, sanitize } from '../text.js';
import type { ContextBlock, MrkdwnText, SlackBlock, SlackMessage } from './types.js';

/** Slack's published Block Kit limits (and a safe cap for the undocumented total size). */
export const BLOCK_KIT_LIMITS = {
  blocks: 50,
  headerText: 150,
  textObject: 3_000,
  sectionText: 3_000,
  contextElements: 10,
  /** Slack answers `msg_blocks_too_long` somewhere around 13k characters of blocks JSON. */
  blocksJson: 12_000,
  messageText: 40_000,
} as const;

/** A budget for one text: its length as sent, and its length once JSON-encoded. */
export interface TextBudget {
  chars: number;
  json: number;
}

/** What the renderer allows itself: inside the limits, with room to spare. */
export const RENDER_BUDGET = {
  blocksJson: 10_000,
  header: { chars: BLOCK_KIT_LIMITS.headerText, json: 320 },
  intro: { chars: 1_000, json: 1_400 },
  section: { chars: BLOCK_KIT_LIMITS.sectionText, json: 4_000 },
  heading: { chars: 250, json: 400 },
  paragraph: { chars: 1_800, json: 2_400 },
  bullet: { chars: 400, json: 600 },
  quote: { chars: 700, json: 1_000 },
  sourceName: { chars: 200, json: 300 },
  urlChars: 1_000,
  footerElement: { chars: 500, json: 700 },
  fallback: { chars: 3_000, json: 4_000 },
} as const;

const SEPARATOR = ' · ';
/** Below this many characters a truncated line is not worth showing. */
const MIN_USEFUL_LINE = 40;

/* --------------------------------- text ---------------------------------- */

/** Escapes the three characters Slack treats as markup. Nothing else needs escaping. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A paragraph: single newlines kept, blank-line runs collapsed, other whitespace runs collapsed. */
function paragraph(text: string | undefined): string {
  return sanitize(text ?? '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function jsonLength(text: string): number {
  return JSON.stringify(text).length - 2;
}

function costOf(text: string): TextBudget {
  return { chars: text.length, json: jsonLength(text) };
}

function fits(cost: TextBudget, budget: TextBudget): boolean {
  return cost.chars <= budget.chars && cost.json <= budget.json;
}

function minus(budget: TextBudget, cost: TextBudget): TextBudget {
  return { chars: budget.chars - cost.chars, json: budget.json - cost.json };
}

/** The kit's `fitText` measured as Slack counts: characters and JSON-escaped length, on mrkdwn-escaped text. */
function fitWithInfo(text: string, budget: TextBudget): Fitted {
  return fitKit(text, budget.chars, {
    escape: escapeMrkdwn,
    fits: (escaped) => jsonLength(escaped) <= budget.json,
  });
}

/** Escapes `text` and fits it to `budget`, cut at a word boundary with an ellipsis when too long. */
export function fitText(text: string, budget: TextBudget): string {
  return fitWithInfo(text, budget).text;
}

/* --------------------------------- links --------------------------------- */

/** The URL as it may appear inside `<url|name>`, or undefined unless it is a plain http(s) URL. */
export function safeLinkUrl(raw: string | undefined): string | undefined {
  const url = httpUrl(raw, RENDER_BUDGET.urlChars);
  if (!url) return undefined;
  const href = url.href.replace(/\|/g, '%7C').replace(/&/g, '&amp;');
  if (href.length > RENDER_BUDGET.urlChars || /[\s<>"]/.test(href)) return undefined;
  return href;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `<url|name> · date`, the link only from a checked URL; undefined when there is nothing to show. */
export function sourceLine(source: ReplySource | undefined): string | undefined {
  if (!source) return undefined;
  const url = safeLinkUrl(source.url);
  let name = fitText(oneLine(source.name), RENDER_BUDGET.sourceName);
  if (!name && url) name = escapeMrkdwn(new URL(source.url ?? '').hostname);
  const label = url ? `<${url}|${name}>` : name;
  const date = source.date && ISO_DATE.test(source.date.trim()) ? source.date.trim() : undefined;
  const parts = [label, date].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(SEPARATOR) : undefined;
}

/* -------------------------------- blocks --------------------------------- */

function mrkdwn(text: string): MrkdwnText {
  // verbatim: Slack must not turn bare URLs, #channels or @names in document text into links or mentions.
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Builds a section's mrkdwn text line by line within the section budget. */
class LineBuilder {
  private readonly lines: string[] = [];
  private remaining: TextBudget;
  private full = false;

  constructor(budget: TextBudget) {
    this.remaining = budget;
  }

  /** Adds `prefix + escaped(text) + suffix`; once the section budget cut a line, later lines are dropped. */
  add(text: string, cap: TextBudget, prefix = '', suffix = ''): void {
    if (this.full || !text) return;
    const separator = this.lines.length > 0 ? '\n' : '';
    const room = minus(this.remaining, costOf(`${separator}${prefix}${suffix}`));
    const limitedByRoom = room.chars < cap.chars || room.json < cap.json;
    const budget = { chars: Math.min(cap.chars, room.chars), json: Math.min(cap.json, room.json) };
    if (budget.chars < MIN_USEFUL_LINE || budget.json < MIN_USEFUL_LINE) {
      this.full = true;
      return;
    }
    const fitted = fitWithInfo(text, budget);
    if (!fitted.text) return;
    const line = `${prefix}${fitted.text}${suffix}`;
    this.lines.push(line);
    this.remaining = minus(this.remaining, costOf(`${separator}${line}`));
    if (fitted.truncated && limitedByRoom) this.full = true;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

function renderSection(section: ReplySection): SlackBlock[] {
  const lines = new LineBuilder(RENDER_BUDGET.section);
  const heading = oneLine(section.heading);
  if (heading) lines.add(heading, RENDER_BUDGET.heading, '*', '*');
  lines.add(paragraph(section.text), RENDER_BUDGET.paragraph);
  for (const bullet of section.bullets ?? []) lines.add(oneLine(bullet), RENDER_BUDGET.bullet, '• ');
  for (const quote of section.quotes ?? []) lines.add(oneLine(quote), RENDER_BUDGET.quote, '> ');
  for (const figures of section.figures ?? []) lines.add(figuresText(figures), RENDER_BUDGET.quote, '≠ ');
  const blocks: SlackBlock[] = [];
  const text = lines.text();
  if (text) blocks.push({ type: 'section', text: mrkdwn(text) });
  const source = section.outlets?.length
    ? reportedByLine(section.outlets, section.source?.date)
    : sourceLine(section.source);
  if (source) blocks.push({ type: 'context', elements: [mrkdwn(source)] });
  return blocks;
}

/** Plain text of a disagreement (escaped with the line): each figure quoted with outlet and date. */
function figuresText(figures: ReplyFigures): string {
  const values = figures.values.map((value) => {
    const date = value.source.date && ISO_DATE.test(value.source.date) ? `, ${value.source.date}` : '';
    return `“${oneLine(value.text)}” (${oneLine(value.source.name)}${date})`;
  });
  return `Sources differ on ${oneLine(figures.label)}: ${values.join(' · ')}`;
}

/** "Reported by <url|A>, <url|B>, <url|C> +2", each name a checked link, inside one context element. */
function reportedByLine(outlets: readonly ReplySource[], date: string | undefined): string {
  const { named, others } = reportedBy(outlets);
  let line = 'Reported by';
  let left = others;
  for (const [index, outlet] of named.entries()) {
    const link = sourceLine({ name: outlet.name, ...(outlet.url ? { url: outlet.url } : {}) });
    if (!link) continue;
    const next = `${line}${index > 0 && line !== 'Reported by' ? ',' : ''} ${link}`;
    // Room kept for " +N" and for JSON escaping within one context element.
    if (!fits(costOf(next), minus(RENDER_BUDGET.paragraph, { chars: 24, json: 24 }))) {
      left += named.length - index;
      break;
    }
    line = next;
  }
  const when = date && ISO_DATE.test(date.trim()) ? `${SEPARATOR}${date.trim()}` : '';
  return `${line}${left > 0 ? ` +${left}` : ''}${when}`;
}

function footerBlock(reply: Reply, cutSections: number): ContextBlock | undefined {
  const elements = [moreLine(reply, cutSections), reply.footer]
    .map((text) => fitText(oneLine(text), RENDER_BUDGET.footerElement))
    .filter((text) => text.length > 0)
    .slice(0, BLOCK_KIT_LIMITS.contextElements)
    .map(mrkdwn);
  return elements.length > 0 ? { type: 'context', elements } : undefined;
}

/** Each block as JSON: summed to measure (brackets and commas are `arrayJsonExtra`), joined to send. */
function blocksJson(blocks: readonly SlackBlock[]): string[] {
  return blocks.map((block) => JSON.stringify(block));
}

function totalLength(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + text.length, 0);
}

/** What joining `count` blocks into a JSON array adds: `[a,b]` adds 3. */
function arrayJsonExtra(count: number): number {
  return Math.max(0, count - 1) + 2;
}

/** A section's line in the notification text: its heading, or else its text or its first bullet. */
function fallbackLine(section: ReplySection): string {
  return oneLine(section.heading) || oneLine(section.text) || oneLine(section.bullets?.[0]);
}

/** The notification text: the title, the intro, a line for each section shown (`shownLines`), the rest counted. */
function fallbackText(reply: Reply, shownLines: readonly string[], cutSections: number): string {
  const lines = [oneLine(reply.title), oneLine(reply.intro)];
  for (const line of shownLines) if (line) lines.push(`• ${line}`);
  lines.push(oneLine(moreLine(reply, cutSections)));
  const text = fitText(lines.filter(Boolean).join('\n'), RENDER_BUDGET.fallback);
  return text || 'briefbot';
}

export interface RenderResult extends SlackMessage {
  /** Sections of the reply that did not fit and were counted into the "N more" line. */
  cutSections: number;
}

/**
 * Each section's blocks, their JSON and its length, kept while the section lives: the digests of a
 * minute share their story sections (see compose.ts), and a section renders the same wherever it appears.
 */
const renderedSections = new WeakMap<
  ReplySection,
  { blocks: SlackBlock[]; json: string[]; length: number; line: string }
>();

/** Renders a reply as a Block Kit message that stays inside every Slack limit. */
export function renderReply(reply: Reply): RenderResult {
  const head: SlackBlock[] = [];
  const title = fitText(oneLine(reply.title), RENDER_BUDGET.header);
  if (title) head.push({ type: 'header', text: { type: 'plain_text', text: title } });
  const intro = fitText(paragraph(reply.intro), RENDER_BUDGET.intro);
  if (intro) head.push({ type: 'section', text: mrkdwn(intro) });

  // Room for the footer at its largest: every section cut.
  const worstFooter = footerBlock(reply, reply.sections.length);
  const footerReserve = {
    blocks: worstFooter ? 1 : 0,
    json: worstFooter ? JSON.stringify(worstFooter).length + 1 : 0,
  };

  const body: SlackBlock[] = [];
  const shownLines: string[] = [];
  let cutSections = 0;
  // The blocks so far, measured as they are added rather than the whole list again for every section.
  const json = blocksJson(head);
  let usedJson = totalLength(json);
  for (const [index, section] of reply.sections.entries()) {
    let rendered = renderedSections.get(section);
    if (!rendered) {
      const blocks = renderSection(section);
      const pieces = blocksJson(blocks);
      rendered = { blocks, json: pieces, length: totalLength(pieces), line: fallbackLine(section) };
      renderedSections.set(section, rendered);
    }
    const { blocks } = rendered;
    if (blocks.length === 0) continue;
    const count = head.length + body.length + blocks.length;
    const length = usedJson + rendered.length;
    // Keep room for the footer at its largest, which any cut makes necessary.
    const tooMany = count + footerReserve.blocks > BLOCK_KIT_LIMITS.blocks;
    const tooBig = length + arrayJsonExtra(count) + footerReserve.json > RENDER_BUDGET.blocksJson;
    if (tooMany || tooBig) {
      cutSections = reply.sections.length - index;
      break;
    }
    body.push(...blocks);
    json.push(...rendered.json);
    shownLines.push(rendered.line);
    usedJson = length;
  }

  const footer = footerBlock(reply, cutSections);
  const blocks = [...head, ...body, ...(footer ? [footer] : [])];
  if (footer) json.push(JSON.stringify(footer));
  const text = fallbackText(reply, shownLines, cutSections);
  if (blocks.length === 0) {
    const only: SlackBlock = { type: 'section', text: mrkdwn(text) };
    blocks.push(only);
    json.push(JSON.stringify(only));
  }
  return {
    text,
    blocks,
    blocksJson: `[${json.join(',')}]`,
    cutSections,
  };
}
