import type { CommandSyntax } from '../../reply.js';

/** Slack has one slash command: every other command is its first word (`/brief topics`). */
export function slackCommandSyntax(slashCommand = '/brief'): CommandSyntax {
  return (name, args) => [slashCommand, name === 'brief' ? '' : name, args].filter(Boolean).join(' ');
}
