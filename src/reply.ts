/**
 * The neutral reply every adapter renders. All text is plain: no Markdown, no platform markup,
 * so each renderer escapes it once for its own platform and nothing from a document can smuggle
 * markup through.
 */
export interface ReplySource {
  name: string;
  url?: string;
  /** YYYY-MM-DD */
  date?: string;
}

/** A figure as one outlet stated it. */
export interface ReplyFigure {
  /** The quantity as written, quoted verbatim ("over 1.5 million civilians"). */
  text: string;
  source: ReplySource;
}

/** Outlets disagree on a figure: every version is shown, none picked. */
export interface ReplyFigures {
  /** What is counted ("civilians"). */
  label: string;
  values: ReplyFigure[];
}

export interface ReplySection {
  heading: string;
  /** A paragraph: a summary, or an answer. */
  text?: string;
  bullets?: string[];
  /** Sentences quoted verbatim from a source document. */
  quotes?: string[];
  source?: ReplySource;
  /** Every outlet that reported what the section shows, each linked to its own article. */
  outlets?: ReplySource[];
  /** Figures the outlets disagree on. */
  figures?: ReplyFigures[];
  /** Item this section shows, so a follow-up thread knows what the user saw. */
  itemId?: string;
}

export type ReplyKind = 'briefing' | 'digest' | 'answer' | 'info' | 'error';

export interface Reply {
  kind: ReplyKind;
  title: string;
  /** One line under the title. */
  intro?: string;
  sections: ReplySection[];
  /** Items that exist but are not shown; renderers add the sections they had to cut. */
  more?: { count: number; hint?: string; noun?: { one: string; many: string } };
  footer?: string;
  /** Set when follow-up questions under this reply should be answered from what it showed. */
  thread?: { topic?: string; itemIds: string[] };
}

/** The "N more" line, counting both what the core left out and what a renderer cut. */
export function moreLine(reply: Reply, cutSections: number): string | undefined {
  const count = (reply.more?.count ?? 0) + cutSections;
  if (count <= 0) return undefined;
  const { one, many } = reply.more?.noun ?? { one: 'item', many: 'items' };
  const noun = reply.kind === 'answer' ? 'more' : `more ${count === 1 ? one : many}`;
  const hint = reply.more?.hint ? ` (${reply.more.hint})` : '';
  return `${count} ${noun}${hint}`;
}

/** How many outlets a "Reported by" line names before it says "+N". */
export const OUTLETS_NAMED = 3;

/** "Reported by A, B, C +2": the outlets to name and how many are left over. */
export function reportedBy(outlets: readonly ReplySource[]): { named: ReplySource[]; others: number } {
  return { named: outlets.slice(0, OUTLETS_NAMED), others: Math.max(0, outlets.length - OUTLETS_NAMED) };
}

/** "civilians: “1.5 million civilians” (Reuters, 2024-04-29) · ..." as plain text, for fallbacks. */
export function figuresLine(figures: ReplyFigures): string {
  const values = figures.values.map(
    (value) => `“${value.text}” (${[value.source.name, value.source.date].filter(Boolean).join(', ')})`,
  );
  return `Sources differ on ${figures.label}: ${values.join(' · ')}`;
}

export function infoReply(title: string, text: string, kind: ReplyKind = 'info'): Reply {
  return { kind, title, sections: [{ heading: '', text }] };
}
