import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generateSigningKeyPair, mintToken } from '@tracking/auth';
import {
  createEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  type EnvelopeOf,
  type EventEnvelope,
  MILESTONE_RANKS,
  TOPICS,
  trackingTokenHash,
} from '@tracking/events';
import { Kafka as KafkaClient, logLevel, type Message, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import type { BareContact, BareNotifierCommands, BareNotifierOptions } from '../children/bare-notifier';
import type { NotificationSinkCommands, SinkArrivals, SinkSnapshot } from '../children/notification-sinks';
import type { Kafka, Postgres } from './infrastructure';
import { CommandClient } from './ipc';
import { measureKafkaHop, SERVICE_FETCH_WAIT_MS } from './kafka-hop';
import { paced } from './pacing';
import { describeExit, startProcess } from './processes';
import type { SummaryRow } from './report';
import { type Scope, withScope } from './scope';
import { positionGroupAtEnd, processWarnings, startService } from './services';
import type { BenchSettings } from './settings';
import { clock, type LatencySummary, ratio, round, sleep, summarizeLatencies } from './stats';

/** The issue's target: messages handed to the SMTP/SMS sinks per second, on the 2-core machine. */
export const TARGET_NOTIFICATION_MESSAGES_PER_S = 1_000;
/** A paced run that delivered less than this share of its offered rate did not sustain it. */
const SUSTAINED_SHARE = 0.98;
/** Every buyer chose email and SMS, with consent: each status event is one message on each. */
const MESSAGES_PER_EVENT = 2;
/** Published this many to a send at full speed, as the relay would. */
const PUBLISH_CHUNK = 500;
/** A phase gives up when no message has arrived for this long. */
const STALL_MS = 60_000;
const PHASE_TIMEOUT_MS = 900_000;
const ORDERS_KNOWN_TIMEOUT_MS = 300_000;
const IDLE_TIMEOUT_MS = 120_000;
/** After the last expected message, how long the sinks keep listening for a duplicate. */
const SETTLE_MS = 1_500;

const STATUS = 'OUT_FOR_DELIVERY' as const;
const TRACKING_BASE_URL = 'https://track.bench.example/t';
const EMAIL_FROM = 'updates@notify.bench.example';
const SENDER_NAME = 'Bench Prints';
const SMS_ACCOUNT_SID = 'AC0000000000000000000000000000bench';
const SMS_FROM = '+15005550006';
/**
 * Sends in flight in the service (NOTIFICATION_DISPATCH_CONCURRENCY, 8 unless set in the
 * environment, which the service inherits) and its nodemailer pool (4, fixed): the baseline gets
 * the same.
 */
function serviceSendConcurrency(): number {
  return Math.round(numberFromEnv('NOTIFICATION_DISPATCH_CONCURRENCY', 8));
}
const SERVICE_SMTP_CONNECTIONS = 4;
/** USER_HZ: /proc reports CPU time in these ticks on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface NotificationSettings {
  /** Status events published at full speed (each one message by email and one by SMS). */
  events: number;
  /** Status events published before, to warm up both targets. */
  warmupEvents: number;
  /** The paced rate, status events per second (twice as many messages). */
  rate: number;
  /** The paced phase. */
  steadyS: number;
  /** NOTIFICATION_COALESCE_MS for the service (its default, 5 s, is a deliberate wait). */
  coalesceMs: number;
  /**
   * Paced events are handed over in one send per this many ms (the events due by then); 0 sends
   * each on its own. Unset: 20 on the local broker, 0 on a real one (see publishPaced).
   */
  publishTickMs?: number;
}

function numberFromEnv(name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero))
    throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (got "${raw}")`);
  return value;
}

/** Sized from BENCH_DURATION_S like the other scenarios; each figure has a variable of its own. */
export function readNotificationSettings(durationS: number): NotificationSettings {
  // 15 s gives 5,000 events: 10,000 messages, ten seconds' worth at the 1,000 messages/s target.
  const events = Math.round(
    numberFromEnv('BENCH_NOTIFICATION_EVENTS', Math.max(1, Math.round((durationS * 2) / 3)) * 500),
  );
  return {
    events,
    warmupEvents: Math.round(
      numberFromEnv('BENCH_NOTIFICATION_WARMUP_EVENTS', Math.max(500, Math.round(events / 10))),
    ),
    rate: numberFromEnv('BENCH_NOTIFICATION_RATE', 1_000),
    steadyS: numberFromEnv('BENCH_NOTIFICATION_STEADY_S', Math.max(2, Math.round((durationS * 2) / 3))),
    coalesceMs: Math.round(numberFromEnv('BENCH_NOTIFICATION_COALESCE_MS', 0, { allowZero: true })),
    ...(process.env.BENCH_NOTIFICATION_PUBLISH_TICK_MS
      ? { publishTickMs: numberFromEnv('BENCH_NOTIFICATION_PUBLISH_TICK_MS', 0, { allowZero: true }) }
      : {}),
  };
}

export interface ChannelCounts {
  email: number;
  sms: number;
}

interface PhaseCounts {
  /** Status events published. */
  events: number;
  /** Messages the events call for: one email and one SMS each. */
  expectedMessages: number;
  /** Distinct messages the sinks received (one per recipient and channel). */
  messages: number;
  byChannel: ChannelCounts;
  /** Expected messages that never arrived. */
  missing: number;
  /** Messages received again by a recipient that already had theirs. */
  duplicates: number;
  /** Messages to recipients outside the phase (a straggler of an earlier one). */
  unexpected: number;
  /** Whether everything arrived before the phase gave up (no arrival for a minute). */
  complete: boolean;
}

export interface NotificationBurstPhase extends PhaseCounts {
  /** From the first publish until the last status event was on the broker. */
  publishMs: number;
  /** From the first publish until the sinks had the last message. */
  durationMs: number;
  messagesPerSecond: number;
  /** Status events whose messages all arrived, per second of the same span: decisions per second. */
  eventsPerSecond: number;
  firstArrivalMs: number;
  /**
   * Decisions recorded (the service's out_for_delivery notification rows, the baseline's INSERTs)
   * per second, from the first publish until the last of them: the consumer's side alone.
   */
  decisionsPerSecond?: number;
  lastDecisionMs?: number;
}

export interface NotificationPacedPhase extends PhaseCounts {
  /** Status events per second offered. */
  offeredRate: number;
  /** The events due were handed over together every this many ms (0: one send each). */
  publishTickMs: number;
  publishFailures: number;
  firstPublishFailure?: string;
  /** Messages received per second, from the first publish until the last arrival. */
  messagesPerSecond: number;
  /** Each message, from its status event's hand-over to kafkajs until the sink had it. */
  latency: LatencySummary;
  emailLatency: LatencySummary;
  smsLatency: LatencySummary;
  /** From the last publish until the last arrival. */
  drainedAfterLastPublishMs: number;
}

export interface NotificationTargetResult {
  target: 'notification' | 'bare-consumer';
  poolSize: number;
  warmup: NotificationBurstPhase;
  max: NotificationBurstPhase;
  paced: NotificationPacedPhase;
  /** Mean size of what the sinks received: the SMTP DATA and the SMS request body. */
  meanEmailBytes: number;
  meanSmsBytes: number;
  /** Null when a received email and SMS carry the tracking link of their order; else what is wrong. */
  contentProblem: string | null;
  /** What the measured phases (full speed and paced) cost the target. */
  work: TargetWork;
  processWarnings: { count: number; first: string[] };
}

/**
 * The target's own cost over the measured phases: CPU of its process (Linux /proc; null elsewhere)
 * and what its database did (pg_stat_database, flushed by each backend about once a second, so
 * approximate; the benchmark's own polling of the service's tables is counted too).
 */
export interface TargetWork {
  messages: number;
  events: number;
  cpuSeconds: number | null;
  cpuMsPerMessage: number | null;
  transactionsPerEvent: number;
  rowsWrittenPerEvent: number;
  /** CPU of the sinks' process per message, and its share of one core over the phases. */
  sinkCpuMsPerMessage: number | null;
  sinkCoreShare: number | null;
  /** Wall-clock span of the measured phases. */
  wallSeconds: number;
}

export interface NotificationServiceDatabase {
  contacts: number;
  /** out_for_delivery notifications and those not yet expanded into deliveries. */
  notifications: number;
  notExpanded: number;
  deliveries: Record<string, number>;
  /** Deliveries that took more than one attempt. */
  retried: number;
  sentLogEntries: number;
  outboxRows: number;
  unpublished: number;
}

export interface NotificationScenarioResult {
  settings: NotificationSettings;
  status: typeof STATUS;
  messagesPerEvent: number;
  orders: number;
  meanStatusEventBytes: number;
  baseline: NotificationTargetResult & { failures: number; firstFailure?: string };
  service: NotificationTargetResult & {
    coalesceMs: number;
    /** From publishing order.received until the service had every buyer and nothing pending. */
    ordersKnownInMs: number;
    database: NotificationServiceDatabase;
    /** From the service's own histograms: mean seconds per send by channel. */
    meanSendSeconds: Record<string, number>;
  };
  /** One Kafka hop on this broker with the services' fetch wait (both targets' consumers use it). */
  kafkaHop?: LatencySummary;
}

/** One buyer of the benchmark: an address and a number of their own, so a message names its order. */
interface BenchBuyer {
  orderId: string;
  externalOrderId: string;
  email: string;
  phone: string;
  trackingToken: string;
}

function buyersFor(runId: string, count: number): BenchBuyer[] {
  return Array.from({ length: count }, (_, index) => ({
    orderId: randomUUID(),
    externalOrderId: `#N${runId}-${index}`,
    email: `buyer-${runId}-${index}@buyers.bench.example`,
    // +44 7700 900xxx is Ofcom's drama range; these only need to be E.164 and distinct.
    phone: `+4477${String(index).padStart(9, '0')}`,
    trackingToken: randomBytes(24).toString('base64url'),
  }));
}

/** order.received as order-intake publishes it: nothing on it reaches the buyer. */
function orderReceived(buyer: BenchBuyer, merchantId: string, at: Date): EnvelopeOf<'orderReceived'> {
  return createEnvelope({
    orderId: buyer.orderId,
    merchantId,
    occurredAt: at,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'orderReceived',
      value: {
        externalOrderId: buyer.externalOrderId,
        storefrontPlatform: 'SHOPIFY',
        placedAt: at.toISOString(),
        lineItems: [{ externalLineItemId: 'li-1', sku: 'MUG', title: 'Engine mug', quantity: 1 }],
        fulfillmentCentreId: 'fc-1',
        promisedDeliveryDate: '',
        trackingTokenHash: trackingTokenHash(buyer.trackingToken),
        buyerLocale: 'en-GB',
        destination: { countryCode: 'GB', region: '' },
      },
    },
  });
}

/** The buyer's contact as order-intake publishes it: email and SMS chosen, SMS consent at checkout. */
function buyerContact(buyer: BenchBuyer, merchantId: string, at: Date): EnvelopeOf<'buyerContactRecorded'> {
  return createEnvelope({
    orderId: buyer.orderId,
    merchantId,
    occurredAt: at,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'buyerContactRecorded',
      value: {
        buyer: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: buyer.email,
          phone: buyer.phone,
          locale: 'en-GB',
          notificationPreferences: { email: true, sms: true },
          smsConsent: {
            granted: true,
            recordedAt: new Date(at.getTime() - 60_000).toISOString(),
            source: 'checkout',
          },
        },
        shippingAddress: {
          lines: ['12 Analytical Row'],
          city: 'London',
          region: '',
          postalCode: 'N1 9GU',
          countryCode: 'GB',
        },
        trackingToken: buyer.trackingToken,
      },
    },
  });
}

/** tracking.status-changed as tracking-api publishes it: the order is out for delivery today. */
function outForDelivery(
  buyer: BenchBuyer,
  merchantId: string,
  at: Date,
): EnvelopeOf<'trackingStatusChanged'> {
  const occurredAt = at.toISOString();
  const day = occurredAt.slice(0, 10);
  return createEnvelope({
    orderId: buyer.orderId,
    merchantId,
    occurredAt,
    source: { service: 'tracking-api' },
    payload: {
      $case: 'trackingStatusChanged',
      value: {
        order: {
          state: STATUS,
          milestone: STATUS,
          milestoneRank: MILESTONE_RANKS[STATUS],
          decidingEventId: randomUUID(),
          occurredAt,
          recordedAt: occurredAt,
          informationLagMs: 0,
        },
        shipments: [],
        shipmentCount: 1,
        deliveredCount: 0,
        partiallyDelivered: false,
        decidingShipmentId: '',
        previousState: 'IN_TRANSIT',
        estimatedDeliveryFrom: `${day}T00:00:00.000Z`,
        estimatedDeliveryTo: `${day}T23:59:59.000Z`,
        late: false,
      },
    },
  });
}

function kafkaMessage(envelope: EventEnvelope): Message {
  return { key: envelope.orderId, value: encodeEnvelope(envelope), headers: envelopeHeaders(envelope) };
}

/** The status events of one phase, encoded before any clock runs; both targets get the same ones. */
interface PlannedPhase {
  name: string;
  buyers: BenchBuyer[];
  messages: Message[];
}

/** Who a received message was for: the order's index in the phase. */
interface RecipientIndex {
  email: Map<string, number>;
  sms: Map<string, number>;
}

function indexOf(phase: PlannedPhase): RecipientIndex {
  return {
    email: new Map(phase.buyers.map((buyer, index) => [buyer.email.toLowerCase(), index])),
    sms: new Map(phase.buyers.map((buyer, index) => [buyer.phone, index])),
  };
}

function countsOf(
  phase: PlannedPhase,
  index: RecipientIndex,
  snapshot: SinkSnapshot,
  complete: boolean,
): PhaseCounts & { arrivals: { email: Map<number, number>; sms: Map<number, number> } } {
  const arrivals = { email: new Map<number, number>(), sms: new Map<number, number>() };
  let unexpected = 0;
  for (const channel of ['email', 'sms'] as const) {
    for (const [recipient, at] of snapshot[channel].arrivals) {
      const order = index[channel].get(recipient);
      if (order === undefined) unexpected += 1;
      else arrivals[channel].set(order, at);
    }
  }
  const messages = arrivals.email.size + arrivals.sms.size;
  const expectedMessages = phase.buyers.length * MESSAGES_PER_EVENT;
  return {
    events: phase.buyers.length,
    expectedMessages,
    messages,
    byChannel: { email: arrivals.email.size, sms: arrivals.sms.size },
    missing: expectedMessages - messages,
    duplicates: snapshot.email.duplicates + snapshot.sms.duplicates,
    unexpected,
    complete,
    arrivals,
  };
}

/** The bench's publisher, connected once so no phase's clock includes a connect. */
async function connectPublisher(kafka: Kafka): Promise<Producer> {
  const client = new KafkaClient({
    clientId: 'bench-notification-publisher',
    brokers: kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const producer = client.producer({
    allowAutoTopicCreation: true,
    idempotent: kafka.idempotent,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

async function publishAll(producer: Producer, topic: string, messages: readonly Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += PUBLISH_CHUNK) {
    await producer.send({ topic, acks: -1, messages: messages.slice(start, start + PUBLISH_CHUNK) });
  }
}

type SinkClient = CommandClient<NotificationSinkCommands>;

/**
 * Waits until the sinks have `expected` messages, logging progress; gives up when nothing has
 * arrived for STALL_MS (the target is stuck) and returns what arrived by then.
 */
async function awaitMessages(
  sinks: SinkClient,
  expected: number,
  target: { assertAlive(): void; name: string },
  log: (line: string) => void,
): Promise<{ snapshot: SinkSnapshot; complete: boolean }> {
  const startedAt = clock();
  let last = -1;
  let lastProgressAt = clock();
  let lastLogAt = clock();
  for (;;) {
    target.assertAlive();
    const step = await sinks.call('waitFor', { expected, timeoutMs: 2_000 });
    if (step.complete) break;
    if (step.count !== last) {
      last = step.count;
      lastProgressAt = clock();
    }
    if (clock() - lastLogAt > 15_000) {
      lastLogAt = clock();
      log(`    ${target.name}: ${step.count} of ${expected} messages at the sinks`);
    }
    if (clock() - lastProgressAt > STALL_MS || clock() - startedAt > PHASE_TIMEOUT_MS) {
      log(`    ${target.name}: giving up with ${step.count} of ${expected} messages (no progress)`);
      return { snapshot: await sinks.call('snapshot'), complete: false };
    }
  }
  // A message sent twice shortly after its first is still counted as a duplicate.
  await sleep(SETTLE_MS);
  return { snapshot: await sinks.call('snapshot'), complete: true };
}

interface Target {
  name: string;
  assertAlive(): void;
  /** Between phases: the service has nothing pending (the baseline has nothing to wait for). */
  settle(): Promise<void>;
  /** When the target recorded its decisions for these orders (its own rows' timestamps). */
  decisions(orderIds: readonly string[]): Promise<{ count: number; lastAt: number } | undefined>;
}

/** The last decision row's time, from a query answering `n` and `last_ms` (epoch milliseconds). */
async function decisionsFrom(
  client: Client,
  sql: string,
  orderIds: readonly string[],
): Promise<{ count: number; lastAt: number } | undefined> {
  const { rows } = await client.query<{ n: number; last_ms: string | null }>(sql, [orderIds]);
  const row = rows[0];
  return row && row.last_ms !== null ? { count: row.n, lastAt: Number(row.last_ms) } : undefined;
}

async function runBurstPhase(options: {
  phase: PlannedPhase;
  producer: Producer;
  sinks: SinkClient;
  target: Target;
  log: (line: string) => void;
}): Promise<NotificationBurstPhase> {
  const { phase, sinks, target } = options;
  const index = indexOf(phase);
  await target.settle();
  await sinks.call('reset');
  const startedAt = clock();
  await publishAll(options.producer, TOPICS.status, phase.messages);
  const publishedAt = clock();
  const { snapshot, complete } = await awaitMessages(
    sinks,
    phase.buyers.length * MESSAGES_PER_EVENT,
    target,
    options.log,
  );
  const { arrivals, ...counts } = countsOf(phase, index, snapshot, complete);
  let first = Infinity;
  let last = startedAt;
  for (const at of [...arrivals.email.values(), ...arrivals.sms.values()]) {
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  const durationMs = last - startedAt;
  const eventsDone = phase.buyers.filter(
    (_, order) => arrivals.email.has(order) && arrivals.sms.has(order),
  ).length;
  const decided = await target.decisions(phase.buyers.map((buyer) => buyer.orderId));
  const result: NotificationBurstPhase = {
    ...counts,
    publishMs: Math.round(publishedAt - startedAt),
    durationMs: Math.round(durationMs),
    messagesPerSecond: round(counts.messages / (durationMs / 1_000), 1),
    eventsPerSecond: round(eventsDone / (durationMs / 1_000), 1),
    firstArrivalMs: Math.round(first - startedAt),
    ...(decided
      ? {
          decisionsPerSecond: round(decided.count / ((decided.lastAt - startedAt) / 1_000), 1),
          lastDecisionMs: Math.round(decided.lastAt - startedAt),
        }
      : {}),
  };
  options.log(
    `  ${phase.name}: ${result.messagesPerSecond} messages/s (${result.eventsPerSecond} status events/s) ` +
      `over ${result.durationMs} ms (published in ${result.publishMs} ms, first message after ` +
      `${result.firstArrivalMs} ms); ` +
      (decided
        ? `${result.decisionsPerSecond} decisions/s (the last ${result.lastDecisionMs} ms in); `
        : '') +
      `${result.messages} of ${result.expectedMessages} messages, ` +
      `${result.duplicates} duplicates${result.unexpected ? `, ${result.unexpected} unexpected` : ''}`,
  );
  return result;
}

/** The local broker's tick: see publishPaced. */
const LOCAL_BROKER_TICK_MS = 20;

/**
 * Open loop, as pacing.ts's paced(): event i is due at start + i/rate whatever happened before.
 * With `tickMs` 0 each is its own send. Otherwise every `tickMs` the events due by then go in one
 * send, as an outbox relay hands over what accumulated since its last round: librdkafka's mock
 * broker answers a fetch with one record batch per partition, so events sent one by one reach a
 * consumer one per partition per fetch, a limit of that broker that would hide both targets'.
 * Each event's time is when its send was handed to kafkajs.
 */
async function publishPaced(
  producer: Producer,
  messages: readonly Message[],
  rate: number,
  tickMs: number,
): Promise<{ sentAt: number[]; failures: number; firstFailure?: string }> {
  const sentAt: number[] = new Array(messages.length);
  if (tickMs <= 0) {
    const outcome = await paced(messages.length, rate, async (event) => {
      sentAt[event] = clock();
      await producer.send({ topic: TOPICS.status, acks: -1, messages: [messages[event]!] });
    });
    return { sentAt, ...outcome };
  }
  const startedAt = clock();
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  while (next < messages.length) {
    const due = Math.min(messages.length, Math.floor(((clock() - startedAt) * rate) / 1_000) + 1);
    if (due > next) {
      const at = clock();
      const batch = due - next;
      for (let event = next; event < due; event += 1) sentAt[event] = at;
      const pending = producer
        .send({ topic: TOPICS.status, acks: -1, messages: messages.slice(next, due) })
        .then(
          () => undefined,
          (error: unknown) => {
            failures += batch;
            firstFailure ??= error instanceof Error ? error.message : String(error);
          },
        );
      next = due;
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    }
    if (next < messages.length) await sleep(tickMs);
  }
  await Promise.all(inFlight);
  return { sentAt, failures, ...(firstFailure ? { firstFailure } : {}) };
}

async function runPacedPhase(options: {
  phase: PlannedPhase;
  rate: number;
  tickMs: number;
  producer: Producer;
  sinks: SinkClient;
  target: Target;
  log: (line: string) => void;
}): Promise<NotificationPacedPhase> {
  const { phase, sinks, target, producer } = options;
  const index = indexOf(phase);
  await target.settle();
  await sinks.call('reset');
  const startedAt = clock();
  const sends = await publishPaced(producer, phase.messages, options.rate, options.tickMs);
  const { sentAt } = sends;
  const lastPublishAt = clock();
  const { snapshot, complete } = await awaitMessages(
    sinks,
    phase.buyers.length * MESSAGES_PER_EVENT,
    target,
    options.log,
  );
  const { arrivals, ...counts } = countsOf(phase, index, snapshot, complete);
  const latencies = { email: [] as number[], sms: [] as number[] };
  let last = lastPublishAt;
  for (const channel of ['email', 'sms'] as const) {
    for (const [event, at] of arrivals[channel]) {
      latencies[channel].push(at - sentAt[event]!);
      last = Math.max(last, at);
    }
  }
  const result: NotificationPacedPhase = {
    ...counts,
    offeredRate: options.rate,
    publishTickMs: options.tickMs,
    publishFailures: sends.failures,
    ...(sends.firstFailure ? { firstPublishFailure: sends.firstFailure } : {}),
    messagesPerSecond: round(counts.messages / ((last - startedAt) / 1_000), 1),
    latency: summarizeLatencies([...latencies.email, ...latencies.sms]),
    emailLatency: summarizeLatencies(latencies.email),
    smsLatency: summarizeLatencies(latencies.sms),
    drainedAfterLastPublishMs: Math.round(last - lastPublishAt),
  };
  options.log(
    `  paced at ${options.rate} status events/s: ${result.messagesPerSecond} messages/s, publish → sink ` +
      `p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms (email p99 ${result.emailLatency.p99Ms} ms, ` +
      `SMS p99 ${result.smsLatency.p99Ms} ms), drained ${result.drainedAfterLastPublishMs} ms after the last ` +
      `publish; ${result.messages} of ${result.expectedMessages} messages, ${result.duplicates} duplicates` +
      (sends.failures ? `; ${sends.failures} publishes failed: ${sends.firstFailure}` : ''),
  );
  return result;
}

/** A received email and SMS must carry their order's tracking link: the messages are the real ones. */
function contentProblem(
  snapshot: { email: SinkArrivals; sms: SinkArrivals },
  buyers: BenchBuyer[],
): string | null {
  const byRecipient = new Map<string, BenchBuyer>();
  for (const buyer of buyers) {
    byRecipient.set(buyer.email.toLowerCase(), buyer);
    byRecipient.set(buyer.phone, buyer);
  }
  const problems: string[] = [];
  for (const channel of ['email', 'sms'] as const) {
    const sample = snapshot[channel].sample;
    if (!sample) {
      problems.push(`no ${channel} sample`);
      continue;
    }
    const buyer = byRecipient.get(sample.recipient);
    const link = buyer ? `${TRACKING_BASE_URL}/${buyer.trackingToken}` : undefined;
    if (!link || !sample.text.includes(link))
      problems.push(
        `the ${channel} to ${sample.recipient} lacks its tracking link: ${sample.text.slice(0, 200)}`,
      );
  }
  return problems.length > 0 ? problems.join('; ') : null;
}

/** User and system CPU seconds of a process so far, from /proc; undefined where there is none. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface Counters {
  cpuSeconds?: number;
  transactions: number;
  rowsWritten: number;
}

async function countersOf(pid: number | undefined, client: Client): Promise<Counters> {
  const { rows } = await client.query<{ transactions: string; written: string }>(
    `SELECT xact_commit + xact_rollback AS transactions, tup_inserted + tup_updated + tup_deleted AS written
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const cpuSeconds = cpuSecondsOf(pid);
  return {
    ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
    transactions: Number(rows[0]?.transactions ?? 0),
    rowsWritten: Number(rows[0]?.written ?? 0),
  };
}

async function phases(
  plan: { warmup: PlannedPhase; max: PlannedPhase; paced: PlannedPhase; buyers: BenchBuyer[] },
  pacing: { rate: number; tickMs: number },
  common: { producer: Producer; sinks: SinkClient; target: Target; log: (line: string) => void },
  probe: { pid: number | undefined; client: Client; sinkPid: number | undefined },
): Promise<
  Pick<
    NotificationTargetResult,
    'warmup' | 'max' | 'paced' | 'meanEmailBytes' | 'meanSmsBytes' | 'contentProblem' | 'work'
  >
> {
  const warmup = await runBurstPhase({ ...common, phase: plan.warmup });
  // The warm-up's messages are the sample of what each target sends.
  const sample = await common.sinks.call('snapshot');
  await common.target.settle();
  const before = await countersOf(probe.pid, probe.client);
  const sinkBefore = cpuSecondsOf(probe.sinkPid);
  const wallBefore = clock();
  const max = await runBurstPhase({ ...common, phase: plan.max });
  const pacedPhase = await runPacedPhase({ ...common, phase: plan.paced, ...pacing });
  await common.target.settle();
  const after = await countersOf(probe.pid, probe.client);
  const sinkAfter = cpuSecondsOf(probe.sinkPid);
  const wallSeconds = (clock() - wallBefore) / 1_000;
  const sinkSeconds = sinkBefore === undefined || sinkAfter === undefined ? null : sinkAfter - sinkBefore;
  const messages = max.messages + pacedPhase.messages;
  const events = max.events + pacedPhase.events;
  const cpuSeconds =
    before.cpuSeconds === undefined || after.cpuSeconds === undefined
      ? null
      : round(after.cpuSeconds - before.cpuSeconds, 2);
  return {
    warmup,
    max,
    paced: pacedPhase,
    meanEmailBytes: sample.email.meanBytes,
    meanSmsBytes: sample.sms.meanBytes,
    contentProblem: contentProblem(sample, plan.buyers),
    work: {
      messages,
      events,
      cpuSeconds,
      cpuMsPerMessage: cpuSeconds === null ? null : round((cpuSeconds * 1_000) / messages, 3),
      transactionsPerEvent: round((after.transactions - before.transactions) / events, 2),
      rowsWrittenPerEvent: round((after.rowsWritten - before.rowsWritten) / events, 2),
      sinkCpuMsPerMessage: sinkSeconds === null ? null : round((sinkSeconds * 1_000) / messages, 3),
      sinkCoreShare: sinkSeconds === null ? null : round(sinkSeconds / wallSeconds, 2),
      wallSeconds: round(wallSeconds, 1),
    },
  };
}

async function startSinks(scope: Scope, log: (line: string) => void) {
  const proc = startProcess('notification sinks', 'bench/children/notification-sinks.ts', process.env, {
    ipc: true,
  });
  scope.defer('notification sinks', () => proc.stop());
  const sinks = new CommandClient<NotificationSinkCommands>(proc.child, 'notification sinks');
  await sinks.ready.catch(() => {
    throw new Error(describeExit(proc));
  });
  const urls = await sinks.call('start');
  log(`sinks: SMTP server (smtp-server) at ${urls.smtpUrl}, Twilio-format SMS sink at ${urls.smsBaseUrl}`);
  return { proc, sinks, ...urls };
}

async function serviceDatabase(client: Client): Promise<NotificationServiceDatabase> {
  const { rows } = await client.query<Omit<NotificationServiceDatabase, 'deliveries'>>(
    `SELECT (SELECT count(*)::int FROM notification.buyer_contacts) AS contacts,
            (SELECT count(*)::int FROM notification.notifications WHERE kind = 'out_for_delivery') AS notifications,
            (SELECT count(*)::int FROM notification.notifications
              WHERE kind = 'out_for_delivery' AND status <> 'EXPANDED') AS "notExpanded",
            (SELECT count(*)::int FROM notification.deliveries WHERE attempts > 1) AS retried,
            (SELECT count(*)::int FROM notification.delivery_log WHERE outcome = 'SENT') AS "sentLogEntries",
            (SELECT count(*)::int FROM notification.outbox) AS "outboxRows",
            (SELECT count(*)::int FROM notification.outbox
              WHERE processed_at IS NULL AND abandoned_at IS NULL) AS unpublished`,
  );
  const deliveries = await client.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM notification.deliveries GROUP BY status ORDER BY status',
  );
  return {
    ...rows[0]!,
    deliveries: Object.fromEntries(deliveries.rows.map((row) => [row.status, row.n])),
  };
}

/** notification_send_duration_seconds from the service's /metrics: mean seconds per send by channel. */
async function meanSendSeconds(baseUrl: string): Promise<Record<string, number>> {
  const text = await fetch(`${baseUrl}/metrics`)
    .then((response) => response.text())
    .catch(() => '');
  const sums = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const match = /^notification_send_duration_seconds_(sum|count)\{([^}]*)\} ([\d.e+-]+)$/.exec(line);
    if (!match) continue;
    const channel = /channel="([^"]+)"/.exec(match[2]!)?.[1];
    if (!channel) continue;
    const entry = sums.get(channel) ?? { sum: 0, count: 0 };
    entry[match[1] as 'sum' | 'count'] += Number(match[3]);
    sums.set(channel, entry);
  }
  return Object.fromEntries(
    [...sums].map(([channel, { sum, count }]) => [channel, count > 0 ? round(sum / count, 4) : NaN]),
  );
}

/**
 * notification from a status event to the message handed to an SMTP server and an SMS provider,
 * beside a bare kafkajs consumer doing one INSERT and the same two sends per event (README.md).
 */
export async function runNotificationScenario(
  postgres: Postgres,
  kafka: Kafka,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<NotificationScenarioResult> {
  const config = readNotificationSettings(settings.durationS);
  return withScope(log, async (scope: Scope) => {
    const runId = randomBytes(4).toString('hex');
    const merchantId = `bench-notify-${runId}`;
    const pacedEvents = Math.round(config.rate * config.steadyS);
    const pacing = {
      rate: config.rate,
      tickMs: config.publishTickMs ?? (kafka.kind === 'local-broker' ? LOCAL_BROKER_TICK_MS : 0),
    };
    const buyers = buyersFor(runId, config.warmupEvents + config.events + pacedEvents);
    const now = new Date();
    // Placed an hour before they go out for delivery (the status events are stamped now).
    const placedAt = new Date(now.getTime() - 3_600_000);
    const statusMessages = buyers.map((buyer) => kafkaMessage(outForDelivery(buyer, merchantId, now)));
    const slice = (name: string, from: number, count: number): PlannedPhase => ({
      name,
      buyers: buyers.slice(from, from + count),
      messages: statusMessages.slice(from, from + count),
    });
    const plan = {
      buyers,
      warmup: slice('warm-up', 0, config.warmupEvents),
      max: slice('full speed', config.warmupEvents, config.events),
      paced: slice('paced', config.warmupEvents + config.events, pacedEvents),
    };
    const meanStatusEventBytes = Math.round(
      statusMessages.slice(0, 100).reduce((sum, message) => sum + (message.value as Buffer).length, 0) /
        Math.min(100, statusMessages.length),
    );
    log(
      `notifications: ${buyers.length} orders, one ${STATUS} status each (${config.warmupEvents} warm-up, ` +
        `${config.events} at full speed, ${pacedEvents} at ${config.rate}/s), an email and an SMS per status`,
    );

    const sinks = await startSinks(scope, log);
    const producer = await connectPublisher(kafka);
    scope.defer('notification publisher', () => producer.disconnect());
    const smsAuthToken = randomBytes(16).toString('hex');

    log('notification baseline: bare kafkajs consumer, one INSERT, nodemailer and fetch per status event');
    const baseline = await withScope(
      log,
      async (baselineScope): Promise<NotificationScenarioResult['baseline']> => {
        const database = await postgres.createDatabase(baselineScope, 'bare_notifier');
        const groupId = `bench-bare-notifier-${runId}`;
        await positionGroupAtEnd(kafka, groupId);
        const proc = startProcess('bare notifier', 'bench/children/bare-notifier.ts', process.env, {
          ipc: true,
        });
        baselineScope.defer('bare notifier', () => proc.stop());
        const commands = new CommandClient<BareNotifierCommands>(proc.child, 'bare notifier');
        await commands.ready.catch(() => {
          throw new Error(describeExit(proc));
        });
        const options: BareNotifierOptions = {
          brokers: kafka.brokers,
          groupId,
          databaseUrl: database.url,
          poolSize: database.poolSize,
          smtpUrl: sinks.smtpUrl,
          emailFrom: EMAIL_FROM,
          smsBaseUrl: sinks.smsBaseUrl,
          smsAccountSid: SMS_ACCOUNT_SID,
          smsAuthToken,
          smsFrom: SMS_FROM,
          trackingBaseUrl: TRACKING_BASE_URL,
          senderName: SENDER_NAME,
          sendConcurrency: serviceSendConcurrency(),
          smtpConnections: SERVICE_SMTP_CONNECTIONS,
          fetchWaitMs: SERVICE_FETCH_WAIT_MS,
          partitionsConsumedConcurrently: Math.max(1, Math.min(4, database.poolSize - 2)),
        };
        const contacts: BareContact[] = buyers.map((buyer) => ({ ...buyer, firstName: 'Ada' }));
        await commands.call('start', { options, contacts });
        const client = new Client({ connectionString: database.url });
        await client.connect();
        baselineScope.defer('bare notifier database client', () => client.end());
        const target: Target = {
          name: 'bare notifier',
          assertAlive: () => {
            if (proc.exited()) throw new Error(describeExit(proc));
          },
          settle: async () => undefined,
          decisions: (orderIds) =>
            decisionsFrom(
              client,
              `SELECT count(*)::int AS n, (extract(epoch FROM max(decided_at)) * 1000)::text AS last_ms
                 FROM notifications WHERE order_id = ANY($1::uuid[])`,
              orderIds,
            ),
        };
        const measured = await phases(
          plan,
          pacing,
          { producer, sinks: sinks.sinks, target, log },
          { pid: proc.child.pid, client, sinkPid: sinks.proc.child.pid },
        );
        const stats = await commands.call('stats');
        return {
          target: 'bare-consumer',
          poolSize: database.poolSize,
          ...measured,
          failures: stats.failures,
          ...(stats.firstFailure ? { firstFailure: stats.firstFailure } : {}),
          processWarnings: processWarnings(proc),
        };
      },
    );

    log(
      `notification: the real service, started as scripts/start.ts starts it (NOTIFICATION_COALESCE_MS=${config.coalesceMs})`,
    );
    const service = await withScope(
      log,
      async (serviceScope): Promise<NotificationScenarioResult['service']> => {
        const keys = await generateSigningKeyPair();
        const running = await startService(serviceScope, {
          name: 'notification',
          postgres,
          kafka,
          runId,
          publicKeyPem: keys.publicKeyPem,
          env: {
            PUBLIC_TRACKING_BASE_URL: TRACKING_BASE_URL,
            SMTP_URL: sinks.smtpUrl,
            EMAIL_FROM,
            SMS_PROVIDER_BASE_URL: sinks.smsBaseUrl,
            SMS_ACCOUNT_SID,
            SMS_AUTH_TOKEN: smsAuthToken,
            SMS_FROM,
            NOTIFICATION_COALESCE_MS: String(config.coalesceMs),
          },
          log,
        });
        const { client, proc } = running;

        // No quiet hours, so nothing waits for the morning whatever the hour; no order confirmation,
        // so the sinks receive only the status messages (out_for_delivery is sent at any hour anyway).
        const token = await mintToken({ kind: 'merchant', id: merchantId }, keys.privateKeyPem, {
          expiresIn: '6h',
        });
        const saved = await fetch(`${running.baseUrl}/v1/settings`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            senderName: SENDER_NAME,
            quietHours: null,
            messages: { order_confirmation: { enabled: false, channels: ['email'] } },
          }),
        });
        if (saved.status !== 200)
          throw new Error(`PUT /v1/settings answered ${saved.status}: ${(await saved.text()).slice(0, 300)}`);

        const pendingWork = async (): Promise<{ pending: number; unpublished: number; contacts: number }> => {
          const { rows } = await client.query<{ pending: number; unpublished: number; contacts: number }>(
            `SELECT (SELECT count(*)::int FROM notification.buyer_contacts) AS contacts,
                  (SELECT count(*)::int FROM notification.notifications WHERE status = 'PENDING')
                + (SELECT count(*)::int FROM notification.deliveries WHERE status = 'PENDING') AS pending,
                  (SELECT count(*)::int FROM notification.outbox
                    WHERE processed_at IS NULL AND abandoned_at IS NULL) AS unpublished`,
          );
          return rows[0]!;
        };
        const waitUntil = async (
          what: string,
          done: (state: { pending: number; unpublished: number; contacts: number }) => boolean,
          timeoutMs: number,
        ): Promise<void> => {
          const deadline = clock() + timeoutMs;
          for (;;) {
            running.assertAlive();
            const state = await pendingWork();
            if (done(state)) return;
            if (clock() > deadline)
              throw new Error(
                `notification: ${what} not reached after ${timeoutMs / 1_000} s (${JSON.stringify(state)})`,
              );
            await sleep(250);
          }
        };

        log(`telling notification about ${buyers.length} orders (order.received)`);
        const publishedAt = clock();
        await publishAll(
          producer,
          TOPICS.orders,
          buyers.map((buyer) => kafkaMessage(orderReceived(buyer, merchantId, placedAt))),
        );
        await publishAll(
          producer,
          TOPICS.buyerContacts,
          buyers.map((buyer) => kafkaMessage(buyerContact(buyer, merchantId, placedAt))),
        );
        await waitUntil(
          'every buyer known, nothing pending',
          (state) => state.contacts >= buyers.length && state.pending === 0 && state.unpublished === 0,
          ORDERS_KNOWN_TIMEOUT_MS,
        );
        const ordersKnownInMs = Math.round(clock() - publishedAt);
        log(`  all known after ${round(ordersKnownInMs / 1_000, 1)} s`);

        const target: Target = {
          name: 'notification',
          assertAlive: running.assertAlive,
          // The last deliveries' outcomes and their outbox rows are written after the sends.
          settle: () =>
            waitUntil(
              'nothing pending',
              (state) => state.pending === 0 && state.unpublished === 0,
              IDLE_TIMEOUT_MS,
            ),
          decisions: (orderIds) =>
            decisionsFrom(
              client,
              `SELECT count(*)::int AS n, (extract(epoch FROM max(created_at)) * 1000)::text AS last_ms
                 FROM notification.notifications
                WHERE order_id = ANY($1::uuid[]) AND kind = 'out_for_delivery'`,
              orderIds,
            ),
        };
        const measured = await phases(
          plan,
          pacing,
          { producer, sinks: sinks.sinks, target, log },
          { pid: proc.child.pid, client, sinkPid: sinks.proc.child.pid },
        );
        await target.settle().catch((error: unknown) => log(`  ${String(error)}`));
        const database = await serviceDatabase(client);
        const sendSeconds = await meanSendSeconds(running.baseUrl);
        running.assertAlive();
        return {
          target: 'notification',
          poolSize: running.database.poolSize,
          ...measured,
          coalesceMs: config.coalesceMs,
          ordersKnownInMs,
          database,
          meanSendSeconds: sendSeconds,
          processWarnings: processWarnings(proc),
        };
      },
    );

    const kafkaHop = kafka.kind === 'local-broker' ? await measureKafkaHop(kafka) : undefined;
    return {
      settings: config,
      status: STATUS,
      messagesPerEvent: MESSAGES_PER_EVENT,
      orders: buyers.length,
      meanStatusEventBytes,
      baseline,
      service,
      ...(kafkaHop ? { kafkaHop } : {}),
    };
  });
}

// ---- report rows ----------------------------------------------------------------------------

const number = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const ms = (value: number): string => `${number(value, value < 100 ? 1 : 0)} ms`;
const pair = (p50: number, p99: number): string => `${ms(p50)} / ${ms(p99)}`;

function totals(target: NotificationTargetResult): { sent: number; notSent: number; duplicates: number } {
  const measured = [target.max, target.paced];
  return {
    sent: measured.reduce((sum, phase) => sum + phase.messages, 0),
    notSent: measured.reduce((sum, phase) => sum + phase.missing, 0),
    duplicates: [target.warmup, ...measured].reduce((sum, phase) => sum + phase.duplicates, 0),
  };
}

/** The summary rows, in report.ts's format. */
export function notificationRows(result: NotificationScenarioResult): SummaryRow[] {
  const { service, baseline, settings } = result;
  const full =
    `Notifications, full speed (${number(service.max.events)} ${result.status} status events, ` +
    `an email and an SMS each)`;
  const offeredMessages = settings.rate * result.messagesPerEvent;
  const paced =
    `Notifications at ${number(settings.rate)} status events/s (${number(offeredMessages)} messages/s offered, ` +
    (service.paced.publishTickMs > 0
      ? `open loop, the events due published together every ${number(service.paced.publishTickMs)} ms)`
      : 'open loop, one per send)');
  const sustained =
    service.paced.complete && service.paced.messagesPerSecond >= offeredMessages * SUSTAINED_SHARE;
  const count = (target: NotificationTargetResult): string => {
    const { sent, notSent, duplicates } = totals(target);
    return `${number(sent)} / ${number(notSent)} / ${number(duplicates)}`;
  };
  const serviceTotals = totals(service);
  const { database } = service;
  const notSentDeliveries = Object.entries(database.deliveries)
    .filter(([status]) => status !== 'SENT')
    .reduce((sum, [, n]) => sum + n, 0);
  const rows: SummaryRow[] = [
    {
      scenario: full,
      figure: 'messages per second, status event published → handed to the SMTP/SMS sink',
      measured: `${number(service.max.messagesPerSecond)}/s`,
      baseline: `${number(baseline.max.messagesPerSecond)}/s`,
      ratio: ratio(service.max.messagesPerSecond, baseline.max.messagesPerSecond),
      target: `≥ ${number(TARGET_NOTIFICATION_MESSAGES_PER_S)}/s`,
      met: service.max.complete && service.max.messagesPerSecond >= TARGET_NOTIFICATION_MESSAGES_PER_S,
    },
    {
      scenario: full,
      figure: 'status events decided per second (until the last decision row; the consumer side alone)',
      measured: `${number(service.max.decisionsPerSecond ?? NaN)}/s`,
      baseline: `${number(baseline.max.decisionsPerSecond ?? NaN)}/s`,
      ratio: ratio(service.max.decisionsPerSecond, baseline.max.decisionsPerSecond),
      target: '—',
    },
    {
      scenario: full,
      figure: 'status events per second with both messages sent',
      measured: `${number(service.max.eventsPerSecond)}/s`,
      baseline: `${number(baseline.max.eventsPerSecond)}/s`,
      ratio: ratio(service.max.eventsPerSecond, baseline.max.eventsPerSecond),
      target: '—',
    },
    {
      scenario: paced,
      figure: 'messages handed to the sinks per second',
      measured: `${number(service.paced.messagesPerSecond)}/s`,
      baseline: `${number(baseline.paced.messagesPerSecond)}/s`,
      ratio: ratio(service.paced.messagesPerSecond, baseline.paced.messagesPerSecond),
      target: `${number(offeredMessages)}/s sustained`,
      met: sustained,
    },
    {
      scenario: paced,
      figure: 'latency p50 / p99, status event published → message at the sink',
      measured: pair(service.paced.latency.p50Ms, service.paced.latency.p99Ms),
      baseline: pair(baseline.paced.latency.p50Ms, baseline.paced.latency.p99Ms),
      ratio: ratio(service.paced.latency.p99Ms, baseline.paced.latency.p99Ms),
      target: '—',
    },
    {
      scenario: paced,
      figure: 'latency p50 / p99, email; SMS',
      measured:
        `${pair(service.paced.emailLatency.p50Ms, service.paced.emailLatency.p99Ms)}; ` +
        pair(service.paced.smsLatency.p50Ms, service.paced.smsLatency.p99Ms),
      baseline:
        `${pair(baseline.paced.emailLatency.p50Ms, baseline.paced.emailLatency.p99Ms)}; ` +
        pair(baseline.paced.smsLatency.p50Ms, baseline.paced.smsLatency.p99Ms),
      target: '—',
    },
    {
      scenario: 'Notifications, measured phases',
      figure: 'messages sent / not sent / duplicates (duplicates over the warm-up too)',
      measured: count(service),
      baseline: count(baseline),
      target: '0 not sent, 0 duplicates',
      met: serviceTotals.notSent === 0 && serviceTotals.duplicates === 0,
    },
    {
      scenario: 'Notification service after the run',
      figure: 'deliveries not SENT; retried; outbox rows not published',
      measured:
        `${number(notSentDeliveries)} of ${number(Object.values(database.deliveries).reduce((a, b) => a + b, 0))}` +
        `; ${number(database.retried)}; ${number(database.unpublished)} of ${number(database.outboxRows)}`,
      baseline: '—',
      target: '0',
      met: notSentDeliveries === 0 && database.unpublished === 0,
    },
  ];
  const work = (target: NotificationTargetResult): string =>
    `${target.work.cpuMsPerMessage === null ? 'n/a' : ms(target.work.cpuMsPerMessage)}; ` +
    `${number(target.work.transactionsPerEvent, 1)}; ${number(target.work.rowsWrittenPerEvent, 1)}`;
  rows.push({
    scenario: 'Notifications, measured phases, cost',
    figure: 'CPU of the process per message; database transactions and rows written per status event',
    measured: work(service),
    baseline: work(baseline),
    ratio: ratio(service.work.cpuMsPerMessage ?? undefined, baseline.work.cpuMsPerMessage ?? undefined),
    target: '—',
  });
  if (result.kafkaHop) {
    rows.push({
      scenario: 'Notifications, for reference',
      figure: `one Kafka hop on this broker with the services' ${number(SERVICE_FETCH_WAIT_MS)} ms fetch wait, p50 / p99`,
      measured: pair(result.kafkaHop.p50Ms, result.kafkaHop.p99Ms),
      baseline: '—',
      target: '—',
    });
  }
  return rows;
}

/** Notes for the report: what was compared, and anything a reader must know about the figures. */
export function notificationNotes(result: NotificationScenarioResult): string[] {
  const { service, baseline, settings } = result;
  const notes = [
    `- Notifications: ${number(result.orders)} orders made known with order.received (buyer email and SMS ` +
      'chosen, SMS consent at checkout; the merchant has no quiet hours and the order confirmation turned off, so ' +
      `only the status messages reach the sinks), then one ${result.status} tracking.status-changed each ` +
      `(${number(result.meanStatusEventBytes)} bytes): ${number(settings.warmupEvents)} warm-up and ` +
      `${number(settings.events)} at full speed (published ${PUBLISH_CHUNK} to a send), then ` +
      `${number(service.paced.events)} at ${number(settings.rate)}/s, open loop ` +
      (service.paced.publishTickMs > 0
        ? `(every ${number(service.paced.publishTickMs)} ms the events due by then in one send, as an outbox relay ` +
          "hands over what accumulated: librdkafka's mock broker answers a fetch with one record batch per " +
          'partition, so events sent one by one would reach either consumer one per partition per fetch). '
        : '(one per send). ') +
      'The service runs with ' +
      `NOTIFICATION_COALESCE_MS=${number(service.coalesceMs)} (its default, 5,000, holds every message that ` +
      `long for a newer status); dispatch batch ${process.env.NOTIFICATION_DISPATCH_BATCH_SIZE || 50}, ` +
      `${serviceSendConcurrency()} sends in flight, its fixed SMTP pool of ${SERVICE_SMTP_CONNECTIONS} connections. ` +
      'A message counts when the sink has all of it: the end of SMTP DATA, the end of the SMS request body; ' +
      'it is known by its recipient (every buyer has an address and a number of their own).',
    `- Notification baseline: a bare kafkajs consumer of tracking.status.v1 (same fetch wait, ` +
      `${serviceSendConcurrency()} sends in flight, a nodemailer pool of ${SERVICE_SMTP_CONNECTIONS}) doing one ` +
      'INSERT per event into a table of its own database and sending a plain email and SMS to the same sinks. ' +
      `Mean message size at the sinks, service / baseline: email ${number(service.meanEmailBytes)} / ` +
      `${number(baseline.meanEmailBytes)} bytes, SMS request ${number(service.meanSmsBytes)} / ` +
      `${number(baseline.meanSmsBytes)} bytes.`,
  ];
  const sinkLoad = (target: NotificationTargetResult): string =>
    target.work.sinkCoreShare === null || target.work.sinkCpuMsPerMessage === null
      ? 'n/a'
      : `${number(target.work.sinkCoreShare * 100)}% of a core (${ms(target.work.sinkCpuMsPerMessage)} a message)`;
  notes.push(
    `- The sinks' process during the measured phases: ${sinkLoad(service)} for the service, ${sinkLoad(baseline)} ` +
      'for the baseline; a sink near a whole core would be the limit, not the target. Over the same phases the ' +
      `service process used ${service.work.cpuSeconds ?? 'n/a'} CPU s in ${number(service.work.wallSeconds, 1)} s, ` +
      `the bare notifier ${baseline.work.cpuSeconds ?? 'n/a'} CPU s in ${number(baseline.work.wallSeconds, 1)} s.`,
  );
  const sends = Object.entries(service.meanSendSeconds)
    .map(([channel, seconds]) => `${channel} ${ms(seconds * 1_000)}`)
    .join(', ');
  if (sends) notes.push(`- Notification service's own mean send duration (its /metrics): ${sends}.`);
  for (const [name, target] of [
    ['notification', service],
    ['bare notifier', baseline],
  ] as const) {
    if (target.contentProblem) notes.push(`- **${name}'s messages look wrong:** ${target.contentProblem}`);
    if (target.processWarnings.count > 0)
      notes.push(
        `- ${name} logged ${target.processWarnings.count} warning or error line(s): ` +
          target.processWarnings.first.slice(0, 3).join(' | '),
      );
  }
  if (baseline.failures > 0)
    notes.push(`- The bare notifier had ${baseline.failures} failed sends; first: ${baseline.firstFailure}`);
  if (result.kafkaHop) {
    notes.push(
      `- Both consumers wait up to ${number(SERVICE_FETCH_WAIT_MS)} ms for a fetch, and the local mock broker ` +
        `holds every fetch that long, so each status event can wait up to ${number(SERVICE_FETCH_WAIT_MS)} ms before either target sees ` +
        'it (the Kafka hop row). At a rate a target cannot keep up with, its latency is mostly its backlog.',
    );
  }
  return notes;
}
