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

export interface ReplySection {
  heading: string;
  /** A paragraph: a summary, or an answer. */
  text?: string;
  bullets?: string[];
  /** Sentences quoted verbatim from a source document. */
  quotes?: string[];
  source?: ReplySource;
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
  more?: { count: number; hint?: string };
  footer?: string;
  /** Set when follow-up questions under this reply should be answered from what it showed. */
  thread?: { topic?: string; itemIds: string[] };
}

/** The "N more" line, counting both what the core left out and what a renderer cut. */
export function moreLine(reply: Reply, cutSections: number): string | undefined {
  const count = (reply.more?.count ?? 0) + cutSections;
  if (count <= 0) return undefined;
  const noun = reply.kind === 'answer' ? 'more' : count === 1 ? 'more item' : 'more items';
  const hint = reply.more?.hint ? ` (${reply.more.hint})` : '';
  return `${count} ${noun}${hint}`;
}

export function infoReply(title: string, text: string, kind: ReplyKind = 'info'): Reply {
  return { kind, title, sections: [{ heading: '', text }] };
}
