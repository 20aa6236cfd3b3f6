import { z } from 'zod';
import type { BotApi } from '../../../src/core/bot-api.js';
import type { Command } from '../../../src/core/commands/command.js';
import type { CommandRequest, MessageRequest } from '../../../src/core/requests.js';
import type { ThreadKey } from '../../../src/core/store/store.js';
import type { Reply, ReplySection } from '../../../src/reply.js';

/**
 * A stand-in for the core's Bot while it is being written: the same BotApi, answering from a few
 * fixed items the way the real bot answers from the store. Only `harness.ts` should construct it.
 */

export interface FakeItem {
  id: string;
  headline: string;
  summary: string;
  keyPoints: string[];
  source: string;
  url?: string;
  date: string;
  sentences: string[];
}

interface FakeTopic {
  slug: string;
  label: string;
  aliases: string[];
}

export const TOPICS: FakeTopic[] = [
  { slug: 'gaza', label: 'Gaza', aliases: ['rafah', 'khan younis'] },
  { slug: 'ukraine', label: 'Ukraine', aliases: ['kyiv'] },
  { slug: 'sudan', label: 'Sudan', aliases: ['khartoum', 'darfur'] },
  { slug: 'red-sea', label: 'Red Sea shipping', aliases: ['houthis'] },
];

export const GAZA_ITEMS: FakeItem[] = [
  {
    id: 'gaza-talks',
    headline: 'Hostage and ceasefire talks resume with Egyptian, Qatari and US mediation',
    summary:
      'Negotiators returned to Cairo on Sunday as Egypt, Qatar and the United States pressed Israel and Hamas toward a deal to free hostages and pause the fighting.',
    keyPoints: [
      'Egypt, Qatar and the United States are mediating',
      'The proposal links a phased hostage release to a truce',
      'A Hamas delegation is expected in Cairo this week',
    ],
    source: 'Reuters',
    url: 'https://www.reuters.com/world/middle-east/gaza-talks-resume-cairo-2024-04-28/',
    date: '2024-04-28',
    sentences: [
      'Negotiators returned to Cairo on Sunday as Egypt, Qatar and the United States pressed Israel and Hamas toward a deal.',
      'Egypt and Qatar, with the United States, have mediated between the two sides since the autumn.',
      'President Biden spoke with Prime Minister Netanyahu on Sunday about the talks.',
    ],
  },
  {
    id: 'gaza-aid',
    headline: 'Aid deliveries rise as new northern crossings open',
    summary:
      'Israel agreed to open new crossings into northern Gaza, and aid agencies reported more trucks entering, though deliveries remain far below need.',
    keyPoints: [
      'New crossings into northern Gaza are opening',
      'More aid trucks entered last week',
      'Agencies say deliveries remain far below need',
    ],
    source: 'Associated Press',
    url: 'https://apnews.com/article/gaza-aid-crossings-north',
    date: '2024-04-28',
    sentences: [
      'Israel agreed to open new crossings into northern Gaza.',
      'Aid agencies reported more trucks entering, though deliveries remain far below need.',
    ],
  },
  {
    id: 'gaza-rafah',
    headline: 'Fears grow over an offensive in Rafah',
    summary:
      'Over 1.5 million civilians are sheltering in Rafah, and aid groups warned that a ground offensive there would be catastrophic.',
    keyPoints: [
      'Over 1.5 million civilians are sheltering in Rafah',
      'Aid groups warn an offensive would be catastrophic',
      'The US has asked for a credible plan to protect civilians',
    ],
    source: 'BBC News',
    url: 'https://www.bbc.co.uk/news/world-middle-east-rafah',
    date: '2024-04-29',
    sentences: [
      'Over 1.5 million civilians are sheltering in Rafah, most of them displaced from elsewhere in Gaza.',
      'Aid groups warned that a ground offensive there would be catastrophic.',
    ],
  },
];

const STOP = new Set([
  'the',
  'are',
  'how',
  'many',
  'who',
  'what',
  'when',
  'did',
  'does',
  'is',
  'in',
  'a',
  'of',
  'they',
]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9.]+/)
    .filter((w) => w.length > 2 && !STOP.has(w));
}

function commandSpec(name: string, description: string, options: Command['options']): Command {
  return {
    name,
    description,
    usage: `/${name}${options.map((o) => ` <${o.name}>`).join('')}`,
    examples: [],
    options,
    schema: z.record(z.string(), z.string().optional()) as unknown as Command['schema'],
    run: async () => ({ kind: 'info', audience: 'requester', title: name, sections: [] }),
  };
}

export const FAKE_COMMANDS: Command[] = [
  commandSpec('brief', 'The latest developments on a topic', [
    { name: 'topic', description: 'A topic, e.g. gaza', required: true, rest: true, autocomplete: 'topic' },
  ]),
  commandSpec('topics', 'The topics the bot knows', []),
  commandSpec('help', 'How to use the bot', []),
];

export class FakeBot implements BotApi {
  readonly commands = FAKE_COMMANDS;
  readonly topics: FakeTopic[] = TOPICS.map((t) => ({ ...t }));
  readonly items = new Map<string, FakeItem[]>([['gaza', GAZA_ITEMS]]);
  readonly threads = new Map<string, Reply>();

  /** Adds an item under a topic, as ingesting a document would. */
  addItem(topic: string, item: FakeItem): void {
    if (!this.topics.some((t) => t.slug === topic))
      this.topics.push({ slug: topic, label: topic, aliases: [] });
    this.items.set(topic, [item, ...(this.items.get(topic) ?? [])]);
  }

  async command(request: CommandRequest): Promise<Reply> {
    const options = 'options' in request.input ? request.input.options : { topic: request.input.text };
    switch (request.name) {
      case 'brief':
        return this.brief(options.topic ?? '');
      case 'topics':
        return {
          kind: 'info',
          audience: 'requester',
          title: 'Topics',
          sections: [{ heading: '', bullets: this.topics.map((t) => `${t.label} (${t.slug})`) }],
        };
      case 'help':
        return {
          kind: 'info',
          audience: 'requester',
          title: 'briefbot',
          sections: this.commands.map((c) => ({ heading: c.usage, text: c.description })),
        };
      default:
        return {
          kind: 'error',
          audience: 'requester',
          title: `Unknown command /${request.name}`,
          sections: [],
        };
    }
  }

  private brief(typed: string): Reply {
    const name = typed.trim().toLowerCase();
    const topic = this.topics.find((t) => t.slug === name || t.aliases.includes(name));
    if (!topic) {
      return {
        kind: 'error',
        audience: 'requester',
        title: `No topic called "${typed}"`,
        sections: [{ heading: '', text: 'Type /topics to see the topics I know.' }],
      };
    }
    const items = this.items.get(topic.slug) ?? [];
    const sections: ReplySection[] = items.map((item) => ({
      heading: item.headline,
      text: item.summary,
      bullets: item.keyPoints,
      source: { name: item.source, date: item.date, ...(item.url ? { url: item.url } : {}) },
      itemId: item.id,
    }));
    return {
      kind: 'briefing',
      audience: 'channel',
      title: `${topic.label}: latest developments`,
      intro: `${items.length} items, newest and most relevant first`,
      sections,
      footer: 'Reply in the thread to ask about these items.',
      thread: { topic: topic.slug, itemIds: items.map((i) => i.id) },
    };
  }

  async followUp(request: MessageRequest): Promise<Reply | undefined> {
    const shown = this.threads.get(`${request.channelId}|${request.threadId}`);
    if (!shown?.thread) return undefined;
    const candidates = [...this.items.values()].flat().filter((i) => shown.thread!.itemIds.includes(i.id));
    const asked = new Set(words(request.text));
    let best: { item: FakeItem; sentence: string; score: number } | undefined;
    for (const item of candidates) {
      for (const sentence of item.sentences) {
        const score = words(sentence).filter((w) => asked.has(w)).length;
        if (score > (best?.score ?? 0)) best = { item, sentence, score };
      }
    }
    if (!best) {
      return {
        kind: 'answer',
        audience: 'channel',
        title: 'Not in the briefing',
        sections: [{ heading: '', text: 'The items I have do not say.' }],
      };
    }
    return {
      kind: 'answer',
      audience: 'channel',
      title: request.text,
      sections: [
        {
          heading: '',
          text: best.sentence,
          quotes: [best.sentence],
          source: {
            name: best.item.source,
            date: best.item.date,
            ...(best.item.url ? { url: best.item.url } : {}),
          },
          itemId: best.item.id,
        },
      ],
    };
  }

  async rememberThread(key: ThreadKey, reply: Reply): Promise<void> {
    this.threads.set(`${key.channelId}|${key.threadId}`, reply);
  }

  async topicChoices(typed: string): Promise<{ name: string; value: string }[]> {
    const needle = typed.trim().toLowerCase();
    return this.topics
      .filter(
        (t) =>
          t.slug.startsWith(needle) ||
          t.label.toLowerCase().startsWith(needle) ||
          t.aliases.some((a) => a.startsWith(needle)),
      )
      .map((t) => ({ name: t.label, value: t.slug }))
      .slice(0, 25);
  }
}
