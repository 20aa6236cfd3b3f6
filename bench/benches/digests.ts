// Digests due in the same minute (DESIGN.md "Targets": 10,000 subscriptions claimed and queued within 5 s,
// then posted at the platforms' rate limits with none lost or duplicated), through the project's own
// Scheduler, DigestDelivery, SqliteStore and Slack adapter. Only the cron timer (fired by hand at the minute,
// with an injected clock) and the platform (a rate-limited Slack Web API on 127.0.0.1) stand in.
//   1. claim: 10,000 subscriptions over 500 channels and 6 zones; time from the minute firing until every run is
//      claimed, and until every digest is composed and handed to the adapter. Also a smaller run that
//      completes, for the cost per digest. Each in its own process, cut off when it overruns.
//   2. delivery: 300 digests over 60 channels through the real Slack adapter to a Slack that allows one
//      message per second per channel and a workspace budget (429 + Retry-After otherwise); counted on what
//      the platform accepted, against the least time the limits allow.
//   3. race: two instances (two processes, one SQLite file) fire the same minute at the same instant.
// See bench/digests/ for the parts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { mergedCatalogue } from '../catalogues.js';
import { type ClaimResult, type DeliveryResult, runClaim, runDelivery } from '../digests/runs.js';
import {
  clearRuns,
  fillStore,
  makeSubscriptions,
  resetSubscriptions,
  wrongDeliveries,
  ZONES,
} from '../digests/scenario.js';
import { SLACK_LIKE, UNLIMITED } from '../digests/slack-server.js';
import { percentile, summarise } from '../stats.js';
import { checkTarget, type TargetCheck } from '../targets.js';
import type { Bench, Cell, Table } from '../types.js';

/** Generated documents ingested besides the seed: a busy day's news for the digests to pick from. */
const DEFAULT_DOCUMENTS = 400;
const CLAIM = { count: 10_000, channels: 500, cutoffMs: 8_000, maxHeapMb: 2_048 };
/** A size that completes within the bench's time, for what one digest costs on this path. */
const CLAIM_SMALL = { count: 200, channels: 50, cutoffMs: 30_000 };
const DELIVERY = { count: 300, channels: 60, cutoffMs: 25_000 };
/** The scale: 10,000 due in one minute over 500 channels in 50 workspaces, each with its own budget. */
const STREAM = { count: 10_000, channels: 500, workspaces: 50, cutoffMs: 90_000 };
const RACE = { count: 200, channels: 50, cutoffMs: 30_000 };

const s = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? null : ms / 1000);

function claimRow(label: string, run: number, result: ClaimResult, channels: number): Record<string, Cell> {
  const queuedAt = result.done?.queuedAt ?? [];
  return {
    label,
    run,
    subscriptions: result.subscriptions,
    channels,
    claimedS: s(result.claimed?.ms ?? (result.done ? Math.max(...result.done.claimedAt) : undefined)),
    queued: result.done ? queuedAt.length : (result.queued?.count ?? 0),
    firstQueuedS: s(queuedAt.length ? Math.min(...queuedAt) : result.queued?.ms),
    queuedP50S: s(queuedAt.length ? percentile(queuedAt, 50) : undefined),
    allQueuedS: s(result.completed ? Math.max(...queuedAt) : undefined),
    finishedS: s(result.completed ? result.done?.finishedMs : undefined),
    rssMb: result.done?.maxRssMb ?? result.queued?.rssMb ?? result.claimed?.rssMb ?? null,
    wrong: result.count ? wrongDeliveries(result.count) : null,
    status: result.completed ? 'completed' : (result.failure ?? 'incomplete'),
  };
}

function deliveryRows(label: string, result: DeliveryResult): Record<string, Cell>[] {
  const stillClaimed = result.states.filter((r) => r.status === 'claimed').reduce((n, r) => n + r.runs, 0);
  const failed = result.states.filter((r) => r.status === 'failed').reduce((n, r) => n + r.runs, 0);
  return [
    {
      label,
      subscriptions: result.subscriptions,
      channels: result.channels,
      accepted: result.count.accepted,
      delivered: result.count.delivered,
      undelivered: result.count.lost,
      duplicated: result.count.duplicated + result.count.unattributed,
      retrying: stillClaimed,
      failed,
      rejected429: result.rejectedByChannel + result.rejectedByWorkspace,
      firstS: s(result.firstAcceptedMs),
      lastS: s(result.lastAcceptedMs),
      boundS: s(result.lowerBoundMs),
      // Only meaningful once every subscription was served.
      spanOverBound:
        result.lowerBoundMs > 0 && result.count.lost === 0
          ? (result.lastAcceptedMs - result.firstAcceptedMs) / result.lowerBoundMs
          : null,
      rssMb: Number.isFinite(result.maxRssMb) ? result.maxRssMb : null,
      // What bounds the span once the limits do not: the work per digest, on however much CPU there is.
      cpuMsPerDigest:
        Number.isFinite(result.cpuMs) && result.count.accepted > 0
          ? result.cpuMs / result.count.accepted
          : null,
      status: result.settled ? 'all runs finished' : `cut off at ${result.cutoffMs / 1000} s`,
    },
  ];
}

const claimColumns = [
  { key: 'label', label: 'run of' },
  { key: 'run', label: '#' },
  { key: 'subscriptions', label: 'subs' },
  { key: 'channels', label: 'channels' },
  { key: 'claimedS', label: 'all claimed s', digits: 2 },
  { key: 'queued', label: 'queued' },
  { key: 'firstQueuedS', label: 'first queued s', digits: 2 },
  { key: 'queuedP50S', label: 'p50 queued s', digits: 2 },
  { key: 'allQueuedS', label: 'all queued s', digits: 2 },
  { key: 'finishedS', label: 'all posted s', digits: 2 },
  { key: 'rssMb', label: 'peak RSS MB', digits: 0 },
  { key: 'wrong', label: 'lost+dup' },
  { key: 'status', label: 'status' },
];

const deliveryColumns = [
  { key: 'label', label: 'run' },
  { key: 'subscriptions', label: 'subs' },
  { key: 'channels', label: 'channels' },
  { key: 'accepted', label: 'accepted' },
  { key: 'delivered', label: 'subs served' },
  { key: 'undelivered', label: 'not served' },
  { key: 'duplicated', label: 'extra msgs' },
  { key: 'retrying', label: 'still retrying' },
  { key: 'failed', label: 'failed' },
  { key: 'rejected429', label: '429s' },
  { key: 'firstS', label: 'first s', digits: 2 },
  { key: 'lastS', label: 'last s', digits: 2 },
  { key: 'boundS', label: 'least s', digits: 2 },
  { key: 'spanOverBound', label: 'span/least', digits: 2 },
  { key: 'rssMb', label: 'peak RSS MB', digits: 0 },
  { key: 'cpuMsPerDigest', label: 'CPU ms/digest', digits: 2 },
  { key: 'status', label: 'status' },
];

export const digestsBench: Bench = {
  name: 'digests',
  description:
    'digests due in one minute: claim+compose+queue 10,000, post through a rate-limited Slack, two instances racing',
  async run(ctx) {
    const documents = Math.max(...ctx.sizes([DEFAULT_DOCUMENTS]));
    const { runs } = ctx.timing({ warmup: 0, runs: 1 });
    const catalogue = mergedCatalogue();
    const dir = mkdtempSync(path.join(tmpdir(), 'briefbot-bench-digests-'));
    const file = path.join(dir, 'digests.db');
    const notes: string[] = [];
    const targets: TargetCheck[] = [];
    const base = { file, catalogue, catalogueName: 'merged' as const };
    try {
      const store = new SqliteStore(file);
      ctx.log(`digests: ingesting the seed and ${documents} generated documents into ${file}`);
      const filled = await fillStore(store, catalogue, { documents, seed: ctx.seed });

      // 1. Claim and compose.
      const claimRows: Record<string, Cell>[] = [];
      const claimResults: { label: string; results: ClaimResult[] }[] = [];
      for (const plan of [CLAIM, CLAIM_SMALL]) {
        const subscriptions = makeSubscriptions(catalogue, { count: plan.count, channels: plan.channels });
        await resetSubscriptions(store, file, subscriptions);
        const results: ClaimResult[] = [];
        for (let run = 1; run <= runs; run++) {
          clearRuns(file);
          ctx.log(
            `digests: claim run ${run}/${runs}, ${plan.count} subscriptions, cut-off ${plan.cutoffMs / 1000} s`,
          );
          const result = await runClaim({ ...base, subscriptions, ...plan });
          results.push(result);
          claimRows.push(claimRow(`${plan.count} subs`, run, result, plan.channels));
        }
        claimResults.push({ label: `${plan.count}`, results });
      }
      const small = claimResults[1]!.results.filter((r) => r.completed);
      if (small.length > 0) {
        const perDigest = summarise(small.map((r) => Math.max(...r.done!.queuedAt) / CLAIM_SMALL.count));
        notes.push(
          `claim+compose+queue costs ${perDigest.median.toFixed(1)} ms per digest at ${CLAIM_SMALL.count} due at once on one core ` +
            `(${filled.items} items in the store); at that rate ${CLAIM.count} would take ${((perDigest.median * CLAIM.count) / 1000).toFixed(0)} s, ` +
            'with no platform limit in the way (the queue poster): what composition alone costs',
        );
      }

      // 2. Delivery through the rate-limited Slack.
      const deliverySubs = makeSubscriptions(catalogue, { ...DELIVERY, prefix: 'deliver' });
      await resetSubscriptions(store, file, deliverySubs);
      ctx.log(
        `digests: delivery of ${DELIVERY.count} digests over ${DELIVERY.channels} channels, cut-off ${DELIVERY.cutoffMs / 1000} s`,
      );
      const delivery = await runDelivery({
        ...base,
        subscriptions: deliverySubs,
        limits: SLACK_LIKE,
        cutoffMs: DELIVERY.cutoffMs,
      });
      targets.push(
        checkTarget('digest-delivery', wrongDeliveries(delivery.count), {
          detail: `${DELIVERY.count} digests over ${DELIVERY.channels} channels through the Slack adapter, within ${DELIVERY.cutoffMs / 1000} s`,
          note: `not served by the cut-off: ${delivery.count.lost}, extra messages: ${delivery.count.duplicated + delivery.count.unattributed}; the limits allow all in ${(delivery.lowerBoundMs / 1000).toFixed(0)} s after the first`,
        }),
      );

      // 2b. The scale, streamed through the rate-limited Slack, one budget per workspace.
      const streamSubs = makeSubscriptions(catalogue, { ...STREAM, prefix: 'stream' });
      await resetSubscriptions(store, file, streamSubs);
      const streamLimits = { ...SLACK_LIKE, workspaces: STREAM.workspaces };
      ctx.log(
        `digests: stream of ${STREAM.count} digests over ${STREAM.channels} channels in ${STREAM.workspaces} workspaces, cut-off ${STREAM.cutoffMs / 1000} s`,
      );
      const stream = await runDelivery({
        ...base,
        subscriptions: streamSubs,
        limits: streamLimits,
        cutoffMs: STREAM.cutoffMs,
        workspacePerSecond: SLACK_LIKE.workspacePerSecond * STREAM.workspaces,
      });
      const streamWrong = wrongDeliveries(stream.count);
      const streamSpan =
        stream.count.lost === 0
          ? (stream.lastAcceptedMs - stream.firstAcceptedMs) / stream.lowerBoundMs
          : Number.NaN;
      const streamDetail = `${STREAM.count} digests, ${STREAM.channels} channels, ${STREAM.workspaces} workspaces, one instance through the Slack adapter`;
      targets.push(
        checkTarget('digest-delivery', streamWrong, { corpusSize: STREAM.count, detail: streamDetail }),
        checkTarget('digest-first', stream.firstAcceptedMs, {
          corpusSize: STREAM.count,
          detail: streamDetail,
        }),
        checkTarget('digest-span', streamSpan, {
          corpusSize: STREAM.count,
          detail: `${streamDetail}; least ${(stream.lowerBoundMs / 1000).toFixed(1)} s`,
          ...(stream.count.lost > 0 ? { note: `${stream.count.lost} not served by the cut-off` } : {}),
        }),
        checkTarget('digest-rss', stream.maxRssMb, {
          corpusSize: STREAM.count,
          detail: `${streamDetail}; peak (maxRSS)`,
        }),
      );

      // 3. Two instances racing.
      const raceSubs = makeSubscriptions(catalogue, { ...RACE, prefix: 'race' });
      await resetSubscriptions(store, file, raceSubs);
      await store.close();
      ctx.log(`digests: two instances racing for ${RACE.count} digests`);
      const race = await runDelivery({
        ...base,
        subscriptions: raceSubs,
        limits: UNLIMITED,
        cutoffMs: RACE.cutoffMs,
        instances: 2,
      });
      targets.push(
        checkTarget('digest-delivery', wrongDeliveries(race.count), {
          detail: `two instances on one SQLite file racing for ${RACE.count} digests`,
        }),
      );

      const tables: Table[] = [
        {
          title:
            `Claim and compose: every subscription due in one minute, ${ZONES.length} time zones, ` +
            `${filled.documents} documents / ${filled.items} items ingested the day before; seconds after the minute fired`,
          columns: claimColumns,
          rows: claimRows,
        },
        {
          title:
            `Delivery through the Slack adapter to a Slack allowing 1 message/s per channel and ` +
            `${SLACK_LIKE.workspacePerSecond}/s per workspace (burst ${SLACK_LIKE.workspaceBurst}); s after the minute fired`,
          columns: deliveryColumns,
          rows: [
            ...deliveryRows('one instance', delivery),
            ...deliveryRows(`stream, ${STREAM.workspaces} workspaces`, stream),
            ...deliveryRows('two instances, no limits', race),
          ],
        },
        {
          title: 'Race: two instances (processes) on one SQLite file, same minute, fired together',
          columns: [
            { key: 'id', label: 'instance' },
            { key: 'fired', label: 'ticks' },
            { key: 'won', label: 'claims won' },
            { key: 'lost', label: 'claims lost' },
            { key: 'threw', label: 'claims threw' },
            { key: 'late', label: 'fired late ms' },
            { key: 'settled', label: 'finished' },
          ],
          rows: race.instances.map((i) => ({
            id: i.id,
            fired: i.fired,
            won: i.tally?.won ?? null,
            lost: i.tally?.lost ?? null,
            threw: i.tally?.threw ?? null,
            late: i.firedLateMs,
            settled: i.failure ?? (i.settled ? 'yes' : 'no'),
          })),
        },
      ];
      notes.push(
        `store: the seed folder plus ${documents} generated documents (bench/corpus.ts, seed ${ctx.seed}) = ${filled.items} items, all ingested within the 24 h a first digest looks back; topics of the repo catalogue plus the BBC ones (bench/catalogues.ts), 1-3 per subscription, none quiet`,
        'the minute is fired by hand (ManualCron) on an injected clock that then runs in real time; everything else is the production path: Scheduler, DigestDelivery, SqliteStore, the Slack adapter and its Web API client with their default retry settings',
        'delivery "CPU ms/digest": CPU time (user + system) of the instance process(es) from the minute firing until done, per message accepted; times the digests, it is the CPU the stream needs, which on a shared machine may exceed what the process gets within the least time',
        `delivery "least s" is the least time the limits allow from the first message to the last (busiest channel 1 s apart; ${SLACK_LIKE.workspacePerSecond}/s after a burst of ${SLACK_LIKE.workspaceBurst}); "span/least" compares the actual first-to-last span with it`,
        'each run is a separate process on the same SQLite file; a run that overruns its cut-off is killed and counted as it stood',
      );
      return {
        corpusSizes: [filled.documents],
        tables,
        targets,
        notes,
        data: {
          store: filled,
          claim: claimResults.map(({ label, results }) => ({
            label,
            results: results.map(({ done, ...rest }) => ({
              ...rest,
              count: rest.count && { ...rest.count, perSubscription: undefined },
              done: done && { ...done, queued: undefined, claimedAt: undefined, queuedAt: undefined },
            })),
          })),
          delivery: { ...delivery, count: { ...delivery.count, perSubscription: undefined } },
          stream: { ...stream, count: { ...stream.count, perSubscription: undefined } },
          race: { ...race, count: { ...race.count, perSubscription: undefined } },
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
