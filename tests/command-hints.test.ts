import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { consoleCommandSyntax } from '../src/adapters/console/render.js';
import { buildCommandRegistrations, discordCommandSyntax } from '../src/adapters/discord/commands.js';
import { slackCommandSyntax } from '../src/adapters/slack/hints.js';
import type { Command } from '../src/core/commands/command.js';
import { type CommandSyntax, fillHints, type Reply, withHints } from '../src/reply.js';
import { consoleCaller, startCore } from './support/core.js';

/** Every text of a reply that the core writes (quotes and sources are document text). */
function coreTexts(reply: Reply): string[] {
  return [
    reply.title,
    reply.intro ?? '',
    reply.footer ?? '',
    reply.more?.hint ?? '',
    ...reply.sections.flatMap((section) => [section.heading, section.text ?? '', ...(section.bullets ?? [])]),
  ];
}

const PLACEHOLDER = /\{\/([a-z][a-z0-9_-]*)(?:\s+([^{}]*?))?\s*\}/g;
/** A command named outside a placeholder: "/topics", but not a URL path or "Europe/London". */
const LITERAL = /(?<![\w/.:<])\/[a-z][\w-]*/g;

/** What each platform runs when a user types `hint`: the command name, or undefined when it has none. */
interface Platform {
  name: string;
  syntax: CommandSyntax;
  runs(hint: string): { command: string; options: string[] } | undefined;
}

function platforms(commands: readonly Command[]): Platform[] {
  const names = new Set(commands.map((command) => command.name));
  const manifest = parse(readFileSync(join(import.meta.dirname, '../slack/manifest.yml'), 'utf8'));
  const slackCommands: string[] = manifest.features.slash_commands.map((c: { command: string }) => c.command);
  const registered = new Map(
    buildCommandRegistrations(commands).map((r) => [`/${r.name}`, (r.options ?? []).map((o) => o.name)]),
  );
  return [
    {
      name: 'slack',
      syntax: slackCommandSyntax('/brief'),
      runs(hint) {
        const [slash = '', first = '', ...rest] = hint.split(' ');
        if (!slackCommands.includes(slash)) return undefined;
        // The bot takes the first word as a command when it names one (Bot.route).
        return names.has(first) && first !== 'brief'
          ? { command: first, options: rest }
          : { command: 'brief', options: [first, ...rest].filter(Boolean) };
      },
    },
    {
      name: 'discord',
      syntax: discordCommandSyntax(commands),
      runs(hint) {
        const [slash = '', ...options] = hint.split(' ');
        const known = registered.get(slash);
        if (!known) return undefined;
        const unknownOption = options.find(
          (o) => /^[a-z]+:/.test(o) && !known.includes(o.split(':')[0] ?? ''),
        );
        return unknownOption ? undefined : { command: slash.slice(1), options };
      },
    },
    {
      name: 'console',
      syntax: consoleCommandSyntax,
      runs(hint) {
        const [slash = '', ...options] = hint.split(' ');
        return names.has(slash.slice(1)) ? { command: slash.slice(1), options } : undefined;
      },
    },
  ];
}

/** Commands a user might type, chosen to reach every reply the core words: found, empty, errors, lists. */
const TYPED = [
  '/brief gaza',
  '/brief rafah',
  '/timeline rafah',
  '/timeline zebras',
  '/timeline',
  '/brief xyzzy plugh',
  '/brief',
  '/topics',
  '/topics extra words',
  '/sources',
  '/help',
  '/help brief',
  '/help subscribe',
  '/help nope',
  '/nope',
  '/subscriptions',
  '/subscribe gaza 08:00 Europe/London',
  '/subscribe gaza 25:00 UTC',
  '/subscribe nowhere 08:00 UTC',
  '/subscribe gaza 08:00 Mars/Olympus',
  '/subscriptions',
  '/unsubscribe aid',
  '/unsubscribe gaza',
  '/unsubscribe',
];

describe('command hints', () => {
  test('every hint in every reply names a command its platform has, and no reply names one outright', async () => {
    const core = await startCore();
    const replies: { typed: string; reply: Reply }[] = [];
    for (const typed of TYPED) {
      const [, name = '', text = ''] = /^\/(\S+)\s*(.*)$/.exec(typed) ?? [];
      replies.push({ typed, reply: await core.bot.command({ ...consoleCaller, name, input: { text } }) });
    }
    const targets = platforms(core.bot.commands);
    const problems: string[] = [];
    let hints = 0;
    for (const { typed, reply } of replies) {
      for (const text of coreTexts(reply)) {
        for (const literal of text.replace(PLACEHOLDER, '').match(LITERAL) ?? [])
          problems.push(`${typed}: names ${literal} outright in “${text}”`);
        for (const [placeholder, name] of text.matchAll(PLACEHOLDER)) {
          hints += 1;
          for (const platform of targets) {
            const hint = fillHints(placeholder, platform.syntax);
            const runs = platform.runs(hint);
            if (runs?.command !== name)
              problems.push(
                `${typed}: ${platform.name} shows ${placeholder} as “${hint}”, which runs ${runs?.command ?? 'nothing'}`,
              );
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // The replies above do carry hints: usage lines, "see every topic", "stop with".
    expect(hints).toBeGreaterThan(20);
  });

  test('each platform writes the same hint its own way', () => {
    const commands = [
      { name: 'topics', options: [] },
      {
        name: 'unsubscribe',
        options: [{ name: 'topics', description: '', required: true }],
      },
    ];
    const hint = 'See {/topics}; stop with {/unsubscribe gaza}.';
    expect(fillHints(hint, slackCommandSyntax('/brief'))).toBe(
      'See /brief topics; stop with /brief unsubscribe gaza.',
    );
    expect(fillHints(hint, discordCommandSyntax(commands))).toBe(
      'See /topics; stop with /unsubscribe topics:gaza.',
    );
    expect(fillHints(hint, consoleCommandSyntax)).toBe('See /topics; stop with /unsubscribe gaza.');
  });

  test('fill the sections that hold one and pass the others on untouched, so a shared story section stays one object', () => {
    const story = { heading: 'Aid convoy reaches Rafah', text: 'Trucks crossed at dawn.' };
    const hinted = { heading: 'Nothing new', text: 'Try {/brief gaza}.' };
    const reply: Reply = { kind: 'digest', audience: 'channel', title: 'Digest', sections: [story, hinted] };
    const filled = withHints(reply, consoleCommandSyntax);
    expect(filled.sections[0]).toBe(story);
    expect(filled.sections[1]?.text).toBe('Try /brief gaza.');
  });
});
