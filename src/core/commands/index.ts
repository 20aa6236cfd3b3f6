import brief from './brief.js';
import type { Command } from './command.js';
import { helpCommand } from './help.js';
import sources from './sources.js';
import subscribe from './subscribe.js';
import subscriptions from './subscriptions.js';
import timeline from './timeline.js';
import topics from './topics.js';
import unsubscribe from './unsubscribe.js';

/** Every command the bot runs, listed by hand so a broken one fails to compile rather than vanish. */
export const commands: readonly Command[] = [
  brief,
  timeline,
  topics,
  sources,
  subscribe,
  subscriptions,
  unsubscribe,
  helpCommand(() => commands),
];
