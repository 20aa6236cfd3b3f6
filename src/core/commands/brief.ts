import { z } from 'zod';
import { buildBriefing } from '../briefing.js';
import { defineCommand } from './command.js';

export default defineCommand<{ topic: string }>({
  name: 'brief',
  description: 'The latest items on a topic, each with its summary, key points and source',
  usage: '{/brief <topic or words>}',
  examples: ['{/brief gaza}', '{/brief rafah}', '{/brief aid crossings}'],
  options: [
    {
      name: 'topic',
      description: 'A topic (see /topics) or any words',
      required: true,
      rest: true,
      autocomplete: 'topic',
    },
  ],
  schema: z.object({
    topic: z
      .string({ error: 'Say what to brief on, e.g. {/brief gaza} (see {/topics} for the list).' })
      .trim()
      .min(1, 'Say what to brief on, e.g. {/brief gaza} (see {/topics} for the list).')
      .max(200, 'That is too long for a topic: use a few words.'),
  }),
  run: (services, _caller, options) => buildBriefing(services, options.topic),
});
