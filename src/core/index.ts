/**
 * What adapters may import from the core (tests/architecture.test.ts holds them to it): the bot as
 * they see it, the delivery port they implement and the functions that drive it, the requests they
 * build, and the few shared types and helpers they need.
 */
export type { Adapter, BotApi } from './bot-api.js';
export type { Command, CommandCaller, OptionSpec } from './commands/command.js';
export {
  APOLOGY,
  answerCommand,
  answerMessage,
  type Delivery,
  type DigestMark,
  type FoundMessage,
  NotPosted,
  type Place,
  type PostedMessage,
  postReply,
  type RequestDelivery,
  type ThreadMemory,
} from './delivery.js';
export { UserError } from './errors.js';
export type { Logger } from './logger.js';
export type { AnswerOutcome, CommandOutcome, Metrics } from './metrics.js';
export type { Platform } from './model.js';
export type { CommandRequest, MessageRequest } from './requests.js';
