import { z } from 'zod';
import { defineCommand } from './command.js';

export default defineCommand<Record<string, never>>({
  name: 'topics',
  description: 'Every topic you can brief on, with how many items each has',
  usage: '{/topics}',
  examples: ['{/topics}'],
  options: [],
  schema: z.object({}),
  async run(services) {
    const counts = await services.store.topicCounts();
    const { catalogue } = services;
    const roots = catalogue.topics.filter((topic) => !topic.parent);
    const ordered = roots.flatMap((root) =>
      catalogue.withDescendants(root.slug).flatMap((slug) => catalogue.get(slug) ?? []),
    );
    return {
      kind: 'info',
      audience: 'requester',
      title: 'Topics',
      intro: 'Brief on any of them with {/brief <topic>}; names in brackets work too.',
      sections: ordered.map((topic) => {
        const count = counts.get(topic.slug) ?? 0;
        const aliases = topic.aliases.length > 0 ? ` (${topic.aliases.slice(0, 4).join(', ')})` : '';
        const parent = topic.parent ? `, part of ${catalogue.get(topic.parent)?.label ?? topic.parent}` : '';
        return {
          heading: `${topic.slug}: ${topic.label}`,
          text: `${count} ${count === 1 ? 'item' : 'items'}${parent}${aliases}${topic.description ? `. ${topic.description}` : ''}`,
        };
      }),
    };
  },
});
