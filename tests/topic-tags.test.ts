import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/core/logger.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
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

describe('topics learned from what the bot has read', () => {
  const catalogue = `topics:
  - slug: markets
    label: Markets
    keywords: [shares, stock market, investors]
  - slug: football
    label: Football
    keywords: [league, striker, goal]
`;
  const doc = (title: string, source: string, body: string, date = '2024-06-10') =>
    `---\ntitle: ${title}\ndate: ${date}\nsource: ${source}\n---\n${body}\n`;
  // Four stories each, worded as such stories are: the rules tag them by their keywords.
  const markets = [
    [
      'Shares in Acme rise after record quarterly profits',
      'Acme said quarterly profits and revenue beat the forecast, and investors bought shares as analysts raised the dividend estimate.',
    ],
    [
      'Investors sell bank shares on weak earnings',
      'Bank shares fell after quarterly earnings missed the forecast; analysts cut their profit estimates and revenue outlook.',
    ],
    [
      'Stock market closes higher as profits beat forecasts',
      'Investors welcomed quarterly profits at retailers, whose revenue and dividend beat what analysts had forecast.',
    ],
    [
      'Chipmaker shares jump on revenue forecast',
      'Investors bought shares after the chipmaker raised its revenue forecast and analysts lifted profit and earnings estimates.',
    ],
  ];
  const football = [
    [
      'Striker scores twice as league leaders win',
      'The striker scored twice in the second half, and the coach praised the fans who filled the stadium for the league match.',
    ],
    [
      'Late goal keeps league title race open',
      'A late goal from the captain gave the visitors a win at a packed stadium, and the coach said the fans carried the team.',
    ],
    [
      'Coach praises striker after derby goal',
      'The coach said the striker had earned his goal, and the fans sang through the match at a sold-out stadium.',
    ],
    [
      'League champions draw in front of home fans',
      'The champions were held at their stadium, where the coach watched his striker miss two chances and the fans whistled.',
    ],
  ];
  const files = () =>
    Object.fromEntries([
      ['topics.yaml', catalogue],
      ...markets.map(([title, body], i) => [`a${i}.md`, doc(title!, 'Markets Wire', body!)]),
      ...football.map(([title, body], i) => [`b${i}.md`, doc(title!, 'Football Wire', body!)]),
    ]);
  /** Every outlet named on the cards, since a story's card is headed by one of its members. */
  const sources = (reply: Awaited<ReturnType<typeof brief>>) =>
    reply.sections.flatMap((section) => (section.outlets ?? []).map((outlet) => outlet.name));

  // Names no keyword of either topic.
  const earnings = doc(
    'Northwind lifts its dividend',
    'Earnings Desk',
    'Northwind raised its dividend after its quarterly profits and revenue beat the forecast analysts had made.',
    // A month on, so that it is a story of its own rather than one more report of theirs.
    '2024-07-10',
  );
  /** Stories of one outlet, one a day, as files named `<prefix><n>.md`. */
  const series = (prefix: string, outlet: string, title: string, bodies: string[]) =>
    Object.fromEntries(
      bodies.map((body, i) => [`${prefix}${i}.md`, doc(`${title}, day ${i + 1}`, outlet, body)]),
    );

  it('a story that names no keyword is filed under the topic whose stories it reads like', async () => {
    const core = await startCore(briefingsFolder({ ...files(), 'z-earnings.md': earnings }, false));
    expect(sources(await brief(core, 'markets'))).toContain('Earnings Desk');
    expect(sources(await brief(core, 'football'))).not.toContain('Earnings Desk');
  });

  it('what the bot learned survives a restart: a story added after it is filed as before', async () => {
    const folder = briefingsFolder(files(), false);
    const database = join(folder, '..', 'restart.db');
    await (await startCore(folder, database)).close();
    // Only the new file is read after the restart: the others are stored already.
    writeFileSync(join(folder, 'z-earnings.md'), earnings);
    const core = await startCore(folder, database);
    expect(sources(await brief(core, 'markets'))).toContain('Earnings Desk');
  });

  it('a kept vocabulary that cannot be read is reported, and the bot learns again from the next items', async () => {
    const folder = briefingsFolder({ ...files(), 'z-earnings.md': earnings }, false);
    const database = join(folder, '..', 'broken.db');
    const damaged = new SqliteStore(database);
    await damaged.saveTopicVocabulary('{"version": 1, "all": "truncated', '2024-07-01T00:00:00.000Z');
    await damaged.close();
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const ignore = () => {};
    const logger: Logger = {
      debug: ignore,
      info: ignore,
      error: ignore,
      warn: (message, fields) => warnings.push({ message, ...(fields ? { fields } : {}) }),
    };
    const core = await startCore(folder, database, undefined, undefined, { logger });
    expect(warnings.map((warning) => warning.message)).toContain(
      'the stored topic vocabulary could not be read; it is learned again from new items',
    );
    expect(sources(await brief(core, 'markets'))).toContain('Earnings Desk');
  });

  it('a story about nothing in the catalogue stays untagged, though it shares words with one topic', async () => {
    const weather = [
      'Heavy rain flooded roads in the valley overnight, and thunderstorms and hail are expected by morning.',
      'Rain and hail closed roads across the valley, and more thunderstorms are expected overnight.',
      // "analysts" and "forecast" are words of the market stories; the rest is weather's.
      'Weather analysts forecast more rain, hail and thunderstorms in the valley, where roads may flood again.',
    ];
    const core = await startCore(
      briefingsFolder({ ...files(), ...series('z', 'Weather Desk', 'Storms in the valley', weather) }, false),
    );
    expect(sources(await brief(core, 'markets'))).not.toContain('Weather Desk');
    expect(sources(await brief(core, 'football'))).not.toContain('Weather Desk');
  });

  it('a keyword in a story worded like another topic\'s does not keep it there: "shares the lead" is not Markets', async () => {
    const lead = doc(
      'Striker shares the league lead after a late goal',
      'Match Desk',
      'The striker shares the scoring lead after his late goal, and the coach said the fans at the stadium had earned the win.',
    );
    const core = await startCore(briefingsFolder({ ...files(), 'z-lead.md': lead }, false));
    expect(sources(await brief(core, 'football'))).toContain('Match Desk');
    expect(sources(await brief(core, 'markets'))).not.toContain('Match Desk');
  });

  it('an item about two topics that overlap keeps both: a truce in Gaza is Gaza and Israel news', async () => {
    const overlapping = `topics:
  - slug: gaza
    label: Gaza
    keywords: [hamas, palestinians]
  - slug: israel
    label: Israel
    keywords: [netanyahu, knesset]
`;
    const gaza = [
      'Hamas says palestinians in the south need food, water and shelter as the fighting goes on.',
      'Palestinians queue for bread in the south as Hamas officials report more shelling overnight.',
      'Hamas fighters and palestinians in the camps brace for more shelling, aid groups said.',
    ];
    const israel = [
      'Netanyahu faces a vote in the Knesset as his coalition argues over the budget.',
      'The Knesset passed the budget after Netanyahu won over two coalition partners.',
      'Netanyahu told the Knesset the coalition would hold until the next election.',
    ];
    const truce = doc(
      'Netanyahu and Hamas agree a truce',
      'Truce Desk',
      'Netanyahu told the Knesset that a truce with Hamas would let palestinians in the south get food and shelter.',
      '2024-07-10',
    );
    const core = await startCore(
      briefingsFolder(
        {
          'topics.yaml': overlapping,
          ...series('a', 'Gaza Wire', 'Gaza', gaza),
          ...series('b', 'Israel Wire', 'Knesset', israel),
          'z-truce.md': truce,
        },
        false,
      ),
    );
    expect(sources(await brief(core, 'gaza'))).toContain('Truce Desk');
    expect(sources(await brief(core, 'israel'))).toContain('Truce Desk');
  });
});
