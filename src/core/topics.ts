import { createHash } from 'node:crypto';
import { LineCounter, parseDocument as parseYaml } from 'yaml';
import { UserError } from './errors.js';
import { DEFAULT_INGEST_LIMITS } from './ingest/limits.js';
import { type Topic, TopicCatalogueSchema } from './model.js';
import { yamlToJs } from './yaml.js';

/** Tag weights: a name users type for the topic says more than a related word. */
const NAME_WEIGHT = 2;
const KEYWORD_WEIGHT = 1;
/** A keyword of several words ("stock market", "world cup") is more specific than one ("market", "cup"). */
const PHRASE_FACTOR = 1.5;
/** Share of a child topic's weight its parent inherits. */
const PARENT_SHARE = 0.5;

interface Term {
  topic: string;
  weight: number;
}

/** What a text says of one topic: how many times its terms occur, and their summed weight. */
export interface Mentions {
  count: number;
  weight: number;
}

/** Lowercase, single-spaced, without surrounding punctuation: how names are compared. */
function normaliseName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .replace(/^[\s"'#/]+|[\s"'.?!]+$/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The topic catalogue (briefings/topics.yaml): lookup by name, tagging of text, suggestions. */
export class TopicCatalogue {
  readonly topics: readonly Topic[];
  private readonly bySlug = new Map<string, Topic>();
  private readonly byName = new Map<string, Topic>();
  /** Lowercase term -> topics it tags. Terms written with capitals ("US") match only as written. */
  private readonly terms = new Map<string, Term[]>();
  private readonly foldedPattern: RegExp | undefined;
  private readonly exactPattern: RegExp | undefined;
  private readonly fingerprintValue: string;

  constructor(topics: readonly Topic[]) {
    this.topics = topics;
    this.fingerprintValue = createHash('sha256').update(JSON.stringify(topics)).digest('hex').slice(0, 16);
    for (const topic of topics) {
      if (this.bySlug.has(topic.slug)) throw new Error(`topic "${topic.slug}" is defined twice`);
      this.bySlug.set(topic.slug, topic);
    }
    for (const topic of topics) {
      if (topic.parent && !this.bySlug.has(topic.parent)) {
        throw new Error(`topic "${topic.slug}" has unknown parent "${topic.parent}"`);
      }
      for (const name of [topic.slug, topic.label, ...topic.aliases])
        for (const form of withPlural(name)) this.addTerm(form, topic.slug, NAME_WEIGHT);
      for (const keyword of topic.keywords)
        for (const form of withPlural(keyword)) this.addTerm(form, topic.slug, KEYWORD_WEIGHT);
    }
    // A slug beats a label, and a label an alias: "rafah" is the Rafah topic, though Gaza lists it too.
    const namings = [
      (topic: Topic) => [topic.slug, topic.slug.replace(/-/g, ' ')],
      (topic: Topic) => [topic.label],
      (topic: Topic) => topic.aliases,
    ];
    for (const names of namings) {
      for (const topic of topics) {
        for (const name of names(topic)) {
          const key = normaliseName(name);
          if (!this.byName.has(key)) this.byName.set(key, topic);
        }
      }
    }
    this.ensureNoCycles();
    this.keepMostSpecificTerms();
    this.weighBySpecificity();
    const folded = [...this.terms.keys()].filter((term) => term === term.toLowerCase());
    const exact = [...this.terms.keys()].filter((term) => term !== term.toLowerCase());
    this.foldedPattern = alternation(folded, 'gi');
    this.exactPattern = alternation(exact, 'g');
  }

  /**
   * Takes on another catalogue's topics in place (topics.yaml was edited), so every part of the bot
   * holding this one tags, resolves and labels by the new topics from now on.
   */
  adopt(next: TopicCatalogue): void {
    Object.assign(this, next);
  }

  get(slug: string): Topic | undefined {
    return this.bySlug.get(slug);
  }

  /** The topic a user means by a slug, label or alias, if any. */
  resolve(name: string): Topic | undefined {
    return this.byName.get(normaliseName(name));
  }

  /** Parent, grandparent and so on. */
  ancestors(slug: string): string[] {
    const result: string[] = [];
    for (let at = this.bySlug.get(slug)?.parent; at; at = this.bySlug.get(at)?.parent) result.push(at);
    return result;
  }

  /** Changes whenever the catalogue does, so documents tagged under an older one are tagged again. */
  get fingerprint(): string {
    return this.fingerprintValue;
  }

  /** The topic and every topic below it. */
  withDescendants(slug: string): string[] {
    const result = [slug];
    for (let i = 0; i < result.length; i++) {
      for (const topic of this.topics) if (topic.parent === result[i]) result.push(topic.slug);
    }
    return result;
  }

  /**
   * Topic weights for a piece of text from what it says itself: names count double, keywords once,
   * topics assigned by the document's author four times. Sorted strongest first.
   */
  directTags(text: string, assigned: readonly string[] = []): Map<string, number> {
    const weights = new Map([...this.mentions(text)].map(([slug, { weight }]) => [slug, weight]));
    for (const slug of assigned)
      if (this.bySlug.has(slug)) weights.set(slug, (weights.get(slug) ?? 0) + NAME_WEIGHT * 2);
    return sortedByWeight(weights);
  }

  /** Each topic the text names or uses a keyword of, with how often and how specifically. */
  mentions(text: string): Map<string, Mentions> {
    const found = new Map<string, Mentions>();
    for (const pattern of [this.foldedPattern, this.exactPattern]) {
      if (!pattern) continue;
      for (const match of text.matchAll(pattern)) {
        const key = pattern === this.exactPattern ? match[1] : match[1]?.toLowerCase();
        for (const term of this.terms.get(key ?? '') ?? []) {
          const seen = found.get(term.topic) ?? { count: 0, weight: 0 };
          found.set(term.topic, { count: seen.count + 1, weight: seen.weight + term.weight });
        }
      }
    }
    return found;
  }

  /** Direct tags plus what parents inherit: each topic passes half its weight up, halving again per level. */
  tag(text: string, assigned: readonly string[] = []): Map<string, number> {
    return this.withParents(this.directTags(text, assigned));
  }

  withParents(direct: ReadonlyMap<string, number>): Map<string, number> {
    const weights = new Map(direct);
    for (const [slug, weight] of direct) {
      let share = weight * PARENT_SHARE;
      for (let parent = this.bySlug.get(slug)?.parent; parent; parent = this.bySlug.get(parent)?.parent) {
        weights.set(parent, (weights.get(parent) ?? 0) + share);
        share *= PARENT_SHARE;
      }
    }
    return sortedByWeight(weights);
  }

  /** Known topics nearest to what the user typed, for "did you mean". */
  suggest(typed: string, count = 3): Topic[] {
    const wanted = normaliseName(typed);
    const scored = this.topics.map((topic) => {
      const names = [topic.slug, topic.label, ...topic.aliases].map(normaliseName);
      const best = Math.min(...names.map((name) => nameDistance(wanted, name)));
      return { topic, best };
    });
    return scored
      .filter((entry) => entry.best <= Math.max(2, Math.floor(wanted.length / 2)))
      .sort((a, b) => a.best - b.best)
      .slice(0, count)
      .map((entry) => entry.topic);
  }

  /** Completions for a partly typed topic: slug, label or alias prefix first, then contained. */
  complete(typed: string, limit = 25): Topic[] {
    const wanted = normaliseName(typed);
    const rank = (topic: Topic) => {
      const names = [topic.slug, topic.label, ...topic.aliases].map(normaliseName);
      if (names.some((name) => name.startsWith(wanted))) return 0;
      if (names.some((name) => name.includes(wanted))) return 1;
      return 2;
    };
    return this.topics
      .map((topic) => ({ topic, rank: rank(topic) }))
      .filter((entry) => entry.rank < 2)
      .sort((a, b) => a.rank - b.rank || a.topic.slug.localeCompare(b.topic.slug))
      .slice(0, limit)
      .map((entry) => entry.topic);
  }

  private addTerm(name: string, topic: string, weight: number): void {
    const key = name === name.toLowerCase() || name.length > 4 ? name.toLowerCase() : name;
    const list = this.terms.get(key) ?? [];
    const existing = list.find((term) => term.topic === topic);
    if (existing) existing.weight = Math.max(existing.weight, weight);
    else list.push({ topic, weight });
    this.terms.set(key, list);
  }

  /**
   * "rafah" names both gaza (so users find Gaza by it) and rafah; in text it tags only rafah, and gaza
   * inherits through the parent link instead of counting the word twice.
   */
  private keepMostSpecificTerms(): void {
    for (const [key, list] of this.terms) {
      const specific = list.filter((term) => !list.some((other) => this.isAncestor(term.topic, other.topic)));
      this.terms.set(key, specific);
    }
  }

  /**
   * A keyword shared by several topics says less about each; a phrase says more than a single word.
   * Names keep their weight: a user typed them to mean the topic.
   */
  private weighBySpecificity(): void {
    for (const [key, list] of this.terms) {
      const phrase = /\s/.test(key.trim()) ? PHRASE_FACTOR : 1;
      for (const term of list)
        if (term.weight < NAME_WEIGHT) term.weight = (term.weight * phrase) / list.length;
    }
  }

  private isAncestor(ancestor: string, slug: string): boolean {
    return this.ancestors(slug).includes(ancestor);
  }

  private ensureNoCycles(): void {
    for (const topic of this.topics) {
      const seen = new Set<string>();
      for (let at: Topic | undefined = topic; at?.parent; at = this.bySlug.get(at.parent)) {
        if (seen.has(at.slug)) throw new Error(`topic "${topic.slug}" is its own ancestor`);
        seen.add(at.slug);
      }
    }
  }
}

/**
 * A term and, when it ends in a lowercase word of three letters or more, that word's regular plural:
 * "election" tags "elections" and "injury" "injuries". Only this way round: "shares" is the stock
 * market, "share" is anything. A term ending in a capitalised word ("US", "Gaza City") gets none.
 */
function withPlural(term: string): string[] {
  const last = /(?<![\p{L}\p{N}])(\p{Ll}{3,})$/u.exec(term)?.[1];
  if (last === undefined) return [term];
  const stem = term.slice(0, term.length - last.length);
  // A word ending in "s" is taken as plural already ("investors", "olympics").
  if (last.endsWith('s')) return [term];
  if (/[^aeiou]y$/.test(last)) return [term, `${stem}${last.slice(0, -1)}ies`];
  if (/(x|z|ch|sh)$/.test(last)) return [term, `${term}es`];
  return [term, `${term}s`];
}

function sortedByWeight(weights: Map<string, number>): Map<string, number> {
  return new Map([...weights].sort((a, b) => b[1] - a[1]));
}

/** One regex for all terms, longest first so "gaza city" wins over "gaza". */
export function alternation(terms: string[], flags: string): RegExp | undefined {
  if (terms.length === 0) return undefined;
  const body = terms
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(${body})(?![\\p{L}\\p{N}])`, `${flags}u`);
}

/** Edit distance, but a typed prefix of a name counts as close. */
function nameDistance(typed: string, name: string): number {
  if (typed.length >= 2 && name.startsWith(typed)) return 0;
  const previous = Array.from({ length: name.length + 1 }, (_, index) => index);
  for (let i = 1; i <= typed.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= name.length; j++) {
      const above = previous[j] ?? 0;
      const cost = typed[i - 1] === name[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[name.length] ?? 0;
}

/** Reads and checks topics.yaml; problems name the file and line. */
export function parseTopicCatalogue(
  yamlText: string,
  fileName: string,
  maxYamlAliases = DEFAULT_INGEST_LIMITS.maxYamlAliases,
): TopicCatalogue {
  const lines = new LineCounter();
  const document = parseYaml(yamlText, { prettyErrors: true, lineCounter: lines });
  const yamlError = document.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line ?? 1;
    throw new UserError(`${fileName}:${line}: ${yamlError.message.split('\n')[0]}`);
  }
  /** The line of the value at `path`, or of the nearest enclosing one that exists. */
  const lineOf = (path: readonly PropertyKey[]): number => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return 1;
  };
  const js = yamlToJs(document, yamlText, maxYamlAliases);
  if ('message' in js) throw new UserError(`${fileName}:${js.line}: ${js.message}`);
  const parsed = TopicCatalogueSchema.safeParse(js.value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${fileName}:${lineOf(issue.path)}: ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new UserError(problems.join('\n'));
  }
  try {
    return new TopicCatalogue(parsed.data.topics);
  } catch (error) {
    const slug = /topic "([^"]+)"/.exec((error as Error).message)?.[1];
    // The last topic of that slug: the second definition, or the child whose parent is unknown.
    const index = parsed.data.topics.findLastIndex((topic) => topic.slug === slug);
    const line = index >= 0 ? `${lineOf(['topics', index])}:` : '';
    throw new UserError(`${fileName}:${line} ${(error as Error).message}`);
  }
}
