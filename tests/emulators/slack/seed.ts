/** Replies shaped like the core's, built from the seed document (briefings/2024-04-29-biden-netanyahu-call.txt). */
import type { Reply } from '../../../src/reply.js';

export const SEED_SOURCE = {
  name: 'White House readout',
  url: 'https://www.example.org/news/2024/04/29/biden-netanyahu-call',
  date: '2024-04-29',
};

/** What `/brief gaza` shows for the seed document: its three developments. */
export function gazaBriefing(): Reply {
  return {
    kind: 'briefing',
    audience: 'channel',
    title: 'Gaza: latest developments',
    intro: '3 items from 1 source, newest first.',
    sections: [
      {
        heading: 'Biden and Netanyahu discuss hostage release and ceasefire talks',
        text: 'US President Joe Biden held discussions with Israeli Prime Minister Benjamin Netanyahu on Sunday regarding negotiations for the release of hostages held by Hamas.',
        bullets: [
          'Mediation efforts involving Egypt, Qatar, and the United States have been ongoing for months.',
          'The talks also covered efforts to establish an immediate ceasefire in Gaza.',
        ],
        source: SEED_SOURCE,
        itemId: 'item-hostages',
      },
      {
        heading: 'Aid: new northern crossings to open this week',
        text: 'Plans to open new northern crossings this week were part of their deliberations, with coordination with humanitarian organizations.',
        bullets: [
          'Israel faces mounting pressure, particularly from the United States, to allow greater aid access.',
        ],
        source: SEED_SOURCE,
        itemId: 'item-aid',
      },
      {
        heading: 'Biden reiterates opposition to an assault on Rafah',
        text: 'Netanyahu had previously pledged to deploy troops to Rafah, where over 1.5 million civilians have sought refuge.',
        bullets: ['The administration urged restraint regarding any potential assault on Rafah.'],
        source: SEED_SOURCE,
        itemId: 'item-rafah',
      },
    ],
    thread: { topic: 'gaza', itemIds: ['item-hostages', 'item-aid', 'item-rafah'] },
  };
}

export function answerFromSeed(text: string, quote: string): Reply {
  return {
    kind: 'answer',
    audience: 'channel',
    title: 'Answer',
    sections: [{ heading: '', text, quotes: [quote], source: SEED_SOURCE }],
  };
}
