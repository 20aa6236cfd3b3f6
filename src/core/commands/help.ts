import { z } from 'zod';
import { type Command, defineCommand } from './command.js';

/** Help lists the commands it is given, so it never drifts from what the bot runs. */
export function helpCommand(listCommands: () => readonly Command[]): Command {
  return defineCommand<{ command?: string | undefined }>({
    name: 'help',
    description: 'What the bot can do and how to ask',
    usage: '{/help [command]}',
    examples: ['{/help}', '{/help brief}'],
    options: [{ name: 'command', description: 'A command to explain', required: false }],
    schema: z.object({ command: z.string().trim().toLowerCase().optional() }),
    async run(_services, _caller, options) {
      const commands = listCommands();
      const wanted = options.command?.replace(/^\//, '');
      const chosen = wanted ? commands.filter((command) => command.name === wanted) : commands;
      if (wanted && chosen.length === 0) {
        return {
          kind: 'error',
          audience: 'requester',
          title: `No command “${wanted}”`,
          sections: [
            { heading: '', text: `Commands: ${commands.map((command) => `{/${command.name}}`).join(', ')}.` },
          ],
        };
      }
      return {
        kind: 'info',
        audience: 'requester',
        title: wanted ? `{/${wanted}}` : 'briefbot: sourced briefings on the news you follow',
        ...(wanted
          ? {}
          : {
              intro: 'Every answer quotes the stored documents and names its source.',
            }),
        sections: [
          ...chosen.map((command) => ({
            heading: command.usage,
            text: command.description,
            bullets: command.examples.map((example) => `e.g. ${example}`),
          })),
          ...(wanted
            ? []
            : [
                {
                  heading: 'Follow-up questions',
                  text: 'Reply under a briefing (in its thread, or on the next line in the console) with a question: the answer quotes the briefings, or says plainly that they do not say.',
                  bullets: [
                    'how many civilians are in Rafah?',
                    'who is mediating the talks?',
                    'when did Biden and Netanyahu speak?',
                  ],
                },
              ]),
        ],
      };
    },
  });
}
