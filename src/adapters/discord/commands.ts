import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, OptionSpec } from '../../core/index.js';
import type { CommandSyntax } from '../../reply.js';
import { fitText, oneLine } from '../text.js';
import { DISCORD_LIMITS as L } from './types.js';

/** Command and option names: lowercase letters, digits, "-" and "_", 1-32 long. */
const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

function checkName(kind: string, name: string): string {
  if (!NAME.test(name)) {
    throw new Error(`${kind} name "${name}" is not a valid Discord name (lowercase, 1-32 of a-z 0-9 - _)`);
  }
  return name;
}

function describe(text: string, fallback: string): string {
  return fitText(oneLine(text), L.commandDescription).text || fallback;
}

function option(spec: OptionSpec) {
  return {
    type: ApplicationCommandOptionType.String as const,
    name: checkName('Option', spec.name),
    description: describe(spec.description, spec.name),
    required: spec.required,
    ...(spec.autocomplete ? { autocomplete: true } : {}),
  };
}

/**
 * Registration bodies for Discord, derived from the core's command list: one chat-input command per
 * core command, one string option per OptionSpec (Discord wants required options first), topic options
 * autocompleted. Guild-only: briefings open threads, which DMs do not have.
 */
export function buildCommandRegistrations(
  commands: readonly Pick<Command, 'name' | 'description' | 'options'>[],
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const seen = new Set<string>();
  return commands.map((command) => {
    const name = checkName('Command', command.name);
    if (seen.has(name)) throw new Error(`Command "${name}" is listed twice`);
    seen.add(name);
    if (command.options.length > L.commandOptions) {
      throw new Error(
        `Command "${name}" has ${command.options.length} options; Discord allows ${L.commandOptions}`,
      );
    }
    const options = [
      ...command.options.filter((o) => o.required),
      ...command.options.filter((o) => !o.required),
    ];
    return {
      type: ApplicationCommandType.ChatInput,
      name,
      description: describe(command.description, name),
      options: options.map(option),
      contexts: [InteractionContextType.Guild],
      integration_types: [ApplicationIntegrationType.GuildInstall],
    };
  });
}

/** Option values of a chat-input interaction, as the strings the core's schemas parse. */
export function optionStrings(
  data: readonly { name: string; value?: string | number | boolean }[],
): Record<string, string | undefined> {
  const options: Record<string, string | undefined> = {};
  for (const entry of data) {
    if (entry.value !== undefined) options[entry.name] = String(entry.value);
  }
  return options;
}

/**
 * Discord registers every command on its own and shows options by name, so a hint reads as the client
 * shows a filled-in command: `/subscribe topics:gaza time:08:00 timezone:UTC`. Words go to options in
 * order; the option marked `rest` (or the last) takes what is left.
 */
export function discordCommandSyntax(commands: readonly Pick<Command, 'name' | 'options'>[]): CommandSyntax {
  return (name, args) => {
    const words = args.split(/\s+/).filter(Boolean);
    const specs = commands.find((command) => command.name === name)?.options ?? [];
    const parts = [`/${name}`];
    for (const [index, spec] of specs.entries()) {
      if (words.length === 0) break;
      const last = spec.rest || index === specs.length - 1;
      parts.push(`${spec.name}:${last ? words.splice(0).join(' ') : words.shift()}`);
    }
    return [...parts, ...words].join(' ');
  };
}
