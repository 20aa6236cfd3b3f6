import { parseHTML } from 'linkedom';

const BLOCKS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BR',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TR',
  'UL',
]);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'SVG']);

interface HtmlNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<HtmlNode>;
}

/**
 * Plain text of an HTML fragment: blocks become paragraphs (blank lines between them, which is where
 * ingest looks for sub-topic changes), inline markup disappears, entities are decoded.
 */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html.trim();
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return nodeText(document.body as unknown as HtmlNode);
}

/** Text of a parsed node, paragraph by paragraph. */
function nodeText(root: HtmlNode): string {
  const parts: string[] = [];
  const walk = (node: HtmlNode) => {
    if (node.nodeType === 3) {
      parts.push(node.textContent ?? '');
      return;
    }
    if (node.nodeType !== 1 || SKIPPED.has(node.nodeName)) return;
    const block = BLOCKS.has(node.nodeName);
    if (block) parts.push('\n\n');
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) parts.push('\n\n');
  };
  walk(root);
  return parts
    .join('')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}
