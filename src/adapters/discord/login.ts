import { type Client, DiscordjsErrorCodes, Events, GatewayCloseCodes } from 'discord.js';
import { UserError } from '../../core/index.js';
import { DISCORD_API_URL } from './types.js';

/** Gateway close codes after which discord.js gives up on a shard: each is a setting the operator can fix. */
const CLOSED_FOR_GOOD: Partial<Record<number, string>> = {
  [GatewayCloseCodes.AuthenticationFailed]: refusedToken('the gateway closed with 4004'),
  [GatewayCloseCodes.DisallowedIntents]:
    'DISCORD_TOKEN: Discord refused the Message Content intent (4014): enable it under Bot -> Privileged Gateway Intents in the developer portal',
  [GatewayCloseCodes.InvalidShard]:
    'DISCORD_SHARDS: Discord refused the shard (4010): use ids below DISCORD_SHARD_COUNT, or DISCORD_SHARDS=auto',
  [GatewayCloseCodes.ShardingRequired]:
    'DISCORD_SHARDS: Discord requires more shards for this many guilds (4011): set DISCORD_SHARDS=auto, or more shards in DISCORD_SHARD_COUNT',
};

function refusedToken(why: string): string {
  return `DISCORD_TOKEN: Discord refused it (${why}): copy the token from Bot -> Reset Token of your application in the Discord developer portal`;
}

/**
 * Logs in and waits for every shard to be ready. A token Discord refuses (401 on GET /gateway/bot, or
 * IDENTIFY closed with 4004), a shard closed for good and an API that cannot be reached each become one
 * message naming the setting, instead of discord.js's stack trace or a wait for a ready that never comes.
 */
export async function logIn(client: Client, token: string, apiUrl: string | undefined): Promise<void> {
  let closedForGood: (error: UserError) => void = () => {};
  let closedWith: UserError | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    closedForGood = reject;
    client.once(Events.ClientReady, () => resolve());
  });
  // Whichever comes first, login's rejection or ready's, the close code is what names the setting.
  const onDisconnect = ({ code }: { code: number }) => {
    const message = CLOSED_FOR_GOOD[code];
    if (!message) return;
    closedWith = new UserError(message, { cause: new Error(`gateway close code ${code}`) });
    closedForGood(closedWith);
  };
  client.on(Events.ShardDisconnect, onDisconnect);
  try {
    await client.login(token).catch((error: unknown) => {
      throw closedWith ?? loginProblem(error, apiUrl ?? DISCORD_API_URL);
    });
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  } finally {
    client.off(Events.ShardDisconnect, onDisconnect);
  }
}

function loginProblem(error: unknown, apiUrl: string): unknown {
  const failed = error as Error & { code?: unknown; status?: number; cause?: { code?: unknown } };
  if (failed.code === DiscordjsErrorCodes.TokenInvalid)
    return new UserError(refusedToken('401 Unauthorized'), { cause: error });
  // No HTTP status: the request never got an answer (refused, unknown host, timed out).
  const network = [failed.code, failed.cause?.code].find(
    (code) => typeof code === 'string' && /^E[A-Z_]+$/.test(code),
  );
  if (failed.status === undefined && (network || failed.name === 'AbortError')) {
    return new UserError(
      `DISCORD_API_URL ${apiUrl}: Discord's API cannot be reached (${String(network ?? 'timed out')}): check the URL (leave it empty for ${DISCORD_API_URL}) and the network`,
      { cause: error },
    );
  }
  return error;
}
