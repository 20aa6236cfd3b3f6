import { UserError } from '../errors.js';
import type { Command } from './command.js';

/** How much of the extra words an error quotes back. */
const MAX_ECHO_CHARS = 60;

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
    // Quote only the start of what was left over: a pasted megabyte should not come back in the reply.
    const extra = words.join(' ');
    const shown = extra.length > MAX_ECHO_CHARS ? `${extra.slice(0, MAX_ECHO_CHARS).trimEnd()}…` : extra;
    throw new UserError(`Too many words for {/${command.name}}: "${shown}". Usage: ${command.usage}`);
  }
  return options;
}
