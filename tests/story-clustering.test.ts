import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { assignStory, barsFor, STORY_THRESHOLDS } from '../src/core/stories/cluster.js';

const AT = '2024-03-10T08:00:00.000Z';

/** Files headlines one by one, each from its own outlet, and gives back each one's story. */
async function fileHeadlines(store: SqliteStore, headlines: readonly string[]): Promise<string[]> {
  const stories: string[] = [];
  for (const [i, title] of headlines.entries()) {
    const assignment = await assignStory(
      store,
      {
        itemId: `h${i}`,
        documentId: `d${i}`,
        outlet: `Outlet ${i}`,
        published: '2024-03-10',
        title,
        text: '',
        entities: [],
      },
      AT,
    );
    stories.push(assignment.storyId);
  }
  return stories;
}

/** Forty outlets' headlines on one development, as a busy story gets them. */
const IOS = ['Apple iOS 7.1', 'iOS 7.1 update', 'Apple releases iOS 7.1', 'New iOS 7.1 for iPhone'].flatMap(
  (subject) =>
    [
      'brings CarPlay',
      'fixes the lock screen bug',
      'improves iPhone battery life',
      'is now available to download',
      'speeds up older iPhones',
      'adds new keyboard options',
      'tweaks the calendar app',
      'arrives for iPad owners',
      'changes Siri controls',
      'cuts animations',
    ].map((news) => `${subject} ${news}`),
);
/** Two of them also mention the trailer of another development. */
const BRIDGES = [
  'Game of Thrones trailer plays better on iOS 7.1',
  'Watch the Game of Thrones trailer after the iOS 7.1 update',
];
const THRONES = [
  'Game of Thrones trailer shows dragons and battles',
  'New Game of Thrones season four trailer released',
  'HBO trailer for Game of Thrones season four shows dragons',
];

describe('stories across outlets: who joins which story', () => {
  it('a large story does not take in a second development that a few of its members mention', async () => {
    const store = new SqliteStore(':memory:');
    const stories = await fileHeadlines(store, [...IOS, ...BRIDGES, ...THRONES]);
    const ios = stories.slice(0, IOS.length);
    const thrones = stories.slice(IOS.length + BRIDGES.length);
    // Every iOS headline is one story; the trailer headlines are one story, not the iOS one (the two
    // that mention both may go either way).
    expect(new Set(ios).size).toBe(1);
    expect(new Set(thrones).size).toBe(1);
    expect(thrones[0]).not.toBe(ios[0]);
    await store.close();
  });

  it('the bar to join is lowest for headlines and lower for whole articles than for leads', () => {
    const headline = barsFor(STORY_THRESHOLDS, 6).merge;
    const lead = barsFor(STORY_THRESHOLDS, 30).merge;
    const whole = barsFor(STORY_THRESHOLDS, 400).merge;
    expect(headline).toBe(STORY_THRESHOLDS.short.merge);
    expect(whole).toBe(STORY_THRESHOLDS.whole.merge);
    expect(headline).toBeLessThan(whole);
    expect(whole).toBeLessThan(lead);
    // Between the lengths the bar moves smoothly: no jump at a length boundary.
    expect(Math.abs(barsFor(STORY_THRESHOLDS, 20).merge - barsFor(STORY_THRESHOLDS, 21).merge)).toBeLessThan(
      0.01,
    );
  });
});
