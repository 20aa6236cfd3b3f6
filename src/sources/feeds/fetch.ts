/** What the poller asks of the network for one feed URL (or, with `accept`, one article page). */
export interface FetchRequest {
  url: string;
  /** The Accept header; a feed's types when unset. */
  accept?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export type FetchResult =
  | {
      kind: 'fresh';
      bytes: Uint8Array;
      contentType: string | null;
      etag?: string | undefined;
      lastModified?: string | undefined;
      /** Seconds the server says the copy stays fresh (Cache-Control max-age). */
      maxAge?: number | undefined;
    }
  | { kind: 'not-modified'; maxAge?: number | undefined }
  | { kind: 'failed'; reason: string; status?: number | undefined; retryAfterMs?: number | undefined };

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
}

export const DEFAULT_FETCH_LIMITS: Omit<FetchLimits, 'userAgent'> = {
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
};

function maxAgeOf(headers: Headers): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*(\d+)/i.exec(headers.get('cache-control') ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * One conditional GET (a feed, or an article page): ETag and Last-Modified sent back, gzip and brotli accepted (fetch decodes
 * them), redirects followed up to the limit, the whole exchange bounded in time and the body in size.
 * Never throws: every failure is a `failed` result with a reason an operator can act on.
 */
export async function fetchFeed(request: FetchRequest, limits: FetchLimits): Promise<FetchResult> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = request.url;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(url, {
        redirect: 'manual',
        signal,
        headers: {
          'user-agent': limits.userAgent,
          accept:
            request.accept ??
            'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8',
          'accept-encoding': 'gzip, br',
          ...(request.etag ? { 'if-none-match': request.etag } : {}),
          ...(request.lastModified ? { 'if-modified-since': request.lastModified } : {}),
        },
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
        await response.body?.cancel();
        if (redirects >= limits.maxRedirects)
          return {
            kind: 'failed',
            reason: `more than ${limits.maxRedirects} redirects`,
            status: response.status,
          };
        url = new URL(location, url).toString();
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { kind: 'not-modified', maxAge: maxAgeOf(response.headers) };
      }
      if (!response.ok) {
        await response.body?.cancel();
        return {
          kind: 'failed',
          reason: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
          status: response.status,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()),
        };
      }
      const bytes = await readCapped(response, limits.maxBytes);
      if (!bytes)
        return { kind: 'failed', reason: `larger than ${limits.maxBytes} bytes`, status: response.status };
      return {
        kind: 'fresh',
        bytes,
        contentType: response.headers.get('content-type'),
        etag: response.headers.get('etag') ?? undefined,
        lastModified: response.headers.get('last-modified') ?? undefined,
        maxAge: maxAgeOf(response.headers),
      };
    }
  } catch (error) {
    const reason = signal.aborted
      ? `no complete answer within ${limits.timeoutMs / 1000} s`
      : describeNetworkError(error);
    return { kind: 'failed', reason };
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** The body, or undefined as soon as it passes `maxBytes` (announced or streamed). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const announced = Number(response.headers.get('content-length') ?? 0);
  if (announced > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
