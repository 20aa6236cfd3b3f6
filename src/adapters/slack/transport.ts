/**
 * The digest client's HTTP transport: the Web API client's `fetch` option, over undici's `request`.
 * The client's default, Node's built-in fetch, wraps every call in WHATWG streams, an abort-signal
 * chain and a USV copy of the body. For a minute of 10,000 digests that was a tenth of the instance's
 * CPU and over a third of what outlived young-generation collection (docs/performance.md, "Digests at
 * scale"). Retries, rate limits and Slack's errors stay the Web API client's.
 */
import { STATUS_CODES } from 'node:http';
import type { webApi } from '@slack/bolt';
import { Agent, request } from 'undici';

type FetchResponse = Awaited<ReturnType<webApi.FetchFunction>>;

/** Connections to Slack kept open between posts: a minute of digests reuses them. */
const KEEP_ALIVE_MS = 30_000;

/** Header lookup as fetch's `Headers` offers it, over undici's lower-cased header record. */
class ResponseHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }
}

/**
 * A `fetch` for `WebClient` that sends the client's already-serialised body as it is and reads the
 * answer as text once. It follows no redirect (the client asks for `redirect: 'error'`, and a 3xx
 * becomes the client's HTTP error) and honours the client's timeout signal.
 */
export function undiciFetch(
  dispatcher = new Agent({ keepAliveTimeout: KEEP_ALIVE_MS }),
): webApi.FetchFunction {
  return async (url, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string') {
      // Only file uploads send FormData, and digests upload nothing.
      throw new TypeError('the digest transport sends string bodies only');
    }
    const href = String(url);
    const response = await request(href, {
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      dispatcher,
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    const status = response.statusCode;
    const answer: FetchResponse = {
      ok: status >= 200 && status < 300,
      status,
      statusText: STATUS_CODES[status] ?? '',
      url: href,
      headers: new ResponseHeaders(response.headers),
      arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength),
      json: async () => JSON.parse(body.toString('utf8')),
      text: async () => body.toString('utf8'),
    };
    return answer;
  };
}
