import type { Item } from '../model.js';

/** A member as stored; when it was ingested orders an outlet's revisions of one day. */
export type CardItem = Item & { ingestedAt?: string };

import { conflictingFigures, type FigureConflict, figuresIn, type StatedFigure } from './figures.js';
import { itemTitle } from './ingest.js';
import { type MemberSentence, pickSummary, rankStorySentences } from './summary.js';

export interface CardSentence {
  text: string;
  item: CardItem;
}

/** One development as a briefing shows it, built from every outlet's version. */
export interface StoryCard {
  storyId: string;
  headline: string;
  summary: CardSentence[];
  /** Facts beyond the summary, each from the outlet that gave it. */
  keyPoints: CardSentence[];
  /** The current member of each outlet, the canonical one first. */
  outlets: CardItem[];
  figures: FigureConflict[];
  canonical: CardItem;
  /** Every member, revisions included: follow-up questions search them first. */
  members: CardItem[];
  newest: string;
}

export const CARD_SUMMARY = { words: 60, sentences: 2 } as const;
const KEY_POINTS = { words: 160, sentences: 4 } as const;

/** Within one outlet a later item is a revision of the earlier: the latest stands for the outlet. */
export function currentMembers(members: readonly CardItem[]): CardItem[] {
  const byOutlet = new Map<string, CardItem>();
  for (const member of members) {
    const previous = byOutlet.get(member.source);
    if (!previous || laterThan(member, previous)) byOutlet.set(member.source, member);
  }
  return [...byOutlet.values()];
}

function laterThan(a: CardItem, b: CardItem): boolean {
  return (
    a.published > b.published || (a.published === b.published && (a.ingestedAt ?? '') > (b.ingestedAt ?? ''))
  );
}

/** When the story last moved: its newest member's date (ISO dates compare as text). */
function newestPublished(members: readonly CardItem[]): string {
  let newest = '';
  for (const { published } of members) if (published > newest) newest = published;
  return newest;
}

/** The most complete member, the earliest among equals: it heads the card and links the headline. */
export function canonicalMember(members: readonly CardItem[]): CardItem {
  const sorted = [...members].sort(
    (a, b) =>
      b.sentences.length - a.sentences.length ||
      a.published.localeCompare(b.published) ||
      a.id.localeCompare(b.id),
  );
  const first = sorted[0];
  if (!first) throw new Error('a story card needs at least one member');
  return first;
}

/** A headline that reads whole: the canonical member's title, else another's, never a cut-off one. */
function headlineOf(canonical: CardItem, outlets: readonly CardItem[]): string {
  const titles = [canonical, ...outlets].map(itemTitle);
  return titles.find((title) => !title.endsWith('…')) ?? titles[0] ?? canonical.headline;
}

export function memberSentences(members: readonly CardItem[]): MemberSentence[] {
  return members.flatMap((member, memberIndex) =>
    member.sentences.map((sentence, index) => ({
      text: sentence.text,
      member: memberIndex,
      // An item later in its document starts further from the lead.
      index: index + (member.position > 0 ? 3 : 0),
    })),
  );
}

export function buildStoryCard(storyId: string, members: readonly CardItem[]): StoryCard {
  const outletsNow = currentMembers(members);
  const canonical = canonicalMember(outletsNow);
  const outlets = [canonical, ...outletsNow.filter((member) => member !== canonical)];
  const sentences = memberSentences(outlets);
  const ranking = rankStorySentences(sentences);
  const summary = pickSummary(sentences, CARD_SUMMARY, ranking);
  const keyPoints = pickSummary(sentences, KEY_POINTS, ranking, summary);
  const toCard = (index: number): CardSentence[] => {
    const sentence = sentences[index];
    const item = sentence ? outlets[sentence.member] : undefined;
    return sentence && item ? [{ text: sentence.text, item }] : [];
  };
  const stated: StatedFigure[] = outlets.flatMap((item) =>
    item.sentences.flatMap((sentence) =>
      figuresIn(sentence.text).map((figure) => ({
        ...figure,
        outlet: item.source,
        published: item.published,
        sentence: sentence.text,
        ...(item.url ? { url: item.url } : {}),
      })),
    ),
  );
  return {
    storyId,
    headline: headlineOf(canonical, outlets),
    summary: summary.flatMap(toCard),
    keyPoints: keyPoints.flatMap(toCard),
    outlets,
    figures: conflictingFigures(stated),
    canonical,
    members: [...members],
    newest: newestPublished(members),
  };
}
