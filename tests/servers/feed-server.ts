import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, normalize } from 'node:path';

/** The shared feed and article files, read in place (never copied into the project). */
export const SHARED_DATA = join(import.meta.dirname, '../../../shared/data');
export const FEEDS_DIR = join(SHARED_DATA, 'feeds');

export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Every request the server answered, in order: path and status. */
  log: { path: string; status: number; userAgent: string | undefined }[];
  /** Answers this status for a path until told otherwise (a feed going down). */
  fail(path: string, status: number | undefined, retryAfter?: string): void;
  close(): Promise<void>;
}

/**
 * A feed host on 127.0.0.1: `/feeds/<collection>/<file>` serves ../shared/data/feeds byte for byte
 * with an ETag and answers 304 to a matching If-None-Match; `/redirect/<n>/<path>` redirects n times
 * first; failures are switched on per path.
 */
export async function startFeedServer(): Promise<FeedServer> {
  const failing = new Map<string, { status: number; retryAfter: string | undefined }>();
  const log: FeedServer['log'] = [];
  const answer = (request: IncomingMessage, response: ServerResponse, path: string) => {
    const send = (status: number, headers: Record<string, string> = {}, body?: Buffer) => {
      log.push({ path, status, userAgent: request.headers['user-agent'] });
      response.writeHead(status, headers);
      response.end(body);
    };
    const redirect = /^\/redirect\/(\d+)(\/.*)$/.exec(path);
    if (redirect) {
      const left = Number(redirect[1]);
      return send(302, { location: left > 1 ? `/redirect/${left - 1}${redirect[2]}` : (redirect[2] ?? '/') });
    }
    const failure = failing.get(path);
    if (failure) return send(failure.status, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    if (!path.startsWith('/feeds/')) return send(404);
    const file = normalize(join(FEEDS_DIR, path.slice('/feeds/'.length)));
    if (!file.startsWith(FEEDS_DIR)) return send(404);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return send(404);
    }
    const etag = `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
    if (request.headers['if-none-match'] === etag) return send(304, { etag });
    const type = file.endsWith('.json') ? 'application/feed+json' : 'application/xml';
    return send(200, { etag, 'content-type': type }, bytes);
  };
  const server: Server = createServer((request, response) =>
    answer(request, response, new URL(request.url ?? '/', 'http://x').pathname),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    log,
    fail(path, status, retryAfter) {
      if (status === undefined) failing.delete(path);
      else failing.set(path, { status, retryAfter });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
