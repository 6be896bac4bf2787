import { randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { generateSigningKeyPair } from '@tracking/auth';
import { TOPICS } from '@tracking/events';
import { postBatches } from './batch-load';
import { sendRequest } from './http-client';
import type { Kafka, Postgres } from './infrastructure';
import { ArrivalRecorder } from './kafka-receiver';
import { paced } from './pacing';
import { upsTrackingNumbers } from './production-events';
import { type BenchProcess, describeExit, freePort, startProcess, waitForHttpReady } from './processes';
import { type Scope, withScope } from './scope';
import { processWarnings, type RunningService, startService, waitForCount } from './services';
import type { BenchSettings } from './settings';
import { clock, type LatencySummary, round, sleep, summarizeLatencies } from './stats';
import {
  AGGREGATOR_SIGNATURE_HEADER,
  AGGREGATOR_WEBHOOK_PATH,
  aggregatorWebhookBody,
  type BenchShipment,
  publishEnvelopes,
  scanKey,
  scanKeyOfMessage,
  shipmentRegisteredEnvelope,
  signAggregatorBody,
} from './webhooks';

const MERCHANT = 'bench-merchant';
const ARRIVAL_TIMEOUT_MS = 600_000;
const REGISTER_TIMEOUT_MS = 300_000;
/** UPS serials of this scenario, apart from the production scenario's. */
const FIRST_SERIAL = 200_000_000;
const MINUTE = 60_000;

/** One webhook, signed and serialized before any clock runs; both targets get the same ones. */
interface PlannedWebhook {
  body: string;
  signature: string;
  /** What its scan is known by on Kafka. */
  key: string;
}

export interface WebhookLoadPhase {
  scans: number;
  concurrency: number;
  statusCounts: Record<string, number>;
  /** Requests answered with anything but 202, or not answered at all. */
  failedRequests: number;
  firstFailure?: string;
  /** From the first request leaving until the last answer was read. */
  httpMs: number;
  acceptedPerSecondHttp: number;
  /** From the first request leaving until the benchmark's consumer had every scan. */
  endToEndMs: number;
  scansPerSecondEndToEnd: number;
  firstArrivalMs: number;
  /** Each request, from leaving until its answer was read. */
  httpLatency: LatencySummary;
}

export interface WebhookPacedPhase {
  offeredRate: number;
  scans: number;
  statusCounts: Record<string, number>;
  failedRequests: number;
  firstFailure?: string;
  /** 202s per second from the first request until the last answer. */
  acceptedPerSecondHttp: number;
  /** From sending each webhook until the consumer received its scan. */
  latency: LatencySummary;
  /** From sending each webhook until its answer was read. */
  httpLatency: LatencySummary;
  /** From the last request leaving until the consumer had every scan. */
  drainedAfterLastSendMs: number;
}

export interface WebhookTargetResult {
  target: 'carrier-ingest' | 'bare-handler';
  poolSize: number;
  warmup: WebhookLoadPhase;
  max: WebhookLoadPhase;
  paced: WebhookPacedPhase;
  processWarnings: { count: number; first: string[] };
}

export interface WebhookScenarioResult {
  shipments: number;
  meanBodyBytes: number;
  baseline: WebhookTargetResult;
  service: WebhookTargetResult & {
    /** From publishing the shipment.registered events until carrier-ingest had stored all of them. */
    registeredInMs: number;
    database: {
      deliveries: number;
      processed: number;
      waiting: number;
      deadLettered: number;
      scans: number;
      outboxRows: number;
      unpublished: number;
    };
  };
}

/** Scan k of a shipment happens k minutes after its first: every scan is new to the service. */
function planWebhooks(
  shipments: readonly BenchShipment[],
  from: number,
  count: number,
  options: { secret: string; runId: string; firstScanAt: number },
): PlannedWebhook[] {
  const { secret, runId } = options;
  const base = Math.floor(options.firstScanAt / 1_000) * 1_000;
  return Array.from({ length: count }, (_, offset) => {
    const index = from + offset;
    const shipment = shipments[index % shipments.length]!;
    const at = new Date(base + Math.floor(index / shipments.length) * MINUTE);
    const body = aggregatorWebhookBody(
      shipment.trackingNumber,
      at,
      `Arrived at facility (${runId}-${index})`,
      index % 2 === 0 ? 'InTransit_003' : 'InTransit_007',
    );
    return {
      body,
      signature: signAggregatorBody(secret, body),
      key: scanKey(shipment.trackingNumber, at),
    };
  });
}

function isAccepted(status: number): boolean {
  return status === 202;
}

async function runLoadPhase(options: {
  phase: string;
  baseUrl: string;
  webhooks: readonly PlannedWebhook[];
  concurrency: number;
  recorder: ArrivalRecorder;
  proc: BenchProcess;
  log: (line: string) => void;
}): Promise<WebhookLoadPhase> {
  const { webhooks, recorder } = options;
  recorder.reset();
  const load = await postBatches({
    baseUrl: options.baseUrl,
    path: AGGREGATOR_WEBHOOK_PATH,
    headers: {},
    headersFor: (index) => ({ [AGGREGATOR_SIGNATURE_HEADER]: webhooks[index]!.signature }),
    bodies: webhooks.map((webhook) => webhook.body),
    concurrency: options.concurrency,
  });
  if (options.proc.exited()) throw new Error(describeExit(options.proc));
  const statusCounts: Record<string, number> = {};
  const keys: string[] = [];
  let failedRequests = load.errors;
  let firstFailure = load.firstError;
  load.responses.forEach((response, index) => {
    if (!response) return;
    statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
    if (isAccepted(response.status)) keys.push(webhooks[index]!.key);
    else {
      failedRequests += 1;
      firstFailure ??= `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
    }
  });
  const httpMs = load.lastAnswerAt - load.startedAt;
  const arrivals = await recorder.waitForAll(keys, ARRIVAL_TIMEOUT_MS);
  let first = Infinity;
  let last = load.startedAt;
  for (const at of arrivals.values()) {
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  const endToEndMs = last - load.startedAt;
  const result: WebhookLoadPhase = {
    scans: webhooks.length,
    concurrency: options.concurrency,
    statusCounts,
    failedRequests,
    ...(firstFailure ? { firstFailure } : {}),
    httpMs: Math.round(httpMs),
    acceptedPerSecondHttp: round(keys.length / (httpMs / 1_000), 1),
    endToEndMs: Math.round(endToEndMs),
    scansPerSecondEndToEnd: round(keys.length / (endToEndMs / 1_000), 1),
    firstArrivalMs: Math.round(first - load.startedAt),
    httpLatency: summarizeLatencies(
      load.responses.flatMap((response) => (response ? [response.latencyMs] : [])),
    ),
  };
  options.log(
    `  ${options.phase}: ${result.acceptedPerSecondHttp} webhooks/s accepted by HTTP (${result.httpMs} ms), ` +
      `${result.scansPerSecondEndToEnd} scans/s onto Kafka (${result.endToEndMs} ms), ` +
      `request p50 ${result.httpLatency.p50Ms} ms, p99 ${result.httpLatency.p99Ms} ms, failed ${failedRequests}` +
      (firstFailure ? `; first failure ${firstFailure}` : ''),
  );
  return result;
}

async function runPacedPhase(options: {
  baseUrl: string;
  webhooks: readonly PlannedWebhook[];
  rate: number;
  recorder: ArrivalRecorder;
  proc: BenchProcess;
  log: (line: string) => void;
}): Promise<WebhookPacedPhase> {
  const { webhooks, recorder } = options;
  recorder.reset();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const sentAt: number[] = new Array(webhooks.length);
  const httpLatencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const accepted: number[] = [];
  let failedRequests = 0;
  let firstFailure: string | undefined;
  let lastAnswerAt = 0;
  const startedAt = clock();
  const sends = await paced(webhooks.length, options.rate, async (index) => {
    const webhook = webhooks[index]!;
    sentAt[index] = clock();
    const answer = await sendRequest(agent, options.baseUrl, {
      method: 'POST',
      path: AGGREGATOR_WEBHOOK_PATH,
      headers: { [AGGREGATOR_SIGNATURE_HEADER]: webhook.signature },
      body: webhook.body,
    });
    lastAnswerAt = Math.max(lastAnswerAt, answer.answeredAt);
    httpLatencies.push(answer.answeredAt - sentAt[index]!);
    statusCounts[answer.status] = (statusCounts[answer.status] ?? 0) + 1;
    if (isAccepted(answer.status)) accepted.push(index);
    else {
      failedRequests += 1;
      firstFailure ??= `${answer.status} ${answer.text.slice(0, 300)}`;
    }
  });
  agent.destroy();
  if (options.proc.exited()) throw new Error(describeExit(options.proc));
  failedRequests += sends.failures;
  firstFailure ??= sends.firstFailure;
  const lastSentAt = Math.max(...sentAt.filter((at) => at !== undefined));
  const arrivals = await recorder.waitForAll(
    accepted.map((index) => webhooks[index]!.key),
    ARRIVAL_TIMEOUT_MS,
  );
  const lastArrival = Math.max(lastSentAt, ...arrivals.values());
  const result: WebhookPacedPhase = {
    offeredRate: options.rate,
    scans: webhooks.length,
    statusCounts,
    failedRequests,
    ...(firstFailure ? { firstFailure } : {}),
    acceptedPerSecondHttp: round(accepted.length / ((lastAnswerAt - startedAt) / 1_000), 1),
    latency: summarizeLatencies(
      accepted.map((index) => arrivals.get(webhooks[index]!.key)! - sentAt[index]!),
    ),
    httpLatency: summarizeLatencies(httpLatencies),
    drainedAfterLastSendMs: Math.round(Math.max(0, lastArrival - lastSentAt)),
  };
  options.log(
    `  paced at ${options.rate}/s: ${result.acceptedPerSecondHttp} accepted/s, webhook → scan on Kafka ` +
      `p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms (request p99 ${result.httpLatency.p99Ms} ms), ` +
      `failed ${failedRequests}` +
      (firstFailure ? `; first failure ${firstFailure}` : ''),
  );
  return result;
}

async function databaseState(service: RunningService): Promise<WebhookScenarioResult['service']['database']> {
  const { rows } = await service.client.query<WebhookScenarioResult['service']['database']>(
    `SELECT (SELECT count(*)::int FROM carrier_ingest.webhook_deliveries) AS deliveries,
            (SELECT count(*)::int FROM carrier_ingest.webhook_deliveries WHERE status = 'PROCESSED') AS processed,
            (SELECT count(*)::int FROM carrier_ingest.webhook_deliveries WHERE status = 'RECEIVED') AS waiting,
            (SELECT count(*)::int FROM carrier_ingest.webhook_deliveries WHERE status = 'DEAD_LETTERED') AS "deadLettered",
            (SELECT count(*)::int FROM carrier_ingest.scans) AS scans,
            (SELECT count(*)::int FROM carrier_ingest.outbox) AS "outboxRows",
            (SELECT count(*)::int FROM carrier_ingest.outbox
              WHERE processed_at IS NULL AND abandoned_at IS NULL) AS unpublished`,
  );
  return rows[0]!;
}

export async function runWebhookScenario(
  postgres: Postgres,
  kafka: Kafka,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<WebhookScenarioResult> {
  return withScope(log, async (scope: Scope) => {
    const runId = randomBytes(4).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    const nextNumber = upsTrackingNumbers(FIRST_SERIAL);
    const shipments: BenchShipment[] = Array.from({ length: settings.webhookShipments }, () => ({
      shipmentId: randomUUID(),
      orderId: randomUUID(),
      trackingNumber: nextNumber(),
    }));
    const warmupCount = Math.max(settings.connections * 4, Math.round(settings.webhookScans / 10));
    const pacedCount = Math.round(settings.webhookRate * settings.webhookSteadyS);
    const plan = { secret, runId, firstScanAt: Date.now() - 5 * 24 * 60 * MINUTE };
    const warmup = planWebhooks(shipments, 0, warmupCount, plan);
    const measured = planWebhooks(shipments, warmupCount, settings.webhookScans, plan);
    const steady = planWebhooks(shipments, warmupCount + settings.webhookScans, pacedCount, plan);
    const meanBodyBytes = Math.round(
      measured.reduce((sum, webhook) => sum + Buffer.byteLength(webhook.body), 0) / measured.length,
    );

    const recorder = await ArrivalRecorder.start(kafka.brokers, TOPICS.carrierScans, scanKeyOfMessage);
    scope.defer('benchmark consumer', () => recorder.stop());

    const phases = async (
      proc: BenchProcess,
      baseUrl: string,
    ): Promise<Pick<WebhookTargetResult, 'warmup' | 'max' | 'paced'>> => {
      const common = { baseUrl, recorder, proc, log, concurrency: settings.connections };
      return {
        warmup: await runLoadPhase({ ...common, phase: 'warm-up', webhooks: warmup }),
        max: await runLoadPhase({ ...common, phase: 'full speed', webhooks: measured }),
        paced: await runPacedPhase({
          baseUrl,
          recorder,
          proc,
          log,
          webhooks: steady,
          rate: settings.webhookRate,
        }),
      };
    };

    log('webhook baseline: bare node:http handler, HMAC check, one INSERT and one kafkajs send per webhook');
    const baseline = await withScope(log, async (baselineScope): Promise<WebhookTargetResult> => {
      const database = await postgres.createDatabase(baselineScope, 'bare_webhooks');
      const port = await freePort();
      const proc = startProcess('bare webhook server', 'bench/children/bare-webhook-server.ts', {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: String(database.poolSize),
        KAFKA_BROKERS: kafka.brokers,
        KAFKA_IDEMPOTENT: String(kafka.idempotent),
        WEBHOOK_SECRET: secret,
      });
      baselineScope.defer('bare webhook server', () => proc.stop());
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitForHttpReady(proc, baseUrl);
      return {
        target: 'bare-handler',
        poolSize: database.poolSize,
        ...(await phases(proc, baseUrl)),
        processWarnings: processWarnings(proc),
      };
    });

    log('carrier-ingest: the real service, started as scripts/start.ts starts it');
    const service = await withScope(log, async (serviceScope): Promise<WebhookScenarioResult['service']> => {
      const keys = await generateSigningKeyPair();
      const running = await startService(serviceScope, {
        name: 'carrier-ingest',
        postgres,
        kafka,
        runId,
        publicKeyPem: keys.publicKeyPem,
        env: { CARRIER_AGGREGATOR_WEBHOOK_SECRET: secret },
        log,
      });
      log(`registering ${shipments.length} UPS shipments (shipment.registered on ${TOPICS.shipments})`);
      const registeredAt = new Date(Date.now() - 6 * 24 * 60 * MINUTE);
      const publishedAt = clock();
      await publishEnvelopes(kafka, [
        {
          topic: TOPICS.shipments,
          envelopes: shipments.map((shipment) =>
            shipmentRegisteredEnvelope(shipment, MERCHANT, registeredAt),
          ),
        },
      ]);
      await waitForCount(
        running,
        'shipments',
        async () =>
          (
            await running.client.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM carrier_ingest.shipments',
            )
          ).rows[0]!.n,
        shipments.length,
        REGISTER_TIMEOUT_MS,
      );
      const registeredInMs = Math.round(clock() - publishedAt);
      log(`  all registered after ${round(registeredInMs / 1_000, 1)} s`);
      const measuredPhases = await phases(running.proc, running.baseUrl);
      // Deliveries are marked processed in the transaction that writes the scans; the relay marks
      // outbox rows after their publish returns, so the last marks can trail the last arrival.
      let database = await databaseState(running);
      for (let attempt = 0; database.unpublished > 0 && attempt < 50; attempt += 1) {
        await sleep(100);
        database = await databaseState(running);
      }
      running.assertAlive();
      return {
        target: 'carrier-ingest',
        poolSize: running.database.poolSize,
        ...measuredPhases,
        registeredInMs,
        database,
        processWarnings: processWarnings(running.proc),
      };
    });

    return { shipments: shipments.length, meanBodyBytes, baseline, service };
  });
}
