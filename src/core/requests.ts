import type { CommandCaller } from './commands/command.js';

/**
 * What an adapter hands the bot for a slash command. Slack and the console pass the typed text;
 * Discord passes its parsed options. Either way the command's schema validates them.
 */
export interface CommandRequest extends CommandCaller {
  /** Command name without the slash, e.g. "brief" or "topics". */
  name: string;
  input: { text: string } | { options: Record<string, string | undefined> };
}

/** A message posted in a thread the bot may have opened: a follow-up question. */
export interface MessageRequest extends CommandCaller {
  /** Opaque thread id, prefixed by platform (e.g. "slack:C123:1712.34"). */
  threadId: string;
  text: string;
}
