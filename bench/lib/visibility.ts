import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { generateSigningKeyPair, mintToken } from '@tracking/auth';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { postBatches } from './batch-load';
import { type Answer, sendRequest } from './http-client';
import type { Kafka, Postgres } from './infrastructure';
import { BENCH_MERCHANT, orderSubmission } from './orders';
import { measureKafkaHop, SERVICE_FETCH_WAIT_MS } from './kafka-hop';
import { paced } from './pacing';
import { type ProductionEventItem, type ProductionStepType, upsTrackingNumbers } from './production-events';
import { type Scope, withScope } from './scope';
import { processWarnings, type RunningService, startService, waitForCount, waitForQuiet } from './services';
import type { BenchSettings } from './settings';
import { openSse, type SseStream } from './sse';
import { clock, type LatencySummary, round, summarizeLatencies } from './stats';
import {
  AGGREGATOR_SIGNATURE_HEADER,
  AGGREGATOR_WEBHOOK_PATH,
  aggregatorWebhookBody,
  signAggregatorBody,
} from './webhooks';

/** Where an event is accepted: a webhook scan, a production step, a new order. */
export type Edge = 'carrier-ingest' | 'production-status' | 'order-intake';
export const EDGES: readonly Edge[] = ['carrier-ingest', 'production-status', 'order-intake'];
const PRODUCTION_PATH = '/v1/production-events';
const ORDERS_PATH = '/v1/orders';
/** tracking-api's NOTIFY channel (live/status-hub.ts): one notification per projected fact. */
const VIEWS_CHANNEL = 'tracking_api_views';
const SETUP_TIMEOUT_MS = 600_000;
const VISIBLE_TIMEOUT_MS = 300_000;
/** A pass whose last watched event takes longer than this to show after the load stops fell behind. */
const DRAIN_LIMIT_MS = 5_000;
/** A pass whose edges accepted less than this share of its requests did not sustain its rate. */
const SUSTAINED_SHARE = 0.98;
/** Nor one whose edges were still answering this long after the last request left. */
const ANSWER_BACKLOG_LIMIT_MS = 1_000;
/** UPS serials of this scenario, apart from the other scenarios'. */
const FIRST_SERIAL = 400_000_000;
const STEPS: readonly ProductionStepType[] = ['PRODUCTION_STARTED', 'PRODUCTION_COMPLETED', 'PACKED'];

export interface LagSummary extends LatencySummary {
  p95Ms: number;
}

export interface EdgeResult {
  offeredRate: number;
  sent: number;
  accepted: number;
  /** Accepted (2xx) per second, from the first request until the last answer. */
  acceptedPerSecond: number;
  statusCounts: Record<string, number>;
  failed: number;
  firstFailure?: string;
  /** Each request, from leaving until its answer was read. */
  httpLatency: LatencySummary;
  /** Accepted events on watched orders, and how many of them became visible. */
  watched: number;
  visible: number;
  /** From the edge's 2xx until the change was visible in tracking-api. */
  lag: LagSummary;
}

export interface VisibilityPass {
  offeredRate: number;
  durationS: number;
  sent: number;
  accepted: number;
  acceptedPerSecond: number;
  edges: Record<Edge, EdgeResult>;
  watched: number;
  visible: number;
  lag: LagSummary;
  /** From the last request leaving until the last watched event was visible; absent if some never were. */
  drainedAfterLastSendMs?: number;
  /** From the last request leaving until the edges had answered every request. */
  answeredAfterLastSendMs: number;
  /** How long before the pass the services took to finish what earlier load had left them. */
  settledBeforeMs: number;
  /**
   * The edges kept up (98% of the requests accepted, all answered within 1 s of the last one
   * leaving) and so did the way to tracking-api (the last watched event visible within 5 s).
   */
  sustained: boolean;
}

export interface VisibilityResult {
  targetRate: number;
  watchShare: number;
  sseStreams: number;
  setup: {
    servicesReadyMs: number;
    ordersCreated: number;
    shippedOrders: number;
    productionOrders: number;
    /** From the first order posted until tracking-api had projected everything set up. */
    setupMs: number;
  };
  /** A message's trip through the broker to a consumer with the services' fetch wait. */
  kafkaHop: LatencySummary;
  /** At a tenth of the rate, not judged: every path is warm before the first pass. */
  warmup: VisibilityPass;
  passes: VisibilityPass[];
  /** The highest offered rate a pass sustained, if any did. */
  sustainedRate?: number;
  processWarnings: Record<string, { count: number; first: string[] }>;
}

function lagSummary(samples: readonly number[]): LagSummary {
  const summary = summarizeLatencies(samples);
  if (samples.length === 0) return { ...summary, p95Ms: NaN };
  const sorted = Float64Array.from(samples).sort();
  return {
    ...summary,
    p95Ms: round(sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!),
  };
}

/**
 * When each awaited change became visible. Markers are what the buyer's view shows of an event:
 * a history entry's event id (a production step's id is the stepId production-status answers),
 * its description (each webhook's checkpoint message is unique), or `order:<id>` for an order
 * that a GET found.
 */
class VisibilityTracker {
  private readonly seen = new Map<string, number>();
  private awaited = new Map<string, { edge: Edge; acceptedAt: number; visibleAt?: number }>();
  private outstanding = 0;
  private idle?: () => void;

  see(marker: string, at: number): void {
    if (this.seen.has(marker)) return;
    this.seen.set(marker, at);
    const waiting = this.awaited.get(marker);
    if (waiting && waiting.visibleAt === undefined) {
      waiting.visibleAt = at;
      this.outstanding -= 1;
      if (this.outstanding === 0) this.idle?.();
    }
  }

  await(marker: string, edge: Edge, acceptedAt: number): void {
    const seenAt = this.seen.get(marker);
    this.awaited.set(marker, { edge, acceptedAt, ...(seenAt === undefined ? {} : { visibleAt: seenAt }) });
    if (seenAt === undefined) this.outstanding += 1;
  }

  /** Resolves when every awaited marker is visible, or after the timeout. */
  async settle(timeoutMs: number): Promise<void> {
    if (this.outstanding === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.idle = undefined;
  }

  results(): Array<{ edge: Edge; acceptedAt: number; visibleAt?: number }> {
    return [...this.awaited.values()];
  }

  startPass(): void {
    this.awaited = new Map();
    this.outstanding = 0;
  }
}

/** Events of a pass in turn: a webhook scan, a production step, a new order, and round again. */
function planPass(
  rate: number,
  durationS: number,
): { count: number; kinds: Edge[]; productionOrders: number } {
  const count = Math.max(EDGES.length, Math.round(rate * durationS));
  const kinds = Array.from({ length: count }, (_, index) => EDGES[index % EDGES.length]!);
  const steps = kinds.filter((kind) => kind === 'production-status').length;
  // Each order of the pass is started, completed and packed, in three waves a third of the pass apart.
  return { count, kinds, productionOrders: Math.ceil(steps / STEPS.length) };
}

interface Watched {
  orderId: string;
  token: string;
  watched: boolean;
}

export async function runVisibility(
  postgres: Postgres,
  kafka: Kafka,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<VisibilityResult> {
  return withScope(log, async (scope: Scope) => {
    const runId = randomBytes(4).toString('hex');
    const centre = `bench-fc-${runId}`;
    const secret = randomBytes(24).toString('base64url');
    const keys = await generateSigningKeyPair();
    const merchantToken = await mintToken({ kind: 'merchant', id: BENCH_MERCHANT }, keys.privateKeyPem, {
      expiresIn: '6h',
    });
    const centreToken = await mintToken({ kind: 'fulfillment_center', id: centre }, keys.privateKeyPem, {
      expiresIn: '6h',
    });
    const every = Math.max(1, Math.round(1 / settings.visibilityWatchShare));
    const watchShare = 1 / every;
    const nextNumber = upsTrackingNumbers(FIRST_SERIAL);

    // The rate of the target, then half of it, and half again, while a pass does not keep up.
    const rates = [
      ...new Set(
        [1, 1 / 2, 1 / 4, 1 / 8, 1 / 16].map((share) =>
          Math.max(EDGES.length, Math.round(settings.visibilityRate * share)),
        ),
      ),
    ];
    const durationS = settings.visibilityS;
    // Every path warmed (the single production endpoint, webhooks, live streams) before the clock.
    const warmup = {
      rate: Math.max(EDGES.length, Math.round(settings.visibilityRate / 10)),
      durationS: Math.max(2, settings.warmupS * 2),
    };
    // A third of the events are scans: each shipped parcel gets one about every three seconds.
    const shippedCount = Math.max(10, Math.round(settings.visibilityRate));
    const productionOrderCount =
      planPass(warmup.rate, warmup.durationS).productionOrders +
      rates.map((rate) => planPass(rate, durationS).productionOrders).reduce((sum, n) => sum + n, 0);

    log(
      `visibility lag: order-intake, production-status, carrier-ingest and tracking-api together, ` +
        `events accepted at the edges at ${rates[0]}/s in turn (webhook scan, production step, new order)`,
    );
    const readyStarted = clock();
    const started = await Promise.allSettled(
      (['order-intake', 'production-status', 'carrier-ingest', 'tracking-api'] as const).map((name) =>
        startService(scope, {
          name,
          postgres,
          kafka,
          runId,
          publicKeyPem: keys.publicKeyPem,
          env: name === 'carrier-ingest' ? { CARRIER_AGGREGATOR_WEBHOOK_SECRET: secret } : {},
          log,
        }),
      ),
    );
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const [intake, production, carriers, tracking] = started.map(
      (outcome) => (outcome as PromiseFulfilledResult<RunningService>).value,
    ) as [RunningService, RunningService, RunningService, RunningService];
    const services = [intake, production, carriers, tracking];
    const assertAlive = (): void => services.forEach((service) => service.assertAlive());
    const servicesReadyMs = Math.round(clock() - readyStarted);

    // Orders through order-intake, as a storefront places them: the shipped ones get scans, the
    // others production steps; the new orders of the passes come on top.
    const setupStarted = clock();
    const setupCount = shippedCount + productionOrderCount;
    log(
      `  setting up: ${setupCount} orders through order-intake, ${shippedCount} of them packed and shipped`,
    );
    const created = await postBatches({
      baseUrl: intake.baseUrl,
      path: ORDERS_PATH,
      headers: { authorization: `Bearer ${merchantToken}` },
      bodies: Array.from({ length: setupCount }, (_, index) =>
        JSON.stringify({
          ...orderSubmission(`BENCH-VIS-${runId}-setup-${index}`),
          fulfillmentCenterId: centre,
        }),
      ),
      concurrency: 16,
    });
    const setupOrders: Watched[] = created.responses.map((response, index) => {
      const body = response?.body as { orderId?: string; trackingToken?: string } | undefined;
      if (response?.status !== 201 || !body?.orderId || !body.trackingToken)
        throw new Error(
          `order-intake refused setup order ${index}: ${response?.status} ${JSON.stringify(body)}`,
        );
      return { orderId: body.orderId, token: body.trackingToken, watched: index % every === 0 };
    });
    const shipped = setupOrders
      .slice(0, shippedCount)
      .map((order) => ({ ...order, trackingNumber: nextNumber() }));
    const productionPool = setupOrders.slice(shippedCount);
    await waitForCount(
      production,
      'orders',
      async () =>
        (
          await production.client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM production_status.orders WHERE order_id = ANY($1::uuid[])',
            [setupOrders.map((order) => order.orderId)],
          )
        ).rows[0]!.n,
      setupOrders.length,
      SETUP_TIMEOUT_MS,
    );
    // The shipped orders are started, completed and packed (one UPS parcel each) yesterday.
    const yesterday = Date.now() - 24 * 3_600_000;
    const setupEvents: ProductionEventItem[] = shipped.flatMap((order, index) =>
      STEPS.map((type, step) => ({
        orderId: order.orderId,
        eventId: `vis-setup-${runId}-${index}-${step}`,
        type,
        occurredAt: new Date(yesterday + step * 3_600_000).toISOString(),
        facility: 'Hanoi 1',
        station: type === 'PACKED' ? 'pack-2' : 'printer-4',
        operator: 'op-7',
        ...(type === 'PACKED'
          ? {
              shipments: [
                {
                  carrier: 'ups' as const,
                  trackingNumber: order.trackingNumber,
                  serviceLevel: 'Ground',
                  packageCount: 1,
                  weightGrams: 450,
                },
              ],
            }
          : {}),
      })),
    );
    const packed = await postBatches({
      baseUrl: production.baseUrl,
      path: '/v1/production-events/batch',
      headers: { authorization: `Bearer ${centreToken}` },
      bodies: Array.from({ length: Math.ceil(setupEvents.length / 999) }, (_, index) =>
        JSON.stringify({ events: setupEvents.slice(index * 999, (index + 1) * 999) }),
      ),
      concurrency: 2,
    });
    for (const response of packed.responses) {
      const summary = (response?.body as { summary?: Record<string, number> } | undefined)?.summary;
      if (response?.status !== 200 || !summary || summary.rejected! > 0 || summary.awaiting_order! > 0)
        throw new Error(
          `production-status refused setup steps: ${JSON.stringify(response?.body).slice(0, 500)}`,
        );
    }
    if (packed.errors > 0) throw new Error(`setup steps failed: ${packed.firstError}`);
    await waitForCount(
      carriers,
      'shipments',
      async () =>
        (
          await carriers.client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM carrier_ingest.shipments',
          )
        ).rows[0]!.n,
      shipped.length,
      SETUP_TIMEOUT_MS,
    );
    // order.received for every order; three steps and shipment.registered for the shipped ones.
    const expectedFacts = setupOrders.length + shipped.length * 4;
    await waitForCount(
      tracking,
      'facts projected',
      async () => {
        const { rows } = await tracking.client.query<{ events: number; orders: number }>(
          `SELECT (SELECT count(*)::int FROM tracking_api.events) AS events,
                  (SELECT count(*)::int FROM tracking_api.orders) AS orders`,
        );
        return rows[0]!.orders >= setupOrders.length ? rows[0]!.events : 0;
      },
      expectedFacts,
      SETUP_TIMEOUT_MS,
    );
    const setupMs = Math.round(clock() - setupStarted);
    log(`  set up in ${round(setupMs / 1_000, 1)} s`);
    const kafkaHop = await measureKafkaHop(kafka);
    log(
      `  one Kafka hop with the services' ${SERVICE_FETCH_WAIT_MS} ms fetch wait: ` +
        `p50 ${kafkaHop.p50Ms} ms, p99 ${kafkaHop.p99Ms} ms`,
    );

    // Live streams for the watched orders, each open (its current view received) before the clock.
    const tracker = new VisibilityTracker();
    const sseAgent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const streams: SseStream[] = [];
    scope.defer('live streams', async () => {
      for (const stream of streams) stream.close();
      sseAgent.destroy();
    });
    let streamFailure: string | undefined;
    const watchedForStreams = [...shipped, ...productionPool].filter((order) => order.watched);
    for (let start = 0; start < watchedForStreams.length; start += 32) {
      await Promise.all(
        watchedForStreams.slice(start, start + 32).map(
          (order) =>
            new Promise<void>((resolve, reject) => {
              let first = true;
              const stream = openSse(
                sseAgent,
                tracking.baseUrl,
                `/v1/track/${order.token}/events`,
                (event) => {
                  if (event.event === 'status') {
                    const view = JSON.parse(event.data) as {
                      history?: Array<{ eventId: string; description: string }>;
                    };
                    for (const entry of view.history ?? []) {
                      tracker.see(entry.eventId, event.receivedAt);
                      tracker.see(entry.description, event.receivedAt);
                    }
                  }
                  if (first) {
                    first = false;
                    resolve();
                  }
                },
                (reason) => {
                  streamFailure ??= `a live stream closed: ${reason}`;
                },
              );
              streams.push(stream);
              stream.opened.then((status) => {
                if (status !== 200) reject(new Error(`GET /v1/track/:token/events answered ${status}`));
              }, reject);
            }),
        ),
      );
    }
    log(`  ${streams.length} live streams open (every ${every}th order watched)`);

    // New orders: tracking-api's own notification of a projected view says when to look; the GET
    // that finds the order is the moment it is visible.
    const newOrders = new Map<
      string,
      { token: string; inFlight: boolean; again: boolean; lastCheck: number }
    >();
    const notified = new Set<string>();
    const checkAgent = new Agent({ keepAlive: true, maxSockets: 32 });
    scope.defer('visibility check agent', async () => checkAgent.destroy());
    const check = (orderId: string): void => {
      const pending = newOrders.get(orderId);
      if (!pending) return;
      if (pending.inFlight) {
        pending.again = true;
        return;
      }
      pending.inFlight = true;
      pending.lastCheck = clock();
      sendRequest(checkAgent, tracking.baseUrl, { method: 'GET', path: `/v1/track/${pending.token}` })
        .then(
          (answer) => {
            if (answer.status === 200) {
              newOrders.delete(orderId);
              tracker.see(`order:${orderId}`, answer.answeredAt);
            }
          },
          () => undefined,
        )
        .finally(() => {
          pending.inFlight = false;
          if (pending.again && newOrders.has(orderId)) {
            pending.again = false;
            check(orderId);
          }
        });
    };
    const listener = new Client({ connectionString: tracking.database.url });
    await listener.connect();
    scope.defer('visibility listener', () => listener.end());
    listener.on('notification', (message) => {
      if (!message.payload) return;
      if (newOrders.has(message.payload)) check(message.payload);
      else notified.add(message.payload);
    });
    await listener.query(`LISTEN ${VIEWS_CHANNEL}`);
    // A fallback in case a notification is missed: it only ever makes a figure worse.
    const fallback = setInterval(() => {
      const now = clock();
      for (const [orderId, pending] of newOrders)
        if (!pending.inFlight && now - pending.lastCheck > 500) check(orderId);
    }, 250);
    scope.defer('visibility fallback', async () => clearInterval(fallback));

    // Fresh connections each pass: a keep-alive connection idle while the last pass drained may be
    // closed by the server just as it is reused.
    let agents = {} as Record<Edge, Agent>;
    const renewAgents = (): void => {
      Object.values(agents).forEach((agent) => agent.destroy());
      agents = Object.fromEntries(
        EDGES.map((edge) => [edge, new Agent({ keepAlive: true, maxSockets: 256 })]),
      ) as Record<Edge, Agent>;
    };
    scope.defer('edge agents', async () => Object.values(agents).forEach((agent) => agent.destroy()));
    const admin = new KafkaClient({
      clientId: 'bench-visibility-admin',
      brokers: kafka.brokers.split(','),
      logLevel: logLevel.ERROR,
    }).admin();
    await admin.connect();
    scope.defer('visibility admin', () => admin.disconnect());
    const lastScanSecond = new Map<string, number>();
    let scanSequence = 0;
    let productionUsed = 0;

    const runPass = async (passIndex: number, rate: number, durationS: number): Promise<VisibilityPass> => {
      const plan = planPass(rate, durationS);
      const passOrders = productionPool.slice(productionUsed, productionUsed + plan.productionOrders);
      productionUsed += passOrders.length;
      // Every service has caught up with what came before: the pass starts level.
      const quietBeforeMs = await waitForQuiet(services, admin, SETUP_TIMEOUT_MS);
      renewAgents();
      tracker.startPass();
      const stats = Object.fromEntries(
        EDGES.map((edge) => [
          edge,
          {
            sent: 0,
            accepted: 0,
            statusCounts: {} as Record<string, number>,
            failed: 0,
            firstFailure: undefined as string | undefined,
            latencies: [] as number[],
            firstSentAt: Infinity,
            lastAnswerAt: 0,
          },
        ]),
      ) as Record<
        Edge,
        {
          sent: number;
          accepted: number;
          statusCounts: Record<string, number>;
          failed: number;
          firstFailure?: string;
          latencies: number[];
          firstSentAt: number;
          lastAnswerAt: number;
        }
      >;
      const counters: Record<Edge, number> = {
        'carrier-ingest': 0,
        'production-status': 0,
        'order-intake': 0,
      };
      let lastSentAt = 0;

      const send = async (index: number): Promise<void> => {
        const edge = plan.kinds[index]!;
        const nth = counters[edge]++;
        const edgeStats = stats[edge];
        let request: { base: string; path: string; headers: Record<string, string>; body: string };
        let expected: number;
        let onAccepted: (answer: Answer) => void;
        if (edge === 'carrier-ingest') {
          const order = shipped[scanSequence % shipped.length]!;
          const marker = `Arrived at facility (${runId}-${scanSequence})`;
          scanSequence += 1;
          // A scan a second ago, and never two at the same second for one parcel.
          const second = Math.max(
            Math.floor((Date.now() - 1_000) / 1_000) * 1_000,
            (lastScanSecond.get(order.orderId) ?? 0) + 1_000,
          );
          lastScanSecond.set(order.orderId, second);
          const body = aggregatorWebhookBody(order.trackingNumber, new Date(second), marker);
          request = {
            base: carriers.baseUrl,
            path: AGGREGATOR_WEBHOOK_PATH,
            headers: { [AGGREGATOR_SIGNATURE_HEADER]: signAggregatorBody(secret, body) },
            body,
          };
          expected = 202;
          onAccepted = (answer) => {
            if (order.watched) tracker.await(marker, edge, answer.answeredAt);
          };
        } else if (edge === 'production-status') {
          const order = passOrders[nth % passOrders.length]!;
          const type = STEPS[Math.min(STEPS.length - 1, Math.floor(nth / passOrders.length))]!;
          const item: ProductionEventItem = {
            orderId: order.orderId,
            eventId: `vis-${runId}-${passIndex}-${nth}`,
            type,
            occurredAt: new Date(Date.now() - 1_000).toISOString(),
            facility: 'Hanoi 1',
            station: type === 'PACKED' ? 'pack-2' : 'printer-4',
            operator: 'op-7',
            ...(type === 'PACKED'
              ? {
                  shipments: [
                    {
                      carrier: 'ups' as const,
                      trackingNumber: nextNumber(),
                      serviceLevel: 'Ground',
                      packageCount: 1,
                      weightGrams: 450,
                    },
                  ],
                }
              : {}),
          };
          request = {
            base: production.baseUrl,
            path: PRODUCTION_PATH,
            headers: { authorization: `Bearer ${centreToken}` },
            body: JSON.stringify(item),
          };
          expected = 201;
          onAccepted = (answer) => {
            const stepId = (JSON.parse(answer.text) as { stepId?: string }).stepId;
            if (order.watched && stepId) tracker.await(stepId, edge, answer.answeredAt);
          };
        } else {
          request = {
            base: intake.baseUrl,
            path: ORDERS_PATH,
            headers: { authorization: `Bearer ${merchantToken}` },
            body: JSON.stringify({
              ...orderSubmission(`BENCH-VIS-${runId}-${passIndex}-${nth}`),
              fulfillmentCenterId: centre,
            }),
          };
          expected = 201;
          onAccepted = (answer) => {
            if (nth % every !== 0) return;
            const { orderId, trackingToken } = JSON.parse(answer.text) as {
              orderId: string;
              trackingToken: string;
            };
            tracker.await(`order:${orderId}`, edge, answer.answeredAt);
            newOrders.set(orderId, {
              token: trackingToken,
              inFlight: false,
              again: false,
              lastCheck: clock(),
            });
            if (notified.has(orderId)) check(orderId);
          };
        }
        const sentAt = clock();
        lastSentAt = Math.max(lastSentAt, sentAt);
        edgeStats.sent += 1;
        edgeStats.firstSentAt = Math.min(edgeStats.firstSentAt, sentAt);
        let answer: Answer;
        try {
          answer = await sendRequest(agents[edge], request.base, {
            method: 'POST',
            path: request.path,
            headers: request.headers,
            body: request.body,
          });
        } catch (error) {
          edgeStats.failed += 1;
          edgeStats.firstFailure ??= error instanceof Error ? error.message : String(error);
          return;
        }
        edgeStats.lastAnswerAt = Math.max(edgeStats.lastAnswerAt, answer.answeredAt);
        edgeStats.latencies.push(answer.answeredAt - sentAt);
        edgeStats.statusCounts[answer.status] = (edgeStats.statusCounts[answer.status] ?? 0) + 1;
        if (answer.status === expected) {
          edgeStats.accepted += 1;
          onAccepted(answer);
        } else {
          edgeStats.failed += 1;
          edgeStats.firstFailure ??= `${answer.status} ${answer.text.slice(0, 300)}`;
        }
      };

      const sendsStartedAt = clock();
      const sends = await paced(plan.count, rate, send);
      if (sends.failures > 0) throw new Error(`the visibility load failed: ${sends.firstFailure}`);
      assertAlive();
      await tracker.settle(VISIBLE_TIMEOUT_MS);
      assertAlive();
      if (streamFailure) throw new Error(streamFailure);

      const awaited = tracker.results();
      const lagsOf = (edge?: Edge): number[] =>
        awaited
          .filter((entry) => (edge === undefined || entry.edge === edge) && entry.visibleAt !== undefined)
          .map((entry) => Math.max(0, entry.visibleAt! - entry.acceptedAt));
      const edges = Object.fromEntries(
        EDGES.map((edge) => {
          const s = stats[edge];
          const watchedOfEdge = awaited.filter((entry) => entry.edge === edge);
          const result: EdgeResult = {
            offeredRate: round(rate / EDGES.length, 1),
            sent: s.sent,
            accepted: s.accepted,
            acceptedPerSecond: round(
              s.accepted / Math.max(0.001, (s.lastAnswerAt - s.firstSentAt) / 1_000),
              1,
            ),
            statusCounts: s.statusCounts,
            failed: s.failed,
            ...(s.firstFailure ? { firstFailure: s.firstFailure } : {}),
            httpLatency: summarizeLatencies(s.latencies),
            watched: watchedOfEdge.length,
            visible: watchedOfEdge.filter((entry) => entry.visibleAt !== undefined).length,
            lag: lagSummary(lagsOf(edge)),
          };
          return [edge, result];
        }),
      ) as Record<Edge, EdgeResult>;
      const accepted = EDGES.reduce((sum, edge) => sum + edges[edge].accepted, 0);
      const lastAnswerAt = Math.max(...EDGES.map((edge) => stats[edge].lastAnswerAt));
      const acceptedPerSecond = round(accepted / ((lastAnswerAt - sendsStartedAt) / 1_000), 1);
      const visible = awaited.filter((entry) => entry.visibleAt !== undefined);
      const drainedAfterLastSendMs =
        visible.length === awaited.length
          ? Math.round(Math.max(0, ...visible.map((entry) => entry.visibleAt! - lastSentAt)))
          : undefined;
      const pass: VisibilityPass = {
        offeredRate: rate,
        durationS,
        sent: plan.count,
        accepted,
        acceptedPerSecond,
        edges,
        watched: awaited.length,
        visible: visible.length,
        lag: lagSummary(lagsOf()),
        ...(drainedAfterLastSendMs === undefined ? {} : { drainedAfterLastSendMs }),
        answeredAfterLastSendMs: Math.round(Math.max(0, lastAnswerAt - lastSentAt)),
        settledBeforeMs: quietBeforeMs,
        sustained:
          accepted >= plan.count * SUSTAINED_SHARE &&
          lastAnswerAt - lastSentAt <= ANSWER_BACKLOG_LIMIT_MS &&
          drainedAfterLastSendMs !== undefined &&
          drainedAfterLastSendMs <= DRAIN_LIMIT_MS,
      };
      log(
        `  at ${rate} events/s: ${acceptedPerSecond} accepted/s; lag p50 ${pass.lag.p50Ms} ms, ` +
          `p95 ${pass.lag.p95Ms} ms, p99 ${pass.lag.p99Ms} ms (${pass.visible} of ${pass.watched} watched); ` +
          EDGES.map(
            (edge) =>
              `${edge} ${edges[edge].acceptedPerSecond}/s, p99 ${edges[edge].lag.p99Ms} ms` +
              (edges[edge].failed > 0 ? `, ${edges[edge].failed} failed (${edges[edge].firstFailure})` : ''),
          ).join('; ') +
          `; ${drainedAfterLastSendMs === undefined ? 'not all visible' : `drained ${drainedAfterLastSendMs} ms after the last request`}` +
          `${pass.sustained ? '' : ': not sustained'}`,
      );
      return pass;
    };

    log(`  warm-up at ${warmup.rate} events/s for ${warmup.durationS} s`);
    const warmupPass = await runPass(0, warmup.rate, warmup.durationS);
    const passes: VisibilityPass[] = [];
    for (const [index, rate] of rates.entries()) {
      const pass = await runPass(index + 1, rate, durationS);
      passes.push(pass);
      if (pass.sustained || pass.drainedAfterLastSendMs === undefined) break;
    }
    const sustainedRate = passes.find((pass) => pass.sustained)?.offeredRate;
    return {
      targetRate: settings.visibilityRate,
      watchShare: round(watchShare, 3),
      sseStreams: streams.length,
      setup: {
        servicesReadyMs,
        ordersCreated: setupOrders.length,
        shippedOrders: shipped.length,
        productionOrders: productionPool.length,
        setupMs,
      },
      kafkaHop,
      warmup: warmupPass,
      passes,
      ...(sustainedRate === undefined ? {} : { sustainedRate }),
      processWarnings: Object.fromEntries(
        services.map((service) => [service.name, processWarnings(service.proc)]),
      ),
    };
  });
}
