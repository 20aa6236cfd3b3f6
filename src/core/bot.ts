import type { Reply } from '../reply.js';
import { answerQuestion, answerReply } from './answer.js';
import { rephraseAnswer } from './answers/rephrase.js';
import type { BotApi } from './bot-api.js';
import type { Command } from './commands/command.js';
import { commands as defaultCommands } from './commands/index.js';
import { parseCommandText } from './commands/parse-text.js';
import { APOLOGY } from './delivery.js';
import { DeliveryClaims } from './delivery-claims.js';
import { UserError } from './errors.js';
import type { CommandOutcome } from './metrics.js';
import type { CommandRequest, MessageRequest } from './requests.js';
import type { BotServices } from './services.js';
import type { ThreadKey } from './store/store.js';

/** How many question/answer turns a thread remembers for elliptical follow-ups. */
const REMEMBERED_TURNS = 5;
const MAX_QUESTION_CHARS = 500;
/** A thread with no post or question for this long is forgotten: a question there then gets no answer. */
export const THREAD_MEMORY_MS = 30 * 24 * 3_600_000;
/** Forgotten threads are pruned at most this often, by whichever thread is remembered first after it. */
const THREAD_PRUNE_EVERY_MS = 10 * 60_000;

/** Routes neutral requests to commands and follow-up answers. Knows nothing of platforms. */
export class Bot implements BotApi {
  readonly commands: readonly Command[];
  private readonly deliveries: DeliveryClaims;
  private nextThreadPrune = 0;

  constructor(
    private readonly services: BotServices,
    commands: readonly Command[] = defaultCommands,
  ) {
    this.commands = commands;
    this.deliveries = new DeliveryClaims(services);
  }

  /** Runs a command, then logs it and counts it: one line per request, with its platform and channel. */
  async command(request: CommandRequest): Promise<Reply> {
    const started = performance.now();
    const { reply, outcome, command } = await this.runCommand(request);
    this.services.metrics?.command(request.platform, command, outcome);
    this.services.logger.info('command', {
      platform: request.platform,
      channel: request.channelId,
      command,
      outcome,
      ms: Math.round(performance.now() - started),
    });
    return reply;
  }

  /** `command` is the name of the command that ran ("unknown" when none matched), never free text. */
  private async runCommand(
    request: CommandRequest,
  ): Promise<{ reply: Reply; outcome: CommandOutcome; command: string }> {
    let name = 'unknown';
    try {
      const { command, options } = this.route(request);
      name = command.name;
      const parsed = command.schema.safeParse(options);
      if (!parsed.success) {
        const problem = parsed.error.issues[0]?.message ?? 'invalid options';
        throw new UserError(`${problem}\nUsage: ${command.usage}`);
      }
      return { reply: await command.run(this.services, request, parsed.data), outcome: 'ok', command: name };
    } catch (error) {
      const reply = this.failure(error, { command: request.name, platform: request.platform });
      return { reply, outcome: error instanceof UserError ? 'user_error' : 'failure', command: name };
    }
  }

  /**
   * Slack has one slash command, so `/brief topics` means the topics command; the console and
   * Discord may name it directly. Bare `/brief` shows its usage.
   */
  private route(request: CommandRequest): { command: Command; options: Record<string, string | undefined> } {
    const find = (name: string) =>
      this.commands.find((command) => command.name === name.toLowerCase().replace(/^\//, ''));
    const named = find(request.name);
    if (!named) {
      throw new UserError(
        `There is no command “${request.name}”. Commands: ${this.commands.map((c) => `{/${c.name}}`).join(', ')}.`,
      );
    }
    if (!('text' in request.input)) return { command: named, options: request.input.options };
    const text = request.input.text.trim();
    if (named.name === 'brief') {
      if (text === '') return { command: this.help(), options: { command: 'brief' } };
      const [first = '', ...rest] = text.split(/\s+/);
      const sub = find(first);
      if (sub && sub.name !== 'brief')
        return { command: sub, options: parseCommandText(sub, rest.join(' ')) };
    }
    return { command: named, options: parseCommandText(named, text) };
  }

  private help(): Command {
    const help = this.commands.find((command) => command.name === 'help');
    if (!help) throw new Error('the command list has no help command');
    return help;
  }

  async followUp(request: MessageRequest): Promise<Reply | undefined> {
    const key: ThreadKey = {
      platform: request.platform,
      channelId: request.channelId,
      threadId: request.threadId,
    };
    try {
      const context = await this.services.store.getThreadContext(key);
      if (!context) return undefined;
      const question = request.text.trim().slice(0, MAX_QUESTION_CHARS);
      // "👍" or "((((" asks nothing: answering would repeat the thread's last question.
      if (!/[\p{L}\p{N}]/u.test(question)) return undefined;
      const extracted = await answerQuestion(this.services.store, question, context);
      const { chat, logger } = this.services;
      const answer =
        chat && extracted.kind === 'answer' ? await rephraseAnswer(chat, extracted, logger) : extracted;
      const reply = answerReply(answer);
      this.services.metrics?.answer(request.platform, answer.kind === 'answer' ? 'answered' : 'refused');
      this.services.logger.info('follow-up', {
        platform: request.platform,
        channel: request.channelId,
        thread: request.threadId,
        outcome: answer.kind === 'answer' ? 'answered' : 'refused',
      });
      const summary = answer.kind === 'answer' ? answer.text : answer.reason;
      await this.services.store.saveThreadContext({
        ...context,
        turns: [...context.turns, { question, answer: summary }].slice(-REMEMBERED_TURNS),
        updatedAt: this.services.clock().toISOString(),
      });
      return reply;
    } catch (error) {
      return this.failure(error, { followUp: request.threadId, platform: request.platform });
    }
  }

  async rememberThread(key: ThreadKey, reply: Reply): Promise<void> {
    if (!reply.thread) return;
    const now = this.services.clock();
    await this.services.store.saveThreadContext({
      ...key,
      itemIds: reply.thread.itemIds,
      turns: [],
      updatedAt: now.toISOString(),
      ...(reply.thread.topic ? { topic: reply.thread.topic } : {}),
    });
    if (now.getTime() >= this.nextThreadPrune) {
      this.nextThreadPrune = now.getTime() + THREAD_PRUNE_EVERY_MS;
      const before = new Date(now.getTime() - THREAD_MEMORY_MS).toISOString();
      await this.services.store.pruneThreadContexts(before).catch((error: unknown) => {
        this.services.logger.warn('could not forget old threads', { error });
      });
    }
  }

  firstDelivery(keys: readonly string[]): Promise<boolean> {
    return this.deliveries.first(keys);
  }

  async topicChoices(typed: string): Promise<{ name: string; value: string }[]> {
    return this.services.catalogue.complete(typed).map((topic) => ({
      name: `${topic.label} (${topic.slug})`.slice(0, 100),
      value: topic.slug,
    }));
  }

  /** A user's mistake is explained to them; anything else is logged and apologised for, never silent. */
  private failure(error: unknown, fields: Record<string, unknown>): Reply {
    if (error instanceof UserError) {
      return {
        kind: 'error',
        audience: 'requester',
        title: 'That did not work',
        sections: [{ heading: '', text: error.message }],
      };
    }
    this.services.logger.error('request failed', { ...fields, error });
    return APOLOGY;
  }
}
