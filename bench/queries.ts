// What the speed benches ask the bot, per kind of `/brief` argument. Slugs and aliases resolve to a topic of
// mergedCatalogue() and run the topic query; free text matches no topic name and runs the full-text query
// (the last one matches nothing, the "did you mean" path).

export const BRIEF_QUERIES = {
  slug: ['business', 'entertainment', 'politics', 'sport', 'tech', 'us-diplomacy', 'gaza'],
  alias: ['economy', 'showbiz', 'westminster', 'sports', 'technology', 'white house', 'truce'],
  text: [
    'oil prices',
    'mobile phone sales',
    'election campaign',
    'box office',
    'world cup',
    'interest rates',
    'quantum chromodynamics',
  ],
} as const;

export type QueryKind = keyof typeof BRIEF_QUERIES;
export const QUERY_KINDS = Object.keys(BRIEF_QUERIES) as QueryKind[];

/**
 * Follow-ups for answer latency, each asked in the thread of a `/brief <topic>`. Written without looking at
 * the articles: the answers bench times them, it does not judge the answers (the answers issue does).
 */
export const FOLLOW_UPS: readonly { topic: string; question: string }[] = [
  { topic: 'business', question: 'How much did profits rise?' },
  { topic: 'business', question: 'What did the chief executive say?' },
  { topic: 'politics', question: 'When will the general election be held?' },
  { topic: 'politics', question: 'What did the prime minister say about taxes?' },
  { topic: 'sport', question: 'Who won the match?' },
  { topic: 'sport', question: 'How many goals were scored?' },
  { topic: 'tech', question: 'How many people use broadband?' },
  { topic: 'entertainment', question: 'Which film won the award?' },
];
