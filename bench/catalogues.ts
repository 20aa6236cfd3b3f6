// Topic catalogues for the benches: the repo's own (briefings/topics.yaml) and one topic per BBC category.
//
// Rule for the BBC topics: the names, aliases and keywords below were written from general knowledge of
// what each BBC News section covers, knowing only the category names and the data set's README, BEFORE any
// article text was read, and they are not tuned on results. Changing them after looking at the articles or
// at the topics bench would turn its precision and recall into a training score.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TopicCatalogueSchema } from '../src/core/model.js';
import { parseTopicCatalogue, TopicCatalogue } from '../src/core/topics.js';
import { repoRoot } from './paths.js';

export const BBC_CATEGORIES = ['business', 'entertainment', 'politics', 'sport', 'tech'] as const;
export type BbcCategory = (typeof BBC_CATEGORIES)[number];

/** Comma-separated terms: keeps the lists readable as prose. */
const list = (terms: string) => terms.split(/,\s*/);

export const BBC_TOPICS = TopicCatalogueSchema.parse({
  topics: [
    {
      slug: 'business',
      label: 'Business',
      aliases: ['economy', 'markets', 'finance'],
      keywords: list(
        'shares, stock market, profits, profit, revenue, earnings, investors, interest rates, inflation, central bank, economic growth, gdp, chief executive, takeover, merger, dividend, oil prices, exports, trade deficit, unemployment, retail sales, shareholders',
      ),
    },
    {
      slug: 'entertainment',
      label: 'Entertainment',
      aliases: ['showbiz', 'arts', 'film and music'],
      keywords: list(
        'film, films, movie, actor, actress, box office, oscar, oscars, bafta, album, singer, band, concert, festival, theatre, hollywood, celebrity, grammy, comedy, director, soap, chart',
      ),
    },
    {
      slug: 'politics',
      label: 'Politics',
      aliases: ['uk politics', 'westminster'],
      keywords: list(
        'general election, election, MP, MPs, prime minister, parliament, labour, conservatives, tory, tories, liberal democrats, voters, home secretary, commons, house of lords, manifesto, downing street, cabinet, opposition, legislation',
      ),
    },
    {
      slug: 'sport',
      label: 'Sport',
      aliases: ['sports'],
      keywords: list(
        'football, rugby, cricket, tennis, athletics, championship, tournament, coach, striker, world cup, olympic, olympics, premiership, six nations, squad, semi-final, grand slam, champion, injury, match',
      ),
    },
    {
      slug: 'tech',
      label: 'Technology',
      aliases: ['technology', 'science and technology'],
      keywords: list(
        'computer, computers, software, internet, broadband, mobile phone, mobile phones, website, digital, gadget, gadgets, microsoft, google, video games, games console, virus, hackers, spam, search engine, wireless, downloads, online',
      ),
    },
  ],
}).topics;

/** The repo's bundled catalogue, as the bot reads it. */
export function repoCatalogue(): TopicCatalogue {
  const file = path.join(repoRoot, 'briefings', 'topics.yaml');
  return parseTopicCatalogue(readFileSync(file, 'utf8'), file);
}

export function bbcCatalogue(): TopicCatalogue {
  return new TopicCatalogue(BBC_TOPICS);
}

/** The repo's topics plus the BBC ones: a bot set up for this news, with the Gaza topics as distractors. */
export function mergedCatalogue(): TopicCatalogue {
  return new TopicCatalogue([...repoCatalogue().topics, ...BBC_TOPICS]);
}
