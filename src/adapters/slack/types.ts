import type { Logger } from '../../core/index.js';

/**
 * Types of the Slack adapter: its configuration (what `src/config.ts` maps env vars onto), the logger
 * it needs, and the few Block Kit shapes the renderer produces.
 */

export type SlackMode = 'socket' | 'http';

/** Retry policy of the Web API client (a subset of node-retry's options). */
export interface SlackRetryConfig {
  /** Retries after the first attempt; a 429 counts as one. */
  retries: number;
  factor?: number;
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  randomize?: boolean;
}

export interface SlackConfig {
  /** SLACK_BOT_TOKEN (xoxb-...). */
  botToken: string;
  /** SLACK_SIGNING_SECRET: required in HTTP mode. */
  signingSecret?: string;
  /** SLACK_APP_TOKEN (xapp-..., connections:write): required in Socket Mode. */
  appToken?: string;
  /** SLACK_MODE: 'socket' (default in main) or 'http'. */
  mode: SlackMode;
  /** PORT: HTTP mode only; 0 picks a free port. Default 3000. */
  port?: number;
  /** Interface to listen on in HTTP mode (default: all). Tests use 127.0.0.1. */
  host?: string;
  /** SLACK_API_URL: Web API base, default https://slack.com/api/ (GovSlack, a proxy, or a test emulator). */
  apiUrl?: string;
  /** Slash command this adapter answers. Default '/brief'. */
  command?: string;
  /** HTTP path Slack posts commands and events to. Default '/slack/events'. */
  endpoint?: string;
  /** Web API retries; default five retries over about five minutes. */
  retry?: SlackRetryConfig;
  /** Per-request timeout of Web API calls in ms; default 10 s. */
  requestTimeoutMs?: number;
}

/** The project's logger (src/core/logger.ts): a message and optional structured fields. */
export type SlackLogger = Logger;

/* ------------------------------- Block Kit -------------------------------- */

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  /** true: no auto-linking of URLs, channel names or mentions in the text. */
  verbatim?: boolean;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}

export interface SectionBlock {
  type: 'section';
  text: MrkdwnText;
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock;

/** A rendered reply: what goes into chat.postMessage, respond() or chat.postEphemeral. */
export interface SlackMessage {
  /** Fallback for notifications and clients without Block Kit; always set, escaped like the blocks. */
  text: string;
  blocks: SlackBlock[];
  /** `blocks` as JSON, when the renderer made it from the pieces it measured: sent as it is. */
  blocksJson?: string;
}
