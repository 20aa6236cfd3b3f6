import { z } from 'zod';
import { buildTimeline } from '../timeline.js';
import { defineCommand } from './command.js';

export default defineCommand<{ topic: string }>({
  name: 'timeline',
  description: 'The dated developments of a topic or story, oldest first, each with its outlet',
  usage: '{/timeline <topic or words>}',
  examples: ['{/timeline rafah}', '{/timeline hostage talks}'],
  options: [
    {
      name: 'topic',
      description: 'A topic (see /topics) or words naming a story',
      required: true,
      rest: true,
      autocomplete: 'topic',
    },
  ],
  schema: z.object({
    topic: z
      .string({ error: 'Say which topic or story, e.g. {/timeline rafah} (see {/topics} for the list).' })
      .trim()
      .min(1, 'Say which topic or story, e.g. {/timeline rafah} (see {/topics} for the list).')
      .max(200, 'That is too long for a topic: use a few words.'),
  }),
  run: (services, _caller, options) => buildTimeline(services, options.topic),
});
