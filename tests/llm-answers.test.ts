import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from '../src/core/bot.js';
import { OpenAiCompatibleChat } from '../src/core/llm.js';
import { silentLogger } from '../src/core/logger.js';
import { brief, consoleCaller, startCore } from './support/core.js';

/** A stand-in for an OpenAI-compatible server on 127.0.0.1: answers from a queue, records requests. */
let server: Server;
let baseUrl: string;
const replies: { status: number; content: string }[] = [];
const received: {
  authorization?: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
}[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      received.push({ authorization: request.headers.authorization, body: JSON.parse(body) });
      const next = replies.shift() ?? { status: 500, content: '' };
      response.writeHead(next.status, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: next.content } }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  replies.length = 0;
  received.length = 0;
});

/** The core on the seed with a model behind the bot, and a thread under /brief gaza. */
async function threadWithModel() {
  const core = await startCore();
  const chat = new OpenAiCompatibleChat({
    baseUrl,
    model: 'local-model',
    apiKey: 'sk-test',
    timeoutMs: 2000,
  });
  const bot = new Bot({
    store: core.store,
    catalogue: core.catalogue,
    logger: silentLogger,
    clock: () => new Date(),
    chat,
  });
  const key = { ...consoleCaller, threadId: 'console:test:llm' };
  await bot.rememberThread(key, await brief(core, 'gaza'));
  return (text: string) => bot.followUp({ ...key, text });
}

async function ask(question: string) {
  const reply = await (await threadWithModel())(question);
  return {
    heading: reply?.sections[0]?.heading,
    quotes: reply?.sections.flatMap((section) => section.quotes ?? []),
  };
}

describe('answers reworded by an optional language model', () => {
  it('uses a rewording that cites a retrieved sentence and adds nothing', async () => {
    replies.push({
      status: 200,
      content: '{"answer": "Over 1.5 million civilians have sought refuge in Rafah.", "cite": [1]}',
    });
    const answer = await ask('How many civilians are in Rafah?');
    expect(answer.heading).toBe('Over 1.5 million civilians have sought refuge in Rafah.');
    expect(answer.quotes?.[0]).toContain('where over 1.5 million civilians have sought refuge');
    expect(received[0]?.authorization).toBe('Bearer sk-test');
    expect(received[0]?.body.model).toBe('local-model');
    expect(received[0]?.body.messages[1]?.content).toContain('[1] Netanyahu had previously pledged');
  });

  it('falls back to the extractive answer when the model cites a sentence it was never given', async () => {
    replies.push({
      status: 200,
      content: '{"answer": "Over 1.5 million civilians are in Rafah.", "cite": [7]}',
    });
    expect((await ask('How many civilians are in Rafah?')).heading).toBe('over 1.5 million civilians');
  });

  it('falls back when the rewording adds a figure the sentences do not hold', async () => {
    replies.push({
      status: 200,
      content: '{"answer": "About 2 million civilians are in Rafah.", "cite": [1]}',
    });
    expect((await ask('How many civilians are in Rafah?')).heading).toBe('over 1.5 million civilians');
  });

  it('falls back when the rewording names someone the sentences do not', async () => {
    replies.push({
      status: 200,
      content: '{"answer": "Egypt, Qatar and Jordan are mediating.", "cite": [1]}',
    });
    expect((await ask('Who is mediating the talks?')).heading).toBe('Egypt, Qatar, and the United States');
  });

  it('falls back when the server fails or answers something that is not the JSON asked for', async () => {
    replies.push({ status: 500, content: '' });
    expect((await ask('How many civilians are in Rafah?')).heading).toBe('over 1.5 million civilians');
    replies.push({ status: 200, content: 'Sure! Lots of civilians.' });
    expect((await ask('How many civilians are in Rafah?')).heading).toBe('over 1.5 million civilians');
  });

  it('is never asked when the briefings do not answer: a refusal stays a refusal', async () => {
    const reply = await (await threadWithModel())('What is the weather in Paris?');
    expect(reply?.title).toBe('Not in the briefings');
    expect(received).toHaveLength(0);
  });
});
