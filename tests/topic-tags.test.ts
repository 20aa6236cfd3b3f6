import { describe, expect, it } from 'vitest';
import { brief, briefingsFolder, startCore } from './support/core.js';

const TOPICS = `topics:
  - slug: world
    label: World
    keywords: [world, international, foreign minister, united nations]
  - slug: sport
    label: Sport
    keywords: [tennis, final, champion, match, tournament]
  - slug: aviation
    label: Aviation
    keywords: [airline, airlines, airport, flights]
`;

const TENNIS = `---
title: Nadal beats Federer to reach the final in Paris
date: 2024-06-07
source: Sports Wire
---
Rafael Nadal beat Roger Federer in four sets on Friday to reach the final of the tournament in Paris. The Spaniard broke serve three times in the fourth set and finished the match with an ace. Federer had won the first set on a tie-break after saving two set points. The former world No. 1 had not dropped a set before the semi-final. Nadal will face the defending champion in the final on Sunday afternoon.
`;

const SUMMIT = `---
title: Foreign ministers meet at the United Nations on the world food crisis
date: 2024-06-06
source: Diplomatic Wire
---
Foreign ministers from forty countries met at the United Nations on Thursday to discuss the world food crisis and international aid budgets.
`;

const folder = () =>
  briefingsFolder({ 'topics.yaml': TOPICS, 'tennis.md': TENNIS, 'summit.md': SUMMIT }, false);

const headlines = (reply: Awaited<ReturnType<typeof brief>>) =>
  reply.sections.map((section) => section.heading);

describe('topic tags', () => {
  it('a passing mention no longer tags: "the former world No. 1" is not World news', async () => {
    const core = await startCore(folder());
    const world = await brief(core, 'world');
    expect(headlines(world).join(' ')).toContain('United Nations');
    expect(world.sections.map((section) => section.source?.name)).not.toContain('Sports Wire');
    const sport = await brief(core, 'sport');
    expect(headlines(sport).join(' ')).toContain('Nadal');
  });

  it('/brief <topic> puts the item most about the topic first, though another is a day newer', async () => {
    const aside = `---
title: Airport strike strands tennis fans in Athens
date: 2024-06-08
source: Travel Wire
---
A strike at Athens airport stranded hundreds of passengers on Saturday, among them fans flying to the tennis final. Flights resumed in the evening.
`;
    const core = await startCore(
      briefingsFolder({ 'topics.yaml': TOPICS, 'tennis.md': TENNIS, 'aside.md': aside }, false),
    );
    const sport = await brief(core, 'sport');
    // Both are tagged Sport; the strike story only in passing, so the older match report leads.
    expect(headlines(sport)[0]).not.toContain('Airport strike');
    expect(headlines(sport).slice(1).join(' ')).toContain('Airport strike');
  });
});

describe('topic keywords and their plurals', () => {
  const catalogue = `topics:
  - slug: ballots
    label: Ballots
    keywords: [election, recount]
  - slug: markets
    label: Markets
    keywords: [shares, stock market]
`;
  const polls = `---
title: Three countries go to the polls on Sunday
date: 2024-06-09
source: Politics Wire
---
Ghana, Peru and Nepal hold elections on Sunday. Observers expect all three elections to be close and two recounts to follow.
`;
  const garden = `---
title: Neighbours share a garden
date: 2024-06-09
source: Local Wire
---
Two neighbours in Leeds share a garden and a greenhouse. They share the tomatoes too, and the work.
`;

  it('a keyword tags its plural ("election" files "elections" under Ballots), but "shares" does not tag "share"', async () => {
    const core = await startCore(
      briefingsFolder({ 'topics.yaml': catalogue, 'polls.md': polls, 'garden.md': garden }, false),
    );
    expect(headlines(await brief(core, 'ballots')).join(' ')).toContain('go to the polls');
    const markets = await brief(core, 'markets');
    expect(markets.sections.map((section) => section.source?.name)).not.toContain('Local Wire');
  });
});
