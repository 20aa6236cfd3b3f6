import type { z } from 'zod';
import type { Reply } from '../../reply.js';
import type { Platform } from '../model.js';
import type { BotServices } from '../services.js';

/** One option of a command: drives Discord's registration and the parsing of typed text alike. */
export interface OptionSpec {
  name: string;
  description: string;
  required: boolean;
  /** Takes the rest of the typed text, spaces included (only the last option may). */
  rest?: boolean;
  /** Platforms may offer completions from the topic catalogue. */
  autocomplete?: 'topic';
}

export interface CommandCaller {
  platform: Platform;
  workspaceId?: string;
  channelId: string;
  userId: string;
}

export interface Command<Options = Record<string, unknown>> {
  name: string;
  description: string;
  /** Shown by help: how to type it as a hint, e.g. "{/brief <topic>}" (see `fillHints`). */
  usage: string;
  examples: string[];
  options: OptionSpec[];
  /** Validates the raw option strings; its error messages are shown to the user. */
  schema: z.ZodType<Options>;
  run(services: BotServices, caller: CommandCaller, options: Options): Promise<Reply>;
}

/**
 * Checks a command against its own options type, then erases that type for the command list: the
 * bot always runs `schema` before `run`, so `run` only ever sees what the schema produced.
 */
export function defineCommand<Options>(command: Command<Options>): Command {
  return command as unknown as Command;
}
