import { parseOpml } from 'feedsmith';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { parseSourcesFile } from './sources-file.js';

export interface ImportReport {
  /** sources.yaml as it should now read: the old text, comments and all, with the new feeds after it. */
  text: string;
  added: { url: string; name?: string | undefined }[];
  /** Feeds the file already follows (at `line` of sources.yaml), or the OPML lists twice (line 0). */
  duplicates: { url: string; line: number }[];
  /** Outlines that name no feed the bot can poll, and why. */
  skipped: { text: string; reason: string }[];
}

export type ImportResult = { ok: true; report: ImportReport } | { ok: false; problems: string[] };

interface Outline {
  text?: string;
  title?: string;
  xmlUrl?: string;
  outlines?: Outline[];
}

/** Every outline of an OPML body, folders opened. */
function flatten(outlines: readonly Outline[] | undefined): Outline[] {
  return (outlines ?? []).flatMap((outline) => [outline, ...flatten(outline.outlines)]);
}

/** The address as the poller will fetch it, so `HTTP://Host/feed` and `http://host/feed` are one feed. */
function normalise(url: string): string | undefined {
  try {
    const parsed = new URL(url.trim());
    return /^https?:$/.test(parsed.protocol) ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds the feeds of an OPML export (from any feed reader) to sources.yaml: entries and comments already
 * there are kept as written; a feed it already follows, or one the OPML lists twice, is reported rather
 * than added again; outlines without an http(s) feed address are reported as skipped.
 */
export function importOpml(opml: string, sourcesYaml: string, sourcesPath: string): ImportResult {
  const current = parseSourcesFile(sourcesYaml);
  if (!current.ok)
    return {
      ok: false,
      problems: current.problems.map((problem) => `${sourcesPath}:${problem.line}: ${problem.message}`),
    };
  let outlines: Outline[];
  try {
    outlines = flatten((parseOpml(opml).body?.outlines ?? []) as Outline[]);
  } catch (error) {
    return { ok: false, problems: [`not an OPML file: ${(error as Error).message}`] };
  }
  const lines = new LineCounter();
  const document = parseDocument(sourcesYaml, { lineCounter: lines });
  if (document.contents !== null && !isMap(document.contents))
    return { ok: false, problems: [`${sourcesPath}:1: expected "feeds:" followed by a list of feeds`] };
  let feeds = document.get('feeds', true);
  if (!isSeq(feeds)) {
    feeds = document.createNode([]);
    document.set('feeds', feeds);
  }
  const known = new Map<string, number>();
  for (const [index, spec] of current.feeds.entries()) {
    const node = (feeds as { items: { range?: [number, number, number] }[] }).items[index];
    const url = normalise(spec.url) ?? spec.url;
    if (!known.has(url)) known.set(url, node?.range ? lines.linePos(node.range[0]).line : 0);
  }
  const report: ImportReport = { text: '', added: [], duplicates: [], skipped: [] };
  for (const outline of outlines) {
    const label = outline.title ?? outline.text;
    if (outline.xmlUrl === undefined) {
      // A folder of feeds, opened above; an outline with neither is not a feed.
      if (!outline.outlines?.length)
        report.skipped.push({ text: label ?? '(untitled)', reason: 'no xmlUrl: not a feed' });
      continue;
    }
    const url = normalise(outline.xmlUrl);
    if (!url) {
      report.skipped.push({
        text: label ?? outline.xmlUrl,
        reason: `${outline.xmlUrl} is not an http(s) address`,
      });
      continue;
    }
    const line = known.get(url);
    if (line !== undefined) {
      report.duplicates.push({ url, line });
      continue;
    }
    known.set(url, 0);
    const name = label?.trim() || undefined;
    (feeds as { items: unknown[] }).items.push(document.createNode(name ? { url, name } : { url }));
    report.added.push({ url, name });
  }
  // Unpadded flow lists, as people write them ("topics: [gaza]"), so the entries already there read as before.
  report.text = report.added.length > 0 ? document.toString({ flowCollectionPadding: false }) : sourcesYaml;
  const check = parseSourcesFile(report.text);
  if (!check.ok)
    return {
      ok: false,
      problems: check.problems.map(
        (problem) => `${sourcesPath} after the import:${problem.line}: ${problem.message}`,
      ),
    };
  return { ok: true, report };
}
