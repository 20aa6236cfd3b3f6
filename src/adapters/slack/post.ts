/**
 * Transport: sending rendered messages through the Web API client or a response_url. No rendering
 * and no decisions about what to send.
 */
import type { RespondFn, webApi } from '@slack/bolt';
import type { SlackMessage } from './types.js';

export type WebClient = webApi.WebClient;

/** Posts a message (in a thread when `threadTs` is set) and returns its ts. Throws on failure. */
export async function postMessage(
  client: WebClient,
  channel: string,
  message: SlackMessage,
  threadTs?: string,
): Promise<string> {
  const result = await client.chat.postMessage({
    channel,
    text: message.text,
    blocks: message.blocks,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    unfurl_links: false,
    unfurl_media: false,
  });
  if (!result.ts) throw new Error('chat.postMessage answered without a message ts');
  return result.ts;
}

export async function postEphemeral(
  client: WebClient,
  channel: string,
  user: string,
  message: SlackMessage,
): Promise<void> {
  await client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks });
}

/** Answers through the slash command's response_url (no bot membership needed). */
export async function respondWith(
  respond: RespondFn,
  message: SlackMessage,
  visibility: 'ephemeral' | 'in_channel',
): Promise<void> {
  await respond({ response_type: visibility, text: message.text, blocks: message.blocks });
}

interface CodedError {
  code?: string;
  message?: string;
  data?: { error?: string };
}

/** The Slack error code of a failed call (`not_in_channel`, ...), when Slack answered one. */
export function slackErrorCode(error: unknown): string | undefined {
  const coded = error as CodedError | undefined;
  return coded?.code === 'slack_webapi_platform_error' ? coded.data?.error : undefined;
}

/**
 * True when the failed call certainly posted nothing: Slack answered `ok: false`, an HTTP error or a
 * rate limit. Timeouts and dropped connections are not: the message may have landed, so sending it
 * again another way could show it twice.
 */
export function certainlyNotPosted(error: unknown): boolean {
  const coded = error as CodedError | undefined;
  if (coded?.code === 'slack_webapi_platform_error') return true;
  if (coded?.code === 'slack_webapi_http_error') return true;
  if (coded?.code === 'slack_webapi_rate_limited_error') return true;
  // What web-api throws when retries run out on a 429.
  return typeof coded?.message === 'string' && coded.message.startsWith('A rate limit was exceeded');
}

/** A short description of a failed call for the logs. */
export function describeError(error: unknown): string {
  const code = slackErrorCode(error);
  if (code) return code;
  if (error instanceof Error) return error.message;
  return String(error);
}
