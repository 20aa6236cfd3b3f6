/**
 * Slack payloads -> neutral core requests, and the rules for which messages to ignore. Pure: no Bolt
 * runtime, no network, so each rule is testable on its own.
 */
import type { CommandRequest, MessageRequest } from '../../core/index.js';

/** The fields of a slash command payload this adapter reads (HTTP form body or Socket Mode payload). */
export interface SlashCommandPayload {
  command: string;
  text?: string;
  channel_id: string;
  user_id: string;
  team_id?: string;
  response_url?: string;
  /** Unique per invocation: a replay of the same signed request carries the same one. */
  trigger_id?: string;
}

/** The fields of a `message` event this adapter reads. */
export interface MessageEventPayload {
  type: string;
  subtype?: string;
  channel?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  client_msg_id?: string;
  team?: string;
  hidden?: boolean;
}

/** Opaque, platform-prefixed thread id: `slack:<channel>:<thread_ts>`. */
export function slackThreadId(channelId: string, threadTs: string): string {
  return `slack:${channelId}:${threadTs}`;
}

export function parseSlackThreadId(threadId: string): { channelId: string; threadTs: string } | undefined {
  const match = /^slack:([^:]+):(\d+\.\d+)$/.exec(threadId);
  return match ? { channelId: match[1]!, threadTs: match[2]! } : undefined;
}

/** `/brief gaza` -> `{ name: 'brief', input: { text: 'gaza' } }`. */
export function toCommandRequest(command: SlashCommandPayload): CommandRequest {
  return {
    platform: 'slack',
    ...(command.team_id ? { workspaceId: command.team_id } : {}),
    channelId: command.channel_id,
    userId: command.user_id,
    name: command.command.replace(/^\//, ''),
    input: { text: (command.text ?? '').trim() },
  };
}

/**
 * Slack message text -> plain text for the core: mentions of the bot removed, other mentions and
 * links reduced to their label (or target), and Slack's three entities decoded.
 */
export function slackTextToPlain(text: string, botUserId?: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_whole, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (botUserId && target === `@${botUserId}`) return '';
      if (label) return label;
      if (target.startsWith('@') || target.startsWith('#')) return target;
      if (target.startsWith('!')) return `@${target.slice(1).split('^')[0]}`;
      return target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Subtypes that are still a person writing in a thread. Everything else (edits, joins, bots) is ignored. */
const HUMAN_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

export type MessageDecision =
  | { kind: 'ignore'; reason: string }
  | {
      kind: 'followUp';
      request: MessageRequest;
      channelId: string;
      threadTs: string;
      /** Any of these claimed before (by any instance) means this delivery is a duplicate. */
      dedupeKeys: string[];
    };

export interface BotIdentity {
  botUserId?: string;
  botId?: string;
}

/**
 * Decides whether a message event is a follow-up question to hand to the bot. Ignores bots (this one
 * included), edits and other subtypes, top-level messages, and empty text. Whether the thread is one
 * the bot opened is the core's call (`followUp` answers undefined).
 */
export function classifyMessage(
  event: MessageEventPayload,
  identity: BotIdentity,
  eventId?: string,
): MessageDecision {
  if (event.type !== 'message') return { kind: 'ignore', reason: 'not a message' };
  if (event.subtype && !HUMAN_SUBTYPES.has(event.subtype))
    return { kind: 'ignore', reason: `subtype ${event.subtype}` };
  if (event.hidden) return { kind: 'ignore', reason: 'hidden' };
  if (event.bot_id) return { kind: 'ignore', reason: 'bot message' };
  if (!event.user) return { kind: 'ignore', reason: 'no user' };
  if (identity.botUserId && event.user === identity.botUserId)
    return { kind: 'ignore', reason: 'own message' };
  if (!event.channel || !event.ts) return { kind: 'ignore', reason: 'no channel or ts' };
  if (!event.thread_ts || event.thread_ts === event.ts)
    return { kind: 'ignore', reason: 'not a thread reply' };
  const text = slackTextToPlain(event.text ?? '', identity.botUserId);
  if (!text) return { kind: 'ignore', reason: 'empty text' };

  const dedupeKeys = [`slack:ts:${event.channel}:${event.ts}`];
  if (eventId) dedupeKeys.push(`slack:event:${eventId}`);
  if (event.client_msg_id) dedupeKeys.push(`slack:msg:${event.client_msg_id}`);
  return {
    kind: 'followUp',
    channelId: event.channel,
    threadTs: event.thread_ts,
    dedupeKeys,
    request: {
      platform: 'slack',
      ...(event.team ? { workspaceId: event.team } : {}),
      channelId: event.channel,
      userId: event.user,
      threadId: slackThreadId(event.channel, event.thread_ts),
      text,
    },
  };
}

/** What names one slash command invocation, so a replayed signed request runs once; none without a trigger_id. */
export function commandDedupeKeys(command: SlashCommandPayload): string[] {
  return command.trigger_id ? [`slack:command:${command.team_id ?? ''}:${command.trigger_id}`] : [];
}
