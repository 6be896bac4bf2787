import { randomBytes } from 'node:crypto';
import { encodeEnvelope, type EventEnvelope, TOPICS } from '@tracking/events';
import { Client } from 'pg';
import type { BareProducerCommands } from '../children/bare-producer';
import type { RelayCommands } from '../children/relay-service';
import type { Kafka, Postgres } from './infrastructure';
import { CommandClient } from './ipc';
import { ArrivalRecorder } from './kafka-receiver';
import { orderReceivedEnvelope } from './orders';
import type { TimedSends } from './pacing';
import { type BenchProcess, describeExit, startProcess } from './processes';
import { type Scope, withScope } from './scope';
import type { BenchSettings } from './settings';
import { type LatencySummary, round, sleep, summarizeLatencies } from './stats';

export interface BurstResult {
  events: number;
  batchSize: number;
  concurrency: number;
  /** From the relay's start (or the producer's first send) until the consumer had every event. */
  durationMs: number;
  eventsPerSecond: number;
  firstArrivalMs: number;
  /** Relay: until the last row was marked published; bare producer: until its last send returned. */
  senderDoneMs?: number;
}

export interface SteadyResult {
  offeredRate: number;
  events: number;
  failures: number;
  firstFailure?: string;
  /** From commit (relay) or hand-over to kafkajs (bare producer) until the consumer received it. */
  latency: LatencySummary;
}

export interface RelayScenarioResult {
  topic: string;
  messageValueBytes: number;
  baseline: { burst: BurstResult; steady: SteadyResult; processWarnings: { count: number; first: string[] } };
  relay: {
    poolSize: number;
    fillMs: number;
    fillPerTransaction: number;
    burst: BurstResult;
    steady: SteadyResult;
    unpublishedAfter: number;
    processWarnings: { count: number; first: string[] };
  };
}

const ARRIVAL_TIMEOUT_MS = 180_000;

function startCommandProcess<H extends Record<keyof H, (args: never) => Promise<unknown>>>(
  scope: Scope,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): { proc: BenchProcess; commands: CommandClient<H> } {
  const proc = startProcess(name, entry, env, { ipc: true });
  scope.defer(name, () => proc.stop());
  return { proc, commands: new CommandClient<H>(proc.child, name) };
}

async function ready(proc: BenchProcess, commands: { ready: Promise<void> }): Promise<void> {
  await commands.ready.catch(() => {
    throw new Error(describeExit(proc));
  });
}

function steadyResult(offeredRate: number, sends: TimedSends, arrivals: Map<string, number>): SteadyResult {
  return {
    offeredRate,
    events: sends.times.length,
    failures: sends.failures,
    ...(sends.firstFailure ? { firstFailure: sends.firstFailure } : {}),
    latency: summarizeLatencies(sends.times.map(([id, at]) => arrivals.get(id)! - at)),
  };
}

function burstResult(
  events: number,
  settings: { batchSize: number; concurrency: number },
  startedAt: number,
  arrivals: Map<string, number>,
  senderDoneAt?: number,
): BurstResult {
  let first = Infinity;
  let last = -Infinity;
  for (const at of arrivals.values()) {
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  const durationMs = last - startedAt;
  return {
    events,
    ...settings,
    durationMs: Math.round(durationMs),
    eventsPerSecond: round(events / (durationMs / 1_000), 1),
    firstArrivalMs: Math.round(first - startedAt),
    ...(senderDoneAt === undefined ? {} : { senderDoneMs: Math.round(senderDoneAt - startedAt) }),
  };
}

export async function runRelayScenario(
  postgres: Postgres,
  kafka: Kafka,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<RelayScenarioResult> {
  return withScope(log, async (scope) => {
    const topic = TOPICS.orders;
    const runId = randomBytes(4).toString('hex');
    const recorder = await ArrivalRecorder.start(kafka.brokers, topic);
    scope.defer('benchmark consumer', () => recorder.stop());

    const burstEnvelopes = Array.from({ length: settings.relayEvents }, (_, index) =>
      orderReceivedEnvelope(`RELAY-${runId}-${index}`),
    );
    const burstIds = burstEnvelopes.map((envelope) => envelope.eventId);
    const steadyEnvelopes = (label: string): EventEnvelope[] =>
      Array.from({ length: Math.round(settings.rate * settings.relaySteadyS) }, (_, index) =>
        orderReceivedEnvelope(`STEADY-${label}-${runId}-${index}`),
      );
    const messageValueBytes = Math.round(
      burstEnvelopes.slice(0, 100).reduce((sum, envelope) => sum + encodeEnvelope(envelope).length, 0) /
        Math.min(100, burstEnvelopes.length),
    );

    // The relay's outbox is filled first: its settings (claim size, rounds in flight) are what
    // the bare producer mirrors.
    const database = await postgres.createDatabase(scope, 'relay');
    const relayEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(database.poolSize),
      KAFKA_BROKERS: kafka.brokers,
      KAFKA_IDEMPOTENT: String(kafka.idempotent),
      LOG_LEVEL: 'warn',
    };
    const relay = startCommandProcess<RelayCommands>(
      scope,
      'relay service',
      'bench/children/relay-service.ts',
      relayEnv,
    );
    await ready(relay.proc, relay.commands);
    const relaySettings = await relay.commands.call('settings');
    log(
      `filling the outbox with ${settings.relayEvents} events, ${settings.fillPerTransaction} per transaction`,
    );
    const fill = await relay.commands.call('fill', {
      envelopes: burstEnvelopes,
      perTransaction: settings.fillPerTransaction,
    });

    log(`bare kafkajs producer: ${settings.relayEvents} messages in batches of ${relaySettings.batchSize}`);
    const baseline = await withScope(log, async (baselineScope) => {
      const bare = startCommandProcess<BareProducerCommands>(
        baselineScope,
        'bare producer',
        'bench/children/bare-producer.ts',
        { ...process.env, KAFKA_BROKERS: kafka.brokers, KAFKA_IDEMPOTENT: String(kafka.idempotent) },
      );
      await ready(bare.proc, bare.commands);
      await bare.commands.call('load', { envelopes: burstEnvelopes });
      recorder.reset();
      const sent = await bare.commands.call('burst', relaySettings);
      const burst = burstResult(
        burstIds.length,
        relaySettings,
        sent.startedAt,
        await recorder.waitForAll(burstIds, ARRIVAL_TIMEOUT_MS),
        sent.sentAt,
      );
      log(`  burst: ${burst.eventsPerSecond} events/s (${burst.durationMs} ms)`);
      recorder.reset();
      const sends = await bare.commands.call('steady', {
        envelopes: steadyEnvelopes('bare'),
        rate: settings.rate,
      });
      const steady = steadyResult(
        settings.rate,
        sends,
        await recorder.waitForAll(
          sends.times.map(([id]) => id),
          ARRIVAL_TIMEOUT_MS,
        ),
      );
      log(`  steady ${settings.rate}/s: p50 ${steady.latency.p50Ms} ms, p99 ${steady.latency.p99Ms} ms`);
      return {
        burst,
        steady,
        processWarnings: { count: bare.proc.output.warningCount, first: bare.proc.output.warnings },
      };
    });

    log(`outbox relay: ${settings.relayEvents} rows waiting, relay starting now`);
    await relay.commands.call('connectProducer');
    recorder.reset();
    const { startedAt } = await relay.commands.call('startRelay');
    const arrivals = await recorder.waitForAll(burstIds, ARRIVAL_TIMEOUT_MS);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    scope.defer('relay database client', () => client.end());
    // Rows are marked after their publish returns, so the last marks can trail the last arrival.
    let marked: { unpublished: number; last_mark: string | null };
    for (let attempt = 0; ; attempt += 1) {
      const { rows } = await client.query<{ unpublished: number; last_mark: string | null }>(
        `SELECT count(*) FILTER (WHERE processed_at IS NULL AND abandoned_at IS NULL)::int AS unpublished,
                extract(epoch FROM max(processed_at)) * 1000 AS last_mark
           FROM order_intake.outbox`,
      );
      marked = rows[0]!;
      if (marked.unpublished === 0 || attempt >= 50) break;
      await sleep(100);
    }
    const burst = burstResult(
      burstIds.length,
      relaySettings,
      startedAt,
      arrivals,
      // processed_at is the database server's clock: only comparable when it runs on this machine.
      marked.last_mark === null || postgres.kind === 'DATABASE_URL' ? undefined : Number(marked.last_mark),
    );
    log(`  burst: ${burst.eventsPerSecond} events/s (${burst.durationMs} ms)`);

    recorder.reset();
    const sends = await relay.commands.call('steady', {
      envelopes: steadyEnvelopes('relay'),
      rate: settings.rate,
    });
    const steady = steadyResult(
      settings.rate,
      sends,
      await recorder.waitForAll(
        sends.times.map(([id]) => id),
        ARRIVAL_TIMEOUT_MS,
      ),
    );
    log(`  steady ${settings.rate}/s: p50 ${steady.latency.p50Ms} ms, p99 ${steady.latency.p99Ms} ms`);
    if (relay.proc.exited()) throw new Error(describeExit(relay.proc));
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM order_intake.outbox WHERE processed_at IS NULL AND abandoned_at IS NULL',
    );

    return {
      topic,
      messageValueBytes,
      baseline,
      relay: {
        poolSize: database.poolSize,
        fillMs: Math.round(fill.ms),
        fillPerTransaction: settings.fillPerTransaction,
        burst,
        steady,
        unpublishedAfter: rows[0]!.n,
        processWarnings: { count: relay.proc.output.warningCount, first: relay.proc.output.warnings },
      },
    };
  });
}
