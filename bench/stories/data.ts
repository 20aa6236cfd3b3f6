// The story-clusters data set (../shared/data/story-clusters), read in place: its README asks that it
// never be copied into the project. Every file becomes one list of articles with their gold cluster.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths.js';

export interface ClusterArticle {
  gold: string;
  outlet: string;
  /** YYYY-MM-DD; files without dates give every article the same one. */
  published: string;
  title: string;
  text: string;
}

export function storyClustersDir(): string {
  return process.env.BRIEFBOT_STORY_DATA ?? path.resolve(repoRoot, '../shared/data/story-clusters');
}

function readJsonl<T>(name: string): T[] {
  return readFileSync(path.join(storyClustersDir(), name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

interface RoundupArticle {
  outlet: string;
  title: string;
  text: string;
  url?: string;
  stance?: string;
}
export interface Roundup {
  cluster_id: string;
  date: string;
  summary: string;
  articles: RoundupArticle[];
}

export function loadRoundups(): Roundup[] {
  return readJsonl<Roundup>('allsides-roundups.jsonl');
}

/** The roundups pooled with their dates (each roundup's date for all its articles). */
export function roundupArticles(roundups: readonly Roundup[] = loadRoundups()): ClusterArticle[] {
  return roundups.flatMap((roundup) =>
    roundup.articles.map((article) => ({
      gold: roundup.cluster_id,
      outlet: article.outlet,
      published: roundup.date.slice(0, 10),
      title: article.title,
      text: article.text,
    })),
  );
}

/** The probe clusters of one NeuS split: no outlets and no dates, so each article is its own outlet. */
export function probeArticles(split: 'train' | 'val' | 'test'): ClusterArticle[] {
  const clusters = readJsonl<{
    cluster_id: string;
    neus_split: string;
    articles: { title: string; text: string }[];
  }>('allsides-probe.jsonl').filter((cluster) => cluster.neus_split === split);
  return clusters.flatMap((cluster) =>
    cluster.articles.map((article, index) => ({
      gold: cluster.cluster_id,
      outlet: `${cluster.cluster_id}/${index}`,
      published: '2021-01-01',
      title: article.title,
      text: article.text,
    })),
  );
}

export function basilArticles(): ClusterArticle[] {
  return readJsonl<{
    cluster_id: string;
    date: string;
    articles: { outlet: string; title: string; date?: string; text: string }[];
  }>('basil-triplets.jsonl').flatMap((cluster) =>
    cluster.articles.map((article) => ({
      gold: cluster.cluster_id,
      outlet: article.outlet,
      published: (article.date ?? cluster.date).slice(0, 10),
      title: article.title,
      text: article.text,
    })),
  );
}

/** RFC 4180 fields: quoted fields may hold commas and doubled quotes; no field spans lines here. */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

export function uciArticles(): ClusterArticle[] {
  const [header = '', ...lines] = readFileSync(path.join(storyClustersDir(), 'uci-headlines.csv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const columns = csvFields(header);
  const at = (name: string) => columns.indexOf(name);
  return lines.map((line) => {
    const fields = csvFields(line);
    return {
      gold: fields[at('STORY')] ?? '',
      outlet: fields[at('PUBLISHER')] ?? '',
      published: new Date(Number(fields[at('TIMESTAMP')])).toISOString().slice(0, 10),
      title: fields[at('TITLE')] ?? '',
      text: '',
    };
  });
}

/**
 * A file's clusters dealt alternately into a development half and a held-out half, in the order they
 * first appear (the roundups are in date order, so both halves span the period).
 */
export function splitClusters(articles: readonly ClusterArticle[]): {
  dev: ClusterArticle[];
  heldOut: ClusterArticle[];
} {
  const order = new Map<string, number>();
  for (const article of articles) if (!order.has(article.gold)) order.set(article.gold, order.size);
  const isDev = (article: ClusterArticle) => (order.get(article.gold) ?? 0) % 2 === 0;
  return { dev: articles.filter(isDev), heldOut: articles.filter((article) => !isDev(article)) };
}
