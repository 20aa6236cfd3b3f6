// The feed host of the polling bench, in a process of its own so the poller has its core to itself:
// `hosts` loopback addresses (127.0.0.2, 127.0.0.3, ...) each serve /f/<n>.xml, a small RSS feed. The
// phase, set by GET /phase/<name>, says what each feed answers; odd and even feeds differ so half of
// them answer 304 where the phase allows it. Prints {"bases": [...]} on stdout once listening.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

type Phase = 'warm' | 'steady' | 'unconditional' | 'new-item';
let phase: Phase = 'warm';

function item(feed: number, key: string): string {
  const text = `Officials in region ${feed} said on Tuesday that talks on ${key} would resume next week, after aid convoys reached the border crossing and the ceasefire held for a third day.`;
  return `<item><guid>${feed}-${key}</guid><title>Talks on ${key} resume in region ${feed}</title><link>https://outlet${feed % 50}.example/news/${feed}/${key}</link><pubDate>Tue, 05 Apr 2022 08:00:00 GMT</pubDate><description>${text}</description></item>`;
}

function feed(n: number, items: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Outlet ${n}</title><link>https://outlet${n % 50}.example/</link><description>Feed ${n}</description>${items.join('')}</channel></rss>`;
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  const path = request.url ?? '/';
  const control = /^\/phase\/([\w-]+)$/.exec(path);
  if (control) {
    phase = control[1] as Phase;
    response.end('ok');
    return;
  }
  const match = /^\/f\/(\d+)\.xml$/.exec(path);
  if (!match) {
    response.writeHead(404).end();
    return;
  }
  const n = Number(match[1]);
  const even = n % 2 === 0;
  const items = [item(n, 'aid'), item(n, 'ceasefire')];
  // Even feeds keep their ETag after warm-up (304 to a conditional GET); odd ones regenerate theirs.
  const etag = phase === 'warm' || even ? '"v1"' : `"${phase}"`;
  if (phase === 'new-item' && !even) items.unshift(item(n, 'hostages'));
  if (phase !== 'unconditional' && request.headers['if-none-match'] === etag) {
    response.writeHead(304, { etag }).end();
    return;
  }
  response.writeHead(200, { etag, 'content-type': 'application/rss+xml; charset=utf-8' });
  response.end(feed(n, items));
}

const hosts = Number(process.argv[2] ?? 50);
const bases: string[] = [];
for (let i = 0; i < hosts; i++) {
  const host = `127.0.0.${i + 2}`;
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  bases.push(`http://${host}:${(server.address() as { port: number }).port}`);
}
process.stdout.write(`${JSON.stringify({ bases })}\n`);
