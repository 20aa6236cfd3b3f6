import { remember } from '../memo.js';

/** Terms whose counts are held, some 5 MB: a few months of a busy desk's vocabulary. */
const MAX_TERMS = 65_536;

/**
 * How many clustered items have each term, held for the terms asked about lately. Every item filed
 * asks for its hundred or so terms, most of which the items before it asked for too. The store adds
 * each item it files, and forgets everything when a write fails or another connection commits, as
 * it does with the recent story members.
 */
export class HeldTermCounts {
  private readonly counts = new Map<string, number>();
  private total: number | undefined;

  constructor(
    private readonly read: (terms: readonly string[]) => { total: number; counts: Map<string, number> },
  ) {}

  frequencies(terms: readonly string[]): { total: number; counts: Map<string, number> } {
    const counts = new Map<string, number>();
    const missing: string[] = [];
    for (const term of terms) {
      const count = this.counts.get(term);
      if (count === undefined) missing.push(term);
      else if (count > 0) counts.set(term, count);
    }
    if (missing.length > 0 || this.total === undefined) {
      const found = this.read(missing);
      this.total = found.total;
      for (const term of missing) {
        const count = found.counts.get(term) ?? 0;
        remember(this.counts, term, count, MAX_TERMS);
        if (count > 0) counts.set(term, count);
      }
    }
    return { total: this.total, counts };
  }

  /** An item with these distinct terms has been counted in. */
  counted(terms: readonly string[]): void {
    if (this.total !== undefined) this.total++;
    for (const term of terms) {
      const count = this.counts.get(term);
      if (count !== undefined) this.counts.set(term, count + 1);
    }
  }

  clear(): void {
    this.counts.clear();
    this.total = undefined;
  }
}
