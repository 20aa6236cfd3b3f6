/**
 * The text kit every renderer shares. Text from the core is plain but comes from documents, so each
 * renderer cleans it, fits it to its platform's limits and checks its links the same way; only the
 * escaping and the measure of a limit differ per platform.
 */

export const ELLIPSIS = '…';

// C0 controls except tab and newline, DEL, and the C1 controls (the single-byte CSI among them).
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Drops control characters and replaces broken surrogates; keeps newlines (as \n) and tabs. */
export function sanitize(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** One line: sanitized, every whitespace run (newlines included) one space. */
export function oneLine(text: string | undefined): string {
  return sanitize(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface Fitted {
  /** The escaped text, whole, or cut and ending with an ellipsis; '' when no word fits. */
  text: string;
  truncated: boolean;
}

export interface FitOptions {
  /** The platform's escaping. It must never shorten a text; the cut is made before it, so no entity splits. */
  escape?: (text: string) => string;
  /** A second limit besides the length of the escaped text (Slack also counts JSON-escaped length). */
  fits?: (escaped: string) => boolean;
}

const same = (text: string) => text;

/**
 * Escapes `text` and fits it in `limit` characters of escaped text. A text too long is cut at the last
 * word boundary that fits and ends with an ellipsis; only a first word longer than the whole limit is
 * cut inside the word, and never inside a surrogate pair.
 */
export function fitText(text: string, limit: number, options: FitOptions = {}): Fitted {
  const escapeFn = options.escape ?? same;
  const fits = (escaped: string) => escaped.length <= limit && (options.fits?.(escaped) ?? true);
  // Escaping never shortens, so nothing past `limit` raw characters can survive: bound the work.
  const bounded = text.length > limit + 1 ? text.slice(0, limit + 1) : text;
  if (bounded.length === text.length) {
    const whole = escapeFn(text);
    if (fits(whole)) return { text: whole, truncated: false };
  }
  // The escaped length grows with the prefix: binary search for the longest prefix that fits.
  let lo = 0;
  let hi = bounded.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(`${escapeFn(bounded.slice(0, mid))}${ELLIPSIS}`)) lo = mid;
    else hi = mid - 1;
  }
  let end = lo;
  if (end < bounded.length && !/\s/.test(bounded[end] ?? '') && !/\s/.test(bounded[end - 1] ?? ' ')) {
    const lastSpace = bounded.slice(0, end).search(/\s\S*$/);
    if (lastSpace > 0) end = lastSpace;
  }
  const code = bounded.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  const head = bounded.slice(0, end).trimEnd();
  return { text: head ? `${escapeFn(head)}${ELLIPSIS}` : '', truncated: true };
}

/**
 * A link a renderer may show: a plain http(s) URL without credentials, at most `maxLength` long, or
 * undefined. Each platform then escapes what its own link syntax needs.
 */
export function httpUrl(raw: string | undefined, maxLength: number): URL | undefined {
  if (!raw || raw.length > maxLength) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return url.href.length <= maxLength ? url : undefined;
}
