/**
 * Requests to the bot's HTTP receiver, signed exactly as Slack signs them: HMAC-SHA256 with the
 * signing secret over `v0:{timestamp}:{raw body}`, sent as `x-slack-signature: v0=<hex>` with
 * `x-slack-request-timestamp`. Slash commands are `application/x-www-form-urlencoded` (exactly: Bolt
 * rejects a charset suffix), events are JSON.
 */
import { createHmac } from 'node:crypto';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignOptions {
  secret: string;
  contentType: typeof FORM | typeof JSON_TYPE;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Overrides the computed signature (forgery tests). */
  signature?: string;
  /** Extra headers, e.g. X-Slack-Retry-Num. */
  headers?: Record<string, string>;
}

export interface SlackHttpResult {
  status: number;
  body: string;
  elapsedMs: number;
}

/** POSTs a signed request to the app and reports what it answered and how fast. */
export async function postSigned(url: string, body: string, options: SignOptions): Promise<SlackHttpResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': options.contentType,
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': options.signature ?? slackSignature(options.secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text, elapsedMs: performance.now() - started };
}

export interface SlashCommandFields {
  text: string;
  channel_id: string;
  user_id: string;
  response_url: string;
  command?: string;
  team_id?: string;
  channel_name?: string;
  user_name?: string;
}

let triggerCounter = 0;

/** The form fields Slack sends with a slash command, in Slack's order; a fresh trigger_id each time. */
export function slashCommandPayload(fields: SlashCommandFields): Record<string, string> {
  return {
    token: 'verification-token-unused',
    team_id: fields.team_id ?? 'T0EMU',
    team_domain: 'emulated',
    channel_id: fields.channel_id,
    channel_name: fields.channel_name ?? 'newsroom',
    user_id: fields.user_id,
    user_name: fields.user_name ?? 'analyst',
    command: fields.command ?? '/brief',
    text: fields.text,
    api_app_id: 'A0EMU',
    is_enterprise_install: 'false',
    response_url: fields.response_url,
    trigger_id: `${Date.now()}.${++triggerCounter}.abcdef`,
  };
}

export function slashCommandForm(fields: SlashCommandFields): string {
  return new URLSearchParams(slashCommandPayload(fields)).toString();
}

let eventCounter = 0;

/** An Events API `event_callback` envelope around `event`. */
export function eventCallback(
  event: Record<string, unknown>,
  options: { eventId?: string; teamId?: string } = {},
): Record<string, unknown> & { event_id: string } {
  eventCounter += 1;
  const teamId = options.teamId ?? 'T0EMU';
  return {
    token: 'verification-token-unused',
    team_id: teamId,
    api_app_id: 'A0EMU',
    event: { team: teamId, ...event },
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${Date.now()}${eventCounter}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'U0BOT', is_bot: true }],
    is_ext_shared_channel: false,
  };
}
