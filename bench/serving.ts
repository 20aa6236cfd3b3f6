// What a bot serves in the memory probes: five rounds of every bench /brief query, then each follow-up
// question asked in the thread of its topic's briefing, so the process holds what answering loads too.
import { answerQuestion } from '../src/core/answer.js';
import type { Bot } from '../src/core/bot.js';
import type { ItemStore } from '../src/core/store/store.js';
import { BRIEF_QUERIES, FOLLOW_UPS, QUERY_KINDS } from './queries.js';

export async function serveRounds(bot: Bot, store: ItemStore): Promise<void> {
  const request = { platform: 'console', channelId: 'c', userId: 'u', name: 'brief' } as const;
  for (let round = 0; round < 5; round++) {
    for (const kind of QUERY_KINDS) {
      for (const text of BRIEF_QUERIES[kind]) await bot.command({ ...request, input: { text } });
    }
  }
  for (const { topic, question } of FOLLOW_UPS) {
    const reply = await bot.command({ ...request, input: { text: topic } });
    await answerQuestion(store, question, { itemIds: reply.thread?.itemIds ?? [], turns: [] });
  }
}
