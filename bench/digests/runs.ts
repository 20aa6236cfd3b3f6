// The three runs of the digests bench, each on instance processes (instance.ts) over one SQLite file whose
// subscriptions are all due at DUE:
//   claim    - one instance, digests held in a queue: time until all are claimed, and composed and queued;
//   delivery - one instance, the real Slack adapter, a rate-limited Slack: what the platform accepted;
//   race     - two instances firing the same minute at the same instant: each digest posted once?
import type { Subscription } from '../../src/core/store/subscriptions.js';
import type { TopicCatalogue } from '../../src/core/topics.js';
import type { ClaimTally } from './claim.js';
import { type CatalogueName, type Fault, InstanceProcess, type Report, type StateRows } from './instance.js';
import { countDeliveries, type DeliveryCount, runStates } from './scenario.js';
import { lowerBoundMs, RateLimitedSlack, type RateLimits } from './slack-server.js';

/** Lead time between telling instances to fire and the instant they do, so they fire together. */
const FIRE_LEAD_MS = 300;
/** Time to wait, beyond its own deadline, for an instance to report before killing it. */
const GRACE_MS = 5_000;

type Done = Extract<Report, { type: 'done' }>;

export interface RunBase {
  file: string;
  catalogue: TopicCatalogue;
  catalogueName: CatalogueName;
  subscriptions: readonly Subscription[];
}

export interface ClaimResult {
  subscriptions: number;
  /** Whether every digest was queued (and the runs then finished) before the cut-off. */
  completed: boolean;
  cutoffMs: number;
  /** Last progress reports: how many were claimed / queued, when (ms after the minute fired), and RSS. */
  claimed?: { count: number; ms: number; rssMb: number };
  queued?: { count: number; ms: number; rssMb: number };
  done?: Done;
  count?: DeliveryCount;
  /** How the instance ended when it did not complete: cut off, or died (out of memory...). */
  failure?: string;
}

/**
 * Fires the minute in one instance whose poster queues every digest; waits up to `cutoffMs` for all of
 * them to be claimed, composed and queued, then (if they were) for the runs to finish.
 */
export async function runClaim(
  options: RunBase & { cutoffMs: number; maxHeapMb?: number },
): Promise<ClaimResult> {
  const expected = options.subscriptions.length;
  const instance = await InstanceProcess.start({
    file: options.file,
    catalogue: options.catalogueName,
    instanceId: 'bench-claim',
    expected,
    poster: { kind: 'queue' },
    settleMs: options.cutoffMs,
    ...(options.maxHeapMb ? { maxHeapMb: options.maxHeapMb } : {}),
  });
  try {
    instance.fireAt(Date.now() + FIRE_LEAD_MS);
    // A run stuck composing cannot report before it is done, so the cut-off is the parent's to enforce.
    const done = await instance.next('done', FIRE_LEAD_MS + options.cutoffMs + 1_000);
    const last = (type: 'claimed' | 'queued') => {
      const found = instance.reports.filter((r) => r.type === type).at(-1);
      return found?.type === type ? { count: found.count, ms: found.ms, rssMb: found.rssMb } : undefined;
    };
    const claimed = last('claimed');
    const queued = last('queued');
    const completed = done?.settled === true && done.queuedAt.length === expected;
    return {
      subscriptions: expected,
      completed,
      cutoffMs: options.cutoffMs,
      ...(claimed ? { claimed } : {}),
      ...(queued ? { queued } : {}),
      ...(done
        ? { done, count: countDeliveries(options.subscriptions, options.catalogue, done.queued) }
        : { failure: instanceEnd(instance, options.cutoffMs) }),
    };
  } finally {
    await instance.kill();
  }
}

function instanceEnd(instance: InstanceProcess, cutoffMs: number): string {
  const why = instance.failure();
  return why.startsWith('exit pending') ? `cut off at ${cutoffMs / 1000} s` : `died: ${why}`;
}

export interface DeliveryResult {
  subscriptions: number;
  channels: number;
  limits: RateLimits;
  count: DeliveryCount;
  /** 429s answered, by the rule that held the message. */
  rejectedByChannel: number;
  rejectedByWorkspace: number;
  /** From the minute firing to the first and the last message accepted. */
  firstAcceptedMs: number;
  lastAcceptedMs: number;
  /** The least the limits allow from the first acceptance to the last (slack-server.ts lowerBoundMs). */
  lowerBoundMs: number;
  /** Whether every instance finished all its runs before the cut-off. */
  settled: boolean;
  cutoffMs: number;
  states: StateRows;
  /** Peak resident memory of the busiest instance (MB), NaN if none reported. */
  maxRssMb: number;
  /** CPU the instances spent from firing until done (ms, all together), NaN if one did not report. */
  cpuMs: number;
  instances: {
    id: string;
    fired: number;
    /** What this instance's claims came to. */
    tally?: ClaimTally;
    /** When it fired, ms after the agreed instant (Date.now()). */
    firedLateMs: number;
    settled: boolean;
    failure?: string;
  }[];
}

/**
 * `instances` instances (1, or 2 for the race) on the file, each with the real Slack adapter pointed at a
 * rate-limited Slack, fire the minute at the same instant; after `cutoffMs` whatever is still running is
 * killed, and what the platform accepted is counted.
 */
export async function runDelivery(
  options: RunBase & {
    limits: RateLimits;
    cutoffMs: number;
    instances?: number;
    fault?: Fault;
    /** The adapter's digest budget across the workspaces it serves. */
    workspacePerSecond?: number;
  },
): Promise<DeliveryResult> {
  const slack = await RateLimitedSlack.start(options.limits);
  const ids = Array.from({ length: options.instances ?? 1 }, (_, i) => `bench-${'ab'[i] ?? i}`);
  const started: InstanceProcess[] = [];
  try {
    for (const instanceId of ids) {
      started.push(
        await InstanceProcess.start({
          file: options.file,
          catalogue: options.catalogueName,
          instanceId,
          expected: options.subscriptions.length,
          poster: {
            kind: 'slack',
            apiUrl: slack.apiUrl,
            fault: options.fault ?? 'none',
            ...(options.workspacePerSecond ? { workspacePerSecond: options.workspacePerSecond } : {}),
          },
          settleMs: options.cutoffMs,
        }),
      );
    }
    const at = Date.now() + FIRE_LEAD_MS;
    for (const instance of started) instance.fireAt(at);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    const firedAt = slack.now();
    const dones = await Promise.all(
      started.map((instance) => instance.next('done', FIRE_LEAD_MS + options.cutoffMs + GRACE_MS)),
    );
    for (const instance of started) await instance.kill();
    const times = slack.accepted.map((message) => message.at - firedAt);
    const states = runStates(options.file);
    return {
      subscriptions: options.subscriptions.length,
      channels: new Set(options.subscriptions.map((s) => s.channelId)).size,
      limits: options.limits,
      count: countDeliveries(options.subscriptions, options.catalogue, slack.accepted),
      rejectedByChannel: slack.rejected.filter((r) => r.rule === 'channel').length,
      rejectedByWorkspace: slack.rejected.filter((r) => r.rule === 'workspace').length,
      firstAcceptedMs: times.length ? Math.min(...times) : Number.NaN,
      lastAcceptedMs: times.length ? Math.max(...times) : Number.NaN,
      lowerBoundMs: lowerBoundMs(
        options.subscriptions.map((s) => s.channelId),
        options.limits,
      ),
      settled: dones.every((d) => d?.settled === true),
      cutoffMs: options.cutoffMs,
      states,
      maxRssMb: Math.max(...dones.map((d) => d?.maxRssMb ?? Number.NaN)),
      cpuMs: dones.reduce((sum, d) => sum + (d?.cpuMs ?? Number.NaN), 0),
      instances: ids.map((id, i) => {
        const done = dones[i];
        return done
          ? {
              id,
              fired: done.fired,
              tally: done.tally,
              firedLateMs: done.firedAtWall - at,
              settled: done.settled,
            }
          : {
              id,
              fired: Number.NaN,
              firedLateMs: Number.NaN,
              settled: false,
              failure: instanceEnd(started[i]!, options.cutoffMs),
            };
      }),
    };
  } finally {
    for (const instance of started) await instance.kill();
    await slack.close();
  }
}
