/**
 * Held-out follow-up questions with the answers a reader would accept. Seed questions are asked under
 * a briefing of the bundled seed; BBC questions under the items of the article named (read from
 * ../shared/data, never copied here). `expect` must appear in the sentence the bot cites;
 * `expect: null` means the documents do not answer it and the bot must say so.
 */
export interface EvalQuestion {
  doc: 'seed' | `${'business' | 'entertainment' | 'politics' | 'sport' | 'tech'}/${string}`;
  question: string;
  expect: string | null;
}

export const QUESTIONS: readonly EvalQuestion[] = [
  { doc: 'seed', question: 'How many civilians are in Rafah?', expect: '1.5 million civilians' },
  { doc: 'seed', question: 'Who is mediating the talks?', expect: 'Egypt, Qatar, and the United States' },
  { doc: 'seed', question: 'When did Biden and Netanyahu speak?', expect: 'on Sunday' },
  { doc: 'seed', question: 'Who is holding the hostages?', expect: 'Hamas' },
  { doc: 'seed', question: 'When will the new northern crossings open?', expect: 'this week' },
  {
    doc: 'seed',
    question: 'What did Biden say about a military operation in Rafah?',
    expect: 'firm stance against',
  },
  { doc: 'seed', question: 'Where have civilians sought refuge?', expect: 'Rafah' },
  { doc: 'seed', question: 'When did Hamas attack Israel?', expect: 'October 7' },
  { doc: 'seed', question: 'Who is putting pressure on the Israeli government?', expect: 'global allies' },
  { doc: 'seed', question: 'What is the weather in Paris?', expect: null },
  { doc: 'seed', question: 'How many trucks entered yesterday?', expect: null },
  { doc: 'seed', question: 'How many hostages are held?', expect: null },
  { doc: 'seed', question: 'Who won the football match?', expect: null },
  { doc: 'seed', question: 'How many people died in the strike on Khan Younis?', expect: null },

  { doc: 'politics/001', question: 'How much will maternity pay rise by?', expect: '£1,400' },
  { doc: 'politics/001', question: 'Who announced the maternity pay proposals?', expect: 'Patricia Hewitt' },
  {
    doc: 'politics/001',
    question: 'How many months of leave are new mothers entitled to?',
    expect: '12 months',
  },
  { doc: 'politics/001', question: 'When will paid leave be increased to nine months?', expect: '2007' },
  { doc: 'politics/005', question: 'When is the Budget?', expect: '16 March' },
  { doc: 'politics/005', question: "Who is Gordon Brown's closest ally?", expect: 'Ed Balls' },
  { doc: 'politics/005', question: 'Who is the CBI director general?', expect: 'Digby Jones' },
  { doc: 'business/001', question: "How much did Time Warner's quarterly profits jump?", expect: '76%' },
  { doc: 'business/001', question: 'How many subscribers did AOL lose?', expect: '464,000' },
  { doc: 'business/001', question: 'How much of Google does Time Warner own?', expect: '8%' },
  { doc: 'business/001', question: 'Who is the chief executive of TimeWarner?', expect: 'Richard Parsons' },
  { doc: 'business/003', question: 'How much did Rosneft pay for Yugansk?', expect: '$9.3bn' },
  { doc: 'business/003', question: 'How big is the tax claim against Yukos?', expect: '$27.5bn' },
  { doc: 'business/003', question: 'Who founded Yukos?', expect: 'Mikhail Khodorkovsky' },
  { doc: 'business/003', question: 'Who bought the Yugansk unit?', expect: 'Rosneft' },
  { doc: 'tech/002', question: 'How many net cafes did Chinese authorities close?', expect: '12,575' },
  { doc: 'tech/002', question: 'How far from schools must net cafes be?', expect: '200 metres' },
  { doc: 'tech/002', question: 'How many people died in the cafe fire?', expect: '25 people' },
  { doc: 'tech/002', question: 'How many net cafes are there in China?', expect: '100,000' },
  { doc: 'sport/004', question: 'Where did the IAAF meeting take place?', expect: 'Monaco' },
  { doc: 'sport/004', question: 'How many people attended the meeting?', expect: '60 people' },
  { doc: 'sport/004', question: 'Who is the IAAF chief?', expect: 'Lamine Diack' },
  { doc: 'sport/004', question: 'How many task forces were set up?', expect: 'Two task forces' },
  { doc: 'entertainment/002', question: 'Where will Jean-Michel Jarre perform?', expect: 'Copenhagen' },
  { doc: 'entertainment/002', question: 'When is the concert at Parken stadium?', expect: '2 April' },
  {
    doc: 'entertainment/002',
    question: 'Who was named a Hans Christian Andersen ambassador at the gala dinner?',
    expect: 'Helena Christensen',
  },

  { doc: 'business/001', question: 'How much did Time Warner pay for its Google shares?', expect: null },
  { doc: 'politics/005', question: 'Who won the Budget vote?', expect: null },
  { doc: 'tech/002', question: 'How many net cafes were closed in Beijing?', expect: null },
  { doc: 'sport/004', question: 'When will the IAAF ban the athletes?', expect: null },
  { doc: 'entertainment/002', question: 'How many tickets were sold for the Jarre concert?', expect: null },
  { doc: 'business/003', question: 'What is the share price of Rosneft?', expect: null },
  { doc: 'politics/001', question: 'How many fathers took maternity pay last year?', expect: null },
  { doc: 'sport/004', question: 'Who is the new England football manager?', expect: null },
];
