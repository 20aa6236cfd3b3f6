export {
  createSlackAdapter,
  DEFAULT_SLACK_API_URL,
  type SlackAdapter,
  type SlackAdapterOptions,
} from './app.js';
export { parseSlackThreadId, slackThreadId } from './events.js';
export { BLOCK_KIT_LIMITS, escapeMrkdwn, renderReply } from './render.js';
export type {
  SlackBlock,
  SlackConfig,
  SlackLogger,
  SlackMessage,
  SlackMode,
  SlackRetryConfig,
} from './types.js';
