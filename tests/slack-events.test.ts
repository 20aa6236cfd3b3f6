import { describe, expect, it } from 'vitest';
import {
  classifyMessage,
  commandDedupeKeys,
  parseSlackThreadId,
  slackTextToPlain,
  slackThreadId,
  toCommandRequest,
} from '../src/adapters/slack/events.js';

const identity = { botUserId: 'U0BOT', botId: 'B0BOT' };
const question = {
  type: 'message',
  channel: 'C1',
  user: 'U1',
  text: 'who is mediating?',
  ts: '1714390000.000002',
  thread_ts: '1714380000.000001',
  client_msg_id: 'm-1',
  team: 'T1',
};

describe('reading Slack payloads', () => {
  it('turns /brief text into a neutral brief command', () => {
    expect(
      toCommandRequest({
        command: '/brief',
        text: '  gaza ',
        channel_id: 'C1',
        user_id: 'U1',
        team_id: 'T1',
      }),
    ).toEqual({
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C1',
      userId: 'U1',
      name: 'brief',
      input: { text: 'gaza' },
    });
  });

  it('uses opaque slack:<channel>:<thread_ts> thread ids', () => {
    expect(slackThreadId('C1', '1714380000.000001')).toBe('slack:C1:1714380000.000001');
    expect(parseSlackThreadId('slack:C1:1714380000.000001')).toEqual({
      channelId: 'C1',
      threadTs: '1714380000.000001',
    });
    expect(parseSlackThreadId('discord:G1:C2:T3')).toBeUndefined();
  });

  it('hands the bot a thread reply as plain text, without the bot’s mention or Slack’s entities', () => {
    expect(
      slackTextToPlain('<@U0BOT> is Q&amp;A &lt;ok&gt; for <#C2|news> and <https://x.org|this>?', 'U0BOT'),
    ).toBe('is Q&A <ok> for news and this?');
    expect(slackTextToPlain('ask <@U7> about <!here>', 'U0BOT')).toBe('ask @U7 about @here');
    const decision = classifyMessage({ ...question, text: '<@U0BOT> who is mediating?' }, identity, 'Ev1');
    expect(decision).toEqual({
      kind: 'followUp',
      channelId: 'C1',
      threadTs: '1714380000.000001',
      dedupeKeys: ['slack:ts:C1:1714390000.000002', 'slack:event:Ev1', 'slack:msg:m-1'],
      request: {
        platform: 'slack',
        workspaceId: 'T1',
        channelId: 'C1',
        userId: 'U1',
        threadId: 'slack:C1:1714380000.000001',
        text: 'who is mediating?',
      },
    });
  });

  it('ignores bots, itself, edits, top-level messages and empty text', () => {
    const ignored = [
      { ...question, subtype: 'bot_message', bot_id: 'B9' },
      { ...question, bot_id: 'B9' },
      { ...question, user: 'U0BOT' },
      { ...question, subtype: 'message_changed' },
      { ...question, subtype: 'channel_join' },
      (({ thread_ts: _, ...rest }) => rest)(question),
      { ...question, thread_ts: question.ts },
      { ...question, text: '<@U0BOT>' },
      { ...question, type: 'app_mention' },
    ];
    for (const event of ignored) expect(classifyMessage(event, identity).kind).toBe('ignore');
    expect(classifyMessage({ ...question, subtype: 'thread_broadcast' }, identity).kind).toBe('followUp');
  });
});

describe('naming deliveries for de-duplication', () => {
  it('names a slash command by its trigger id, so a replay of the signed request is recognised', () => {
    const command = { command: '/brief', channel_id: 'C1', user_id: 'U1', team_id: 'T1' };
    expect(commandDedupeKeys({ ...command, trigger_id: '123.456.abc' })).toEqual([
      'slack:command:T1:123.456.abc',
    ]);
    expect(commandDedupeKeys(command)).toEqual([]);
  });
});
