import { stemOf } from '../ingest/text.js';

/** A quantity a sentence states: its value, the thing it counts, and the words that said it. */
export interface Figure {
  value: number;
  /** Stem of the counted thing ("civilian", "percent"). */
  thing: string;
  /** The quantity as written, with its counted thing ("over 1.5 million civilians"). */
  text: string;
}

const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
const QUALIFIER =
  '(?:(?:over|about|around|nearly|almost|roughly|some|at least|more than|fewer than|less than|up to) )?';
const QUANTITY = new RegExp(
  `${QUALIFIER}(\\d[\\d,]*(?:\\.\\d+)?)(?: (thousand|million|billion|trillion))?(%| per ?cent)?((?: [A-Za-z][a-z-]+){0,3})`,
  'gi',
);
/** Words between a number and what it counts ("1.5 million Palestinian civilians", "40 of the hostages"). */
const FILLER = new Set([
  'of',
  'the',
  'more',
  'other',
  'new',
  'additional',
  'palestinian',
  'israeli',
  'american',
]);
/** Words after a number that are not a thing counted. */
const NOT_COUNTED = new Set([
  'and',
  'or',
  'to',
  'in',
  'on',
  'at',
  'by',
  'for',
  'from',
  'with',
  'as',
  'was',
  'were',
  'is',
  'are',
  'had',
  'has',
  'have',
  'who',
  'that',
  'which',
  'a',
  'an',
  'p',
  'a.m',
  'pm',
  'am',
]);

/** Quantities in a sentence that count something, years and dates left out. */
export function figuresIn(sentence: string): Figure[] {
  const figures: Figure[] = [];
  for (const match of sentence.matchAll(QUANTITY)) {
    const [whole, digits = '', scale, percent, after = ''] = match;
    const number = Number(digits.replace(/,/g, ''));
    if (!Number.isFinite(number)) continue;
    if (!scale && !percent && /^(?:19|20)\d\d$/.test(digits)) continue;
    const value = number * (scale ? (SCALES[scale.toLowerCase()] ?? 1) : 1);
    let thing: string | undefined;
    let text = whole.slice(0, whole.length - after.length);
    if (percent) thing = 'percent';
    else {
      const words = after.trim().split(' ').filter(Boolean);
      let taken = 0;
      for (const word of words) {
        taken++;
        const lower = word.toLowerCase();
        if (FILLER.has(lower)) continue;
        if (!NOT_COUNTED.has(lower)) thing = stemOf(lower);
        break;
      }
      if (thing) text = `${text} ${words.slice(0, taken).join(' ')}`;
    }
    if (!thing) continue;
    figures.push({ value, thing, text: text.trim() });
  }
  return figures;
}

export interface StatedFigure extends Figure {
  outlet: string;
  published: string;
  url?: string;
  sentence: string;
}

export interface FigureConflict {
  thing: string;
  /** One statement per outlet, most recent per outlet, in the order first stated. */
  values: StatedFigure[];
}

/**
 * Figures outlets disagree on: the same counted thing with different values from different outlets.
 * Values far apart (more than a factor of three) count different things that share a noun ("3
 * children" and "40 children"), so only close ones are taken as a disagreement.
 */
export function conflictingFigures(stated: readonly StatedFigure[]): FigureConflict[] {
  const byThing = new Map<string, Map<string, StatedFigure>>();
  for (const figure of stated) {
    const outlets = byThing.get(figure.thing) ?? new Map<string, StatedFigure>();
    const previous = outlets.get(figure.outlet);
    if (!previous || previous.published <= figure.published) outlets.set(figure.outlet, figure);
    byThing.set(figure.thing, outlets);
  }
  const conflicts: FigureConflict[] = [];
  for (const [thing, outlets] of byThing) {
    const values = [...outlets.values()];
    const distinct = new Set(values.map((figure) => figure.value));
    if (distinct.size < 2) continue;
    const low = Math.min(...distinct);
    const high = Math.max(...distinct);
    if (low <= 0 || high / low > 3) continue;
    conflicts.push({ thing, values });
  }
  return conflicts;
}
