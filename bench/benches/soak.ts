// The soak of issue 15: three bot processes on one PostgreSQL database, 1,000 subscriptions (500 Slack
// channels, 500 Discord channels over three shards) due within two minutes, one instance killed with
// SIGKILL once a quarter of the digests is out and started again. See bench/soak/scenario.ts.
import { runSoak } from '../soak/scenario.js';
import type { Bench } from '../types.js';

const SOAK = { slackChannels: 500, discordChannels: 500, instances: 3, dueMinutes: 2, killAfterShare: 0.25 };

function databaseUrl(): string {
  const url = process.env.BRIEFBOT_TEST_PG_URL?.trim();
  if (!url)
    throw new Error(
      'the soak needs PostgreSQL: set BRIEFBOT_TEST_PG_URL to a database it may create a schema in ' +
        '(`bash scripts/test-postgres.sh` starts one on 127.0.0.1 and prints the URL)',
    );
  return url;
}

export const soakBench: Bench = {
  name: 'soak',
  description: 'three instances on one PostgreSQL, 1,000 digests due within two minutes, one SIGKILLed',
  async run(ctx) {
    const result = await runSoak({ ...SOAK, databaseUrl: databaseUrl(), timeoutMs: 600_000, log: ctx.log });
    const s = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
    return {
      corpusSizes: [result.subscriptions],
      tables: [
        {
          title: `Soak: ${SOAK.instances} instances, ${result.subscriptions} subscriptions due over ${SOAK.dueMinutes} minutes, one SIGKILLed`,
          columns: [
            { key: 'measure', label: 'measure' },
            { key: 'value', label: 'value', digits: 1 },
          ],
          rows: [
            { measure: 'digests posted (platforms accepted)', value: result.posted },
            { measure: 'subscriptions with no digest', value: result.lost },
            { measure: 'digests posted twice or more', value: result.duplicated },
            { measure: 'runs still claimed at the end', value: result.stillClaimed },
            { measure: 'digests out before the kill', value: result.postedBeforeKill },
            { measure: 'killed at, s after the first due minute', value: s(result.killedAt) },
            { measure: 'first digest, s after the first due minute', value: s(result.firstPostMs) },
            { measure: 'last digest, s after the first due minute', value: s(result.lastPostMs) },
            {
              measure: 'answers to one thread question sent to every instance',
              value: result.followUpAnswers,
            },
          ],
        },
      ],
      targets: [],
      notes: [
        'counted on the emulators: one subscription per channel, so a channel with two digests is a duplicate',
        'the killed instance restarts under its own INSTANCE_ID and takes its claims back at once',
      ],
    };
  },
};
