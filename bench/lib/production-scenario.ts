import { randomBytes, randomUUID } from 'node:crypto';
import { generateSigningKeyPair, mintToken } from '@tracking/auth';
import { encodeEnvelope, envelopeHeaders, TOPICS } from '@tracking/events';
import { Kafka as KafkaClient, type KafkaMessage, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { SERVICES } from '../../scripts/services';
import { postBatches } from './batch-load';
import type { Kafka, Postgres } from './infrastructure';
import { ArrivalRecorder } from './kafka-receiver';
import {
  orderReceivedForCentre,
  type PlannedBatch,
  planProductionBatches,
  upsTrackingNumbers,
} from './production-events';
import { type BenchProcess, describeExit, freePort, startProcess, waitForHttpReady } from './processes';
import { type Scope, withScope } from './scope';
import type { BenchSettings } from './settings';
import { clock, type LatencySummary, round, sleep, summarizeLatencies } from './stats';

const BATCH_PATH = '/v1/production-events/batch';
const ARRIVAL_TIMEOUT_MS = 180_000;
const ORDERS_KNOWN_TIMEOUT_MS = 300_000;
/** shipment.registered messages are awaited by the shipment id the batch answer gives. */
const SHIPMENT_ID = 'shipment:';

type Outcome = 'accepted' | 'duplicate' | 'awaiting_order' | 'rejected';

/** One item of a batch answer, as far as the benchmark reads it. */
interface ItemResult {
  outcome: Outcome;
  eventId?: string;
  stepId?: string;
  shipments?: Array<{ shipmentId: string }>;
  code?: string;
  cause?: string;
  reason?: string;
}

export interface BatchPhaseResult {
  events: number;
  batches: number;
  batchSize: number;
  concurrency: number;
  statusCounts: Record<string, number>;
  /** Requests answered with anything but 200, or not answered at all. */
  failedRequests: number;
  firstFailure?: string;
  outcomes: Record<Outcome, number>;
  firstRejection?: string;
  /** Messages awaited on Kafka: one per accepted event, plus (service) one shipment.registered per parcel. */
  messages: number;
  /** From the first request leaving until the last answer was read. */
  httpMs: number;
  acceptedPerSecondHttp: number;
  /** From the first request leaving until the benchmark's consumer had every message. */
  endToEndMs: number;
  eventsPerSecondEndToEnd: number;
  firstArrivalMs: number;
  /** Each batch request, from leaving until its answer was read. */
  latency: LatencySummary;
}

export interface ProductionTargetResult {
  target: 'production-status' | 'bare-handler';
  poolSize: number;
  warmup: BatchPhaseResult;
  measured: BatchPhaseResult;
  processWarnings: { count: number; first: string[] };
}

export interface ProductionScenarioResult {
  fulfillmentCentreId: string;
  orders: number;
  meanRequestBytes: number;
  baseline: ProductionTargetResult;
  service: ProductionTargetResult & {
    /** From publishing the order.received events until the service had stored all of them. */
    ordersKnownInMs: number;
    /** Orders in its table: also those of earlier scenarios still on tracking.orders.v1. */
    ordersStored: number;
    database: { appliedSteps: number; shipments: number; outboxRows: number; unpublished: number };
  };
}

/** shipment.registered carries the shipment id at the top of its envelope. */
function shipmentIdOf(topic: string, message: KafkaMessage): string | undefined {
  if (topic !== TOPICS.shipments || !message.value) return undefined;
  try {
    const envelope = JSON.parse(message.value.toString('utf8')) as { shipmentId?: string };
    return envelope.shipmentId ? `${SHIPMENT_ID}${envelope.shipmentId}` : undefined;
  } catch {
    return undefined;
  }
}

async function runPhase(options: {
  phase: string;
  baseUrl: string;
  headers: Record<string, string>;
  batches: readonly PlannedBatch[];
  settings: BenchSettings;
  recorder: ArrivalRecorder;
  proc: BenchProcess;
  /** What the accepted item's messages are known by on Kafka. */
  idsOf: (item: ItemResult) => string[];
  log: (line: string) => void;
}): Promise<BatchPhaseResult> {
  const { batches, settings, recorder } = options;
  recorder.reset();
  const load = await postBatches({
    baseUrl: options.baseUrl,
    path: BATCH_PATH,
    headers: options.headers,
    bodies: batches.map((batch) => batch.body),
    concurrency: settings.productionConcurrency,
  });
  if (options.proc.exited()) throw new Error(describeExit(options.proc));

  const statusCounts: Record<string, number> = {};
  const outcomes: Record<Outcome, number> = { accepted: 0, duplicate: 0, awaiting_order: 0, rejected: 0 };
  const ids: string[] = [];
  let failedRequests = load.errors;
  let firstFailure = load.firstError;
  let firstRejection: string | undefined;
  for (const response of load.responses) {
    if (!response) continue;
    statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
    const results = (response.body as { results?: ItemResult[] } | undefined)?.results;
    if (response.status !== 200 || !Array.isArray(results)) {
      failedRequests += 1;
      firstFailure ??= `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
      continue;
    }
    for (const item of results) {
      outcomes[item.outcome] = (outcomes[item.outcome] ?? 0) + 1;
      if (item.outcome === 'accepted') ids.push(...options.idsOf(item));
      else if (item.outcome === 'rejected') firstRejection ??= JSON.stringify(item).slice(0, 300);
    }
  }
  const events = batches.reduce((sum, batch) => sum + batch.eventIds.length, 0);
  const httpMs = load.lastAnswerAt - load.startedAt;
  const arrivals = await recorder.waitForAll(ids, ARRIVAL_TIMEOUT_MS);
  let first = Infinity;
  let last = load.startedAt;
  for (const at of arrivals.values()) {
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  const endToEndMs = last - load.startedAt;
  const result: BatchPhaseResult = {
    events,
    batches: batches.length,
    batchSize: settings.productionBatchSize,
    concurrency: settings.productionConcurrency,
    statusCounts,
    failedRequests,
    ...(firstFailure ? { firstFailure } : {}),
    outcomes,
    ...(firstRejection ? { firstRejection } : {}),
    messages: ids.length,
    httpMs: Math.round(httpMs),
    acceptedPerSecondHttp: round(outcomes.accepted / (httpMs / 1_000), 1),
    endToEndMs: Math.round(endToEndMs),
    eventsPerSecondEndToEnd: round(outcomes.accepted / (endToEndMs / 1_000), 1),
    firstArrivalMs: Math.round(first - load.startedAt),
    latency: summarizeLatencies(load.responses.flatMap((response) => (response ? [response.latencyMs] : []))),
  };
  options.log(
    `  ${options.phase}: ${result.acceptedPerSecondHttp} events/s accepted by HTTP (${result.httpMs} ms), ` +
      `${result.eventsPerSecondEndToEnd} events/s onto Kafka (${result.endToEndMs} ms, ${result.messages} messages), ` +
      `batch p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms; ` +
      `accepted ${outcomes.accepted}, rejected ${outcomes.rejected}, failed requests ${failedRequests}` +
      (firstRejection ? `; first rejection ${firstRejection}` : '') +
      (firstFailure ? `; first failure ${firstFailure}` : ''),
  );
  return result;
}

/** Publishes the orders as order-intake would, keyed by order id, and returns when they are on the topic. */
async function publishOrders(kafka: Kafka, orderIds: readonly string[], centre: string): Promise<void> {
  const client = new KafkaClient({
    clientId: 'bench-order-publisher',
    brokers: kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const producer = client.producer({
    allowAutoTopicCreation: true,
    idempotent: kafka.idempotent,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let start = 0; start < orderIds.length; start += 500) {
      const envelopes = orderIds
        .slice(start, start + 500)
        .map((orderId) => orderReceivedForCentre(orderId, centre));
      await producer.send({
        topic: TOPICS.orders,
        acks: -1,
        messages: envelopes.map((envelope) => ({
          key: envelope.orderId,
          value: encodeEnvelope(envelope),
          headers: envelopeHeaders(envelope),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

async function waitForOrders(client: Client, orderIds: readonly string[], proc: BenchProcess): Promise<void> {
  const deadline = clock() + ORDERS_KNOWN_TIMEOUT_MS;
  for (;;) {
    if (proc.exited()) throw new Error(describeExit(proc));
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM production_status.orders WHERE order_id = ANY($1::uuid[])',
      [orderIds],
    );
    if (rows[0]!.n === orderIds.length) return;
    if (clock() > deadline) {
      throw new Error(
        `production-status knew ${rows[0]!.n} of ${orderIds.length} orders after ${ORDERS_KNOWN_TIMEOUT_MS / 1000} s`,
      );
    }
    await sleep(250);
  }
}

async function outboxState(
  client: Client,
): Promise<{ appliedSteps: number; shipments: number; outboxRows: number; unpublished: number }> {
  const { rows } = await client.query<{
    steps: number;
    shipments: number;
    outbox: number;
    unpublished: number;
  }>(`SELECT (SELECT count(*)::int FROM production_status.production_steps WHERE status = 'APPLIED') AS steps,
             (SELECT count(*)::int FROM production_status.shipments) AS shipments,
             (SELECT count(*)::int FROM production_status.outbox) AS outbox,
             (SELECT count(*)::int FROM production_status.outbox
               WHERE processed_at IS NULL AND abandoned_at IS NULL) AS unpublished`);
  const state = rows[0]!;
  return {
    appliedSteps: state.steps,
    shipments: state.shipments,
    outboxRows: state.outbox,
    unpublished: state.unpublished,
  };
}

function warnings(proc: BenchProcess): { count: number; first: string[] } {
  return { count: proc.output.warningCount, first: proc.output.warnings };
}

export async function runProductionScenario(
  postgres: Postgres,
  kafka: Kafka,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<ProductionScenarioResult> {
  return withScope(log, async (scope: Scope) => {
    const runId = randomBytes(4).toString('hex');
    const centre = `bench-fc-${runId}`;
    const keys = await generateSigningKeyPair();
    const token = await mintToken({ kind: 'fulfillment_center', id: centre }, keys.privateKeyPem, {
      expiresIn: '6h',
    });
    const orderIds = Array.from({ length: settings.productionOrders }, () => randomUUID());

    // Every body is built and serialized before any clock runs; both targets get the same ones.
    const nextTrackingNumber = upsTrackingNumbers();
    const plan = (label: string, firstBatch: number, events: number): PlannedBatch[] =>
      planProductionBatches({
        runId,
        label,
        orderIds,
        firstBatch,
        events,
        batchSize: settings.productionBatchSize,
        nextTrackingNumber,
      });
    const warmupBatches = plan('warmup', 0, settings.productionWarmupEvents);
    const measuredBatches = plan('measured', warmupBatches.length, settings.productionEvents);
    const meanRequestBytes = Math.round(
      measuredBatches.reduce((sum, batch) => sum + Buffer.byteLength(batch.body), 0) / measuredBatches.length,
    );

    const recorder = await ArrivalRecorder.start(
      kafka.brokers,
      [TOPICS.production, TOPICS.shipments],
      shipmentIdOf,
    );
    scope.defer('benchmark consumer', () => recorder.stop());

    const phases = async (
      proc: BenchProcess,
      baseUrl: string,
      headers: Record<string, string>,
      idsOf: (item: ItemResult) => string[],
    ): Promise<Pick<ProductionTargetResult, 'warmup' | 'measured'>> => {
      const common = { baseUrl, headers, settings, recorder, proc, idsOf, log };
      return {
        warmup: await runPhase({ ...common, phase: 'warm-up', batches: warmupBatches }),
        measured: await runPhase({ ...common, phase: 'measured', batches: measuredBatches }),
      };
    };

    log(
      `batch baseline: bare node:http handler, one INSERT and one kafkajs send per batch of ` +
        `${settings.productionBatchSize}, ${settings.productionConcurrency} in flight`,
    );
    const baseline = await withScope(log, async (baselineScope): Promise<ProductionTargetResult> => {
      const database = await postgres.createDatabase(baselineScope, 'bare_production');
      const port = await freePort();
      const proc = startProcess('bare production server', 'bench/children/bare-production-server.ts', {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: String(database.poolSize),
        KAFKA_BROKERS: kafka.brokers,
        KAFKA_IDEMPOTENT: String(kafka.idempotent),
      });
      baselineScope.defer('bare production server', () => proc.stop());
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitForHttpReady(proc, baseUrl);
      return {
        target: 'bare-handler',
        poolSize: database.poolSize,
        ...(await phases(proc, baseUrl, {}, (item) => (item.eventId ? [item.eventId] : []))),
        processWarnings: warnings(proc),
      };
    });

    log('production-status: the real service, started as scripts/start.ts starts it');
    const service = await withScope(
      log,
      async (serviceScope): Promise<ProductionScenarioResult['service']> => {
        const definition = SERVICES.find((candidate) => candidate.name === 'production-status');
        if (!definition) throw new Error('production-status is not in scripts/services.ts');
        const database = await postgres.createDatabase(serviceScope, 'production_status');
        const port = await freePort();
        const proc = startProcess('production-status', definition.entry, {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: database.url,
          DATABASE_POOL_SIZE: String(database.poolSize),
          KAFKA_BROKERS: kafka.brokers,
          ...(kafka.idempotent ? {} : { KAFKA_IDEMPOTENT: 'false' }),
          // Its consumer must not join (and rebalance) a real deployment's group on a shared cluster.
          KAFKA_CONSUMER_GROUP: `bench-production-status-${runId}`,
          AUTH_PUBLIC_KEY: keys.publicKeyPem,
          AUTH_JWKS_URL: '',
          LOG_LEVEL: 'warn',
        });
        serviceScope.defer('production-status', () => proc.stop());
        const baseUrl = `http://127.0.0.1:${port}`;
        await waitForHttpReady(proc, baseUrl);

        const client = new Client({ connectionString: database.url });
        await client.connect();
        serviceScope.defer('production-status database client', () => client.end());

        log(`telling production-status about ${orderIds.length} orders of ${centre} (order.received)`);
        const publishedAt = clock();
        await publishOrders(kafka, orderIds, centre);
        await waitForOrders(client, orderIds, proc);
        const ordersKnownInMs = Math.round(clock() - publishedAt);
        const headers = { authorization: `Bearer ${token}` };
        const sample = await fetch(`${baseUrl}/v1/orders/${orderIds[0]}/production`, { headers });
        if (sample.status !== 200) {
          throw new Error(
            `GET /v1/orders/:orderId/production answered ${sample.status}: ${(await sample.text()).slice(0, 300)}`,
          );
        }
        const { rows } = await client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM production_status.orders',
        );
        log(`  all known after ${round(ordersKnownInMs / 1_000, 1)} s (${rows[0]!.n} orders in its table)`);

        const measured = await phases(proc, baseUrl, headers, (item) => [
          ...(item.stepId ? [item.stepId] : []),
          ...(item.shipments ?? []).map((shipment) => `${SHIPMENT_ID}${shipment.shipmentId}`),
        ]);
        // Rows are marked after their publish returns, so the last marks can trail the last arrival.
        let finalState = await outboxState(client);
        for (let attempt = 0; finalState.unpublished > 0 && attempt < 50; attempt += 1) {
          await sleep(100);
          finalState = await outboxState(client);
        }
        if (proc.exited()) throw new Error(describeExit(proc));
        return {
          target: 'production-status',
          poolSize: database.poolSize,
          ...measured,
          ordersKnownInMs,
          ordersStored: rows[0]!.n,
          database: finalState,
          processWarnings: warnings(proc),
        };
      },
    );

    return {
      fulfillmentCentreId: centre,
      orders: orderIds.length,
      meanRequestBytes,
      baseline,
      service,
    };
  });
}
