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

/**
 * Who sees a reply, decided by the core: only the person who asked (Slack ephemeral, Discord's
 * ephemeral flag), or everyone in the channel or thread. The console shows both alike.
 */
export type ReplyAudience = 'requester' | 'channel';

/**
 * Text the core writes may name commands as `{/name args}`, e.g. "see every topic with {/topics}"; the
 * platform's command syntax fills each in (`/brief topics` in Slack, `/topics` in Discord and the
 * console), so no reply names a command its platform lacks. Quotes and sources are document text and
 * are never filled.
 */
export interface Reply {
  kind: ReplyKind;
  audience: ReplyAudience;
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

/** A one-paragraph reply for the person who asked. */
export function infoReply(title: string, text: string, kind: ReplyKind = 'info'): Reply {
  return { kind, audience: 'requester', title, sections: [{ heading: '', text }] };
}

/** How a platform has a command typed, for hints: Slack `('topics', '')` -> `/brief topics`. */
export type CommandSyntax = (command: string, args: string) => string;

const HINT = /\{\/([a-z][a-z0-9_-]*)(?:\s+([^{}]*?))?\s*\}/g;

/** `{/name args}` placeholders in one text, filled with the platform's syntax. */
export function fillHints(text: string, syntax: CommandSyntax): string {
  return text.replace(HINT, (_whole, name: string, args: string | undefined) => syntax(name, args ?? ''));
}

/** The reply with every hint filled in: title, intro, headings, paragraphs, bullets, footer, "more". */
export function withHints(reply: Reply, syntax: CommandSyntax): Reply {
  const fill = (text: string) => fillHints(text, syntax);
  const { more, intro, footer } = reply;
  return {
    ...reply,
    title: fill(reply.title),
    ...(intro !== undefined ? { intro: fill(intro) } : {}),
    ...(footer !== undefined ? { footer: fill(footer) } : {}),
    ...(more ? { more: { ...more, ...(more.hint !== undefined ? { hint: fill(more.hint) } : {}) } } : {}),
    sections: reply.sections.map((section) => ({
      ...section,
      heading: fill(section.heading),
      ...(section.text !== undefined ? { text: fill(section.text) } : {}),
      ...(section.bullets ? { bullets: section.bullets.map(fill) } : {}),
    })),
  };
}
