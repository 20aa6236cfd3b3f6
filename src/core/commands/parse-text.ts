import { UserError } from '../errors.js';
import type { Command } from './command.js';

/**
 * Maps typed text onto a command's options in order: one word each, and the option marked `rest`
 * takes everything left. Slack's `/brief` text and the console both go through here.
 */
export function parseCommandText(command: Command, text: string): Record<string, string | undefined> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const options: Record<string, string | undefined> = {};
  for (const option of command.options) {
    if (option.rest) {
      options[option.name] = words.length > 0 ? words.splice(0).join(' ') : undefined;
      break;
    }
    options[option.name] = words.shift();
  }
  if (words.length > 0) {
    throw new UserError(
      `Too many words for {/${command.name}}: "${words.join(' ')}". Usage: ${command.usage}`,
    );
  }
  return options;
}
