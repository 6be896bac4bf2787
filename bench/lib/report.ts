import {
  notificationNotes,
  notificationRows,
  type NotificationScenarioResult,
} from './notification-scenario';
import type { HttpScenarioResult } from './http-scenario';
import type { KafkaKind, PostgresKind } from './infrastructure';
import type { ProductionScenarioResult } from './production-scenario';
import type { RelayScenarioResult } from './relay-scenario';
import type { BenchSettings } from './settings';
import { ratio } from './stats';
import type { TrackingScenarioResult } from './tracking-scenario';
import type { WebhookScenarioResult } from './webhook-scenario';
import { SERVICE_FETCH_WAIT_MS } from './kafka-hop';
import { EDGES, type Edge, type LagSummary } from './visibility';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryBytes: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export interface SummaryRow {
  scenario: string;
  figure: string;
  measured: string;
  baseline: string;
  /** Measured ÷ baseline on the row's headline number (p99 for latency rows). */
  ratio?: number;
  target: string;
  met?: boolean;
}

export interface BenchResults {
  date: string;
  runSeconds?: number;
  machine: MachineInfo;
  infrastructure: {
    postgres: { kind: PostgresKind; details: Record<string, string>; representative: boolean };
    kafka: { kind: KafkaKind; brokers: string };
  };
  settings: Omit<BenchSettings, 'scenarios'> & { scenarios: string[] };
  http?: HttpScenarioResult;
  relay?: RelayScenarioResult;
  production?: ProductionScenarioResult;
  webhooks?: WebhookScenarioResult;
  tracking?: TrackingScenarioResult;
  notifications?: NotificationScenarioResult;
  errors: Record<string, string>;
  summary: SummaryRow[];
}

const TARGET_ACCEPTED_PER_S = 1_500;
const TARGET_P99_MS = 50;
const TARGET_SHARE_OF_BASELINE = 0.5;
/** A paced run that delivered less than this share of its offered rate did not sustain it. */
const SUSTAINED_SHARE = 0.98;
/** production-status's batch endpoint, end to end onto Kafka, on the 2-core machine. */
const TARGET_PRODUCTION_EVENTS_PER_S = 5_000;

const number = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const ms = (value: number): string => `${number(value, value < 100 ? 1 : 0)} ms`;
const pair = (p50: number, p99: number): string => `${ms(p50)} / ${ms(p99)}`;

export function summarize(results: Omit<BenchResults, 'summary'>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const { http, relay, production, webhooks, tracking, settings } = results;
  if (http) {
    const { service, baseline } = http;
    const share = ratio(service.max.createdPerSecond, baseline.max.createdPerSecond);
    const full = `Order intake, full speed (${settings.connections} connections)`;
    rows.push(
      {
        scenario: full,
        figure: 'orders accepted (201) per second',
        measured: `${number(service.max.createdPerSecond)}/s`,
        baseline: `${number(baseline.max.createdPerSecond)}/s`,
        ratio: share,
        target: `≥ ${number(TARGET_ACCEPTED_PER_S)}/s`,
        met: service.max.createdPerSecond >= TARGET_ACCEPTED_PER_S,
      },
      {
        scenario: full,
        figure: 'share of the bare-insert baseline',
        measured: number(share ?? NaN, 2),
        baseline: '1',
        ratio: share,
        target: `≥ ${TARGET_SHARE_OF_BASELINE}`,
        met: share !== undefined && share >= TARGET_SHARE_OF_BASELINE,
      },
      {
        scenario: full,
        figure: 'latency p50 / p99',
        measured: pair(service.max.latency.p50Ms, service.max.latency.p99Ms),
        baseline: pair(baseline.max.latency.p50Ms, baseline.max.latency.p99Ms),
        ratio: ratio(service.max.latency.p99Ms, baseline.max.latency.p99Ms),
        target: '—',
      },
    );
    const paced = `Order intake at ${number(settings.rate)}/s (open loop, paced)`;
    const sustained = service.fixedRatePaced.createdPerSecond >= settings.rate * SUSTAINED_SHARE;
    rows.push(
      {
        scenario: paced,
        figure: 'orders accepted per second',
        measured: `${number(service.fixedRatePaced.createdPerSecond)}/s`,
        baseline: `${number(baseline.fixedRatePaced.createdPerSecond)}/s`,
        ratio: ratio(service.fixedRatePaced.createdPerSecond, baseline.fixedRatePaced.createdPerSecond),
        target: `${number(settings.rate)}/s sustained`,
        met: sustained,
      },
      {
        scenario: paced,
        figure: 'latency p50 / p99',
        measured: pair(service.fixedRatePaced.latency.p50Ms, service.fixedRatePaced.latency.p99Ms),
        baseline: pair(baseline.fixedRatePaced.latency.p50Ms, baseline.fixedRatePaced.latency.p99Ms),
        ratio: ratio(service.fixedRatePaced.latency.p99Ms, baseline.fixedRatePaced.latency.p99Ms),
        target: `p99 < ${TARGET_P99_MS} ms`,
        met: sustained && service.fixedRatePaced.latency.p99Ms < TARGET_P99_MS,
      },
      {
        scenario: `Order intake at ${number(settings.rate)}/s (autocannon overallRate)`,
        figure: 'accepted/s; latency p50 / p99',
        measured: `${number(service.fixedRateAutocannon.createdPerSecond)}/s; ${pair(
          service.fixedRateAutocannon.latency.p50Ms,
          service.fixedRateAutocannon.latency.p99Ms,
        )}`,
        baseline: `${number(baseline.fixedRateAutocannon.createdPerSecond)}/s; ${pair(
          baseline.fixedRateAutocannon.latency.p50Ms,
          baseline.fixedRateAutocannon.latency.p99Ms,
        )}`,
        ratio: ratio(service.fixedRateAutocannon.latency.p99Ms, baseline.fixedRateAutocannon.latency.p99Ms),
        target: 'for reference (bursty)',
      },
    );
    const failed = (['max', 'fixedRateAutocannon', 'fixedRatePaced'] as const).reduce(
      (sum, phase) => sum + service[phase].non2xx + service[phase].errors,
      0,
    );
    const failedBaseline = (['max', 'fixedRateAutocannon', 'fixedRatePaced'] as const).reduce(
      (sum, phase) => sum + baseline[phase].non2xx + baseline[phase].errors,
      0,
    );
    rows.push({
      scenario: 'Order intake, all measured phases',
      figure: 'non-2xx answers and connection errors',
      measured: number(failed),
      baseline: number(failedBaseline),
      target: '0',
      met: failed === 0,
    });
    if (service.outbox) {
      const max = service.outbox.afterPhase.max;
      rows.push({
        scenario: 'Order intake, outbox after the run',
        figure: 'ORDER_RECEIVED rows not published',
        measured: `${number(service.outbox.unpublished)} of ${number(service.outbox.outboxRows)}`,
        baseline: '—',
        target: '0',
        met: service.outbox.unpublished === 0 && service.outbox.abandoned === 0,
      });
      if (max) {
        rows.push({
          scenario: 'Order intake, outbox after the full-speed phase',
          figure: 'backlog when the load stopped; time to drain',
          measured: `${number(max.backlogAtStart)} rows; ${
            max.drainedInMs === undefined ? 'not drained' : `${number(max.drainedInMs / 1_000, 1)} s`
          }`,
          baseline: '—',
          target: '—',
        });
      }
    }
  }
  if (relay) {
    rows.push(
      {
        scenario: `Outbox relay, ${number(relay.relay.burst.events)} events waiting`,
        figure: 'events per second to a consumer',
        measured: `${number(relay.relay.burst.eventsPerSecond)}/s`,
        baseline: `${number(relay.baseline.burst.eventsPerSecond)}/s`,
        ratio: ratio(relay.relay.burst.eventsPerSecond, relay.baseline.burst.eventsPerSecond),
        target: '—',
      },
      {
        scenario: `Outbox relay at ${number(relay.relay.steady.offeredRate)} events/s, one per transaction`,
        figure: 'commit → consumer latency p50 / p99',
        measured: pair(relay.relay.steady.latency.p50Ms, relay.relay.steady.latency.p99Ms),
        baseline: pair(relay.baseline.steady.latency.p50Ms, relay.baseline.steady.latency.p99Ms),
        ratio: ratio(relay.relay.steady.latency.p99Ms, relay.baseline.steady.latency.p99Ms),
        target: '—',
      },
    );
  }
  if (production) {
    const service = production.service.measured;
    const baseline = production.baseline.measured;
    const batches =
      `Production batch ingestion (${number(service.events)} events, batches of ` +
      `${number(service.batchSize)}, ${service.concurrency} in flight)`;
    const counts = (phase: typeof service): string =>
      `${number(phase.outcomes.accepted)} / ${number(phase.events - phase.outcomes.accepted)}` +
      (phase.failedRequests > 0 ? `; ${number(phase.failedRequests)} failed requests` : '');
    rows.push(
      {
        scenario: batches,
        figure: 'events per second end to end onto Kafka',
        measured: `${number(service.eventsPerSecondEndToEnd)}/s`,
        baseline: `${number(baseline.eventsPerSecondEndToEnd)}/s`,
        ratio: ratio(service.eventsPerSecondEndToEnd, baseline.eventsPerSecondEndToEnd),
        target: `≥ ${number(TARGET_PRODUCTION_EVENTS_PER_S)}/s`,
        met: service.eventsPerSecondEndToEnd >= TARGET_PRODUCTION_EVENTS_PER_S,
      },
      {
        scenario: batches,
        figure: 'events per second accepted by HTTP (until the last answer)',
        measured: `${number(service.acceptedPerSecondHttp)}/s`,
        baseline: `${number(baseline.acceptedPerSecondHttp)}/s`,
        ratio: ratio(service.acceptedPerSecondHttp, baseline.acceptedPerSecondHttp),
        target: '—',
      },
      {
        scenario: batches,
        figure: 'batch request latency p50 / p99',
        measured: pair(service.latency.p50Ms, service.latency.p99Ms),
        baseline: pair(baseline.latency.p50Ms, baseline.latency.p99Ms),
        ratio: ratio(service.latency.p99Ms, baseline.latency.p99Ms),
        target: '—',
      },
      {
        scenario: batches,
        figure: 'events accepted / not accepted',
        measured: counts(service),
        baseline: counts(baseline),
        target: '0 not accepted',
        met: service.outcomes.accepted === service.events && service.failedRequests === 0,
      },
      {
        scenario: 'Production-status, outbox after the run',
        figure: 'rows not published',
        measured: `${number(production.service.database.unpublished)} of ${number(
          production.service.database.outboxRows,
        )}`,
        baseline: '—',
        target: '0',
        met: production.service.database.unpublished === 0,
      },
    );
  }
  if (webhooks) rows.push(...webhookRows(webhooks, settings));
  if (tracking) rows.push(...trackingRows(tracking, settings));
  if (results.notifications) rows.push(...notificationRows(results.notifications));
  return rows;
}

/** carrier-ingest's webhook ingestion, end to end onto Kafka, on the 2-core machine. */
const TARGET_WEBHOOK_SCANS_PER_S = 3_000;
const TARGET_WEBHOOK_P99_MS = 200;
/** tracking-api's GET /v1/track/:token on the 2-core machine. */
const TARGET_TRACK_PER_S = 5_000;
const TARGET_TRACK_P99_MS = 20;
/** From an event accepted at an edge to its appearance in tracking-api. */
const TARGET_VISIBILITY_P99_MS = 500;

const EDGE_LABELS: Record<Edge, string> = {
  'carrier-ingest': 'carrier webhook (carrier-ingest)',
  'production-status': 'production step (production-status)',
  'order-intake': 'new order (order-intake)',
};

const triple = (lag: LagSummary): string => `${ms(lag.p50Ms)} / ${ms(lag.p95Ms)} / ${ms(lag.p99Ms)}`;

function webhookRows(
  webhooks: WebhookScenarioResult,
  settings: Omit<BenchResults['settings'], 'scenarios'>,
): SummaryRow[] {
  const { service, baseline } = webhooks;
  const full =
    `Webhook ingestion, full speed (${number(service.max.scans)} aggregator webhooks of one new scan each, ` +
    `${service.max.concurrency} connections)`;
  const paced = `Webhook ingestion at ${number(settings.webhookRate)} scans/s (open loop, paced)`;
  const sustained = service.paced.acceptedPerSecondHttp >= settings.webhookRate * SUSTAINED_SHARE;
  const failed = (target: typeof baseline): number => target.max.failedRequests + target.paced.failedRequests;
  const { database } = service;
  return [
    {
      scenario: full,
      figure: 'scans per second, webhook receipt → carrier.scan-recorded on Kafka',
      measured: `${number(service.max.scansPerSecondEndToEnd)}/s`,
      baseline: `${number(baseline.max.scansPerSecondEndToEnd)}/s`,
      ratio: ratio(service.max.scansPerSecondEndToEnd, baseline.max.scansPerSecondEndToEnd),
      target: `≥ ${number(TARGET_WEBHOOK_SCANS_PER_S)}/s`,
      met: service.max.scansPerSecondEndToEnd >= TARGET_WEBHOOK_SCANS_PER_S,
    },
    {
      scenario: full,
      figure: 'webhooks accepted (202) per second by HTTP',
      measured: `${number(service.max.acceptedPerSecondHttp)}/s`,
      baseline: `${number(baseline.max.acceptedPerSecondHttp)}/s`,
      ratio: ratio(service.max.acceptedPerSecondHttp, baseline.max.acceptedPerSecondHttp),
      target: '—',
    },
    {
      scenario: full,
      figure: 'request latency p50 / p99',
      measured: pair(service.max.httpLatency.p50Ms, service.max.httpLatency.p99Ms),
      baseline: pair(baseline.max.httpLatency.p50Ms, baseline.max.httpLatency.p99Ms),
      ratio: ratio(service.max.httpLatency.p99Ms, baseline.max.httpLatency.p99Ms),
      target: '—',
    },
    {
      scenario: paced,
      figure: 'webhooks accepted per second',
      measured: `${number(service.paced.acceptedPerSecondHttp)}/s`,
      baseline: `${number(baseline.paced.acceptedPerSecondHttp)}/s`,
      ratio: ratio(service.paced.acceptedPerSecondHttp, baseline.paced.acceptedPerSecondHttp),
      target: `${number(settings.webhookRate)}/s sustained`,
      met: sustained,
    },
    {
      scenario: paced,
      figure: 'webhook sent → scan on Kafka, p50 / p99',
      measured: pair(service.paced.latency.p50Ms, service.paced.latency.p99Ms),
      baseline: pair(baseline.paced.latency.p50Ms, baseline.paced.latency.p99Ms),
      ratio: ratio(service.paced.latency.p99Ms, baseline.paced.latency.p99Ms),
      target: `p99 < ${TARGET_WEBHOOK_P99_MS} ms`,
      met: sustained && service.paced.latency.p99Ms < TARGET_WEBHOOK_P99_MS,
    },
    {
      scenario: 'Webhook ingestion, all measured phases',
      figure: 'requests not answered 202',
      measured: number(failed(service)),
      baseline: number(failed(baseline)),
      target: '0',
      met: failed(service) === 0,
    },
    {
      scenario: 'Carrier-ingest after the run',
      figure: 'deliveries not processed (waiting / dead-lettered); outbox rows not published',
      measured: `${number(database.waiting)} / ${number(database.deadLettered)} of ${number(database.deliveries)}; ${number(database.unpublished)} of ${number(database.outboxRows)}`,
      baseline: '—',
      target: '0',
      met: database.waiting === 0 && database.deadLettered === 0 && database.unpublished === 0,
    },
  ];
}

function trackingRows(
  tracking: TrackingScenarioResult,
  settings: Omit<BenchResults['settings'], 'scenarios'>,
): SummaryRow[] {
  const { service, baseline, visibility } = tracking;
  const full = `Tracking lookups GET /v1/track/:token, full speed (${settings.connections} connections, ${number(tracking.orders)} tokens)`;
  const paced = `Tracking lookups at ${number(settings.trackingRate)}/s (open loop, paced)`;
  const sustained = service.paced.okPerSecond >= settings.trackingRate * SUSTAINED_SHARE;
  const rows: SummaryRow[] = [
    {
      scenario: full,
      figure: 'answers (200) per second',
      measured: `${number(service.max.okPerSecond)}/s`,
      baseline: `${number(baseline.max.okPerSecond)}/s`,
      ratio: ratio(service.max.okPerSecond, baseline.max.okPerSecond),
      target: `≥ ${number(TARGET_TRACK_PER_S)}/s`,
      met: service.max.okPerSecond >= TARGET_TRACK_PER_S,
    },
    {
      scenario: full,
      figure: 'latency p50 / p99',
      measured: pair(service.max.latency.p50Ms, service.max.latency.p99Ms),
      baseline: pair(baseline.max.latency.p50Ms, baseline.max.latency.p99Ms),
      ratio: ratio(service.max.latency.p99Ms, baseline.max.latency.p99Ms),
      target: '—',
    },
    {
      scenario: paced,
      figure: 'answers (200) per second',
      measured: `${number(service.paced.okPerSecond)}/s`,
      baseline: `${number(baseline.paced.okPerSecond)}/s`,
      ratio: ratio(service.paced.okPerSecond, baseline.paced.okPerSecond),
      target: `${number(settings.trackingRate)}/s sustained`,
      met: sustained,
    },
    {
      scenario: paced,
      figure: `latency p50 / p99 (the service's floor is ${number(tracking.responseFloorMs)} ms)`,
      measured: pair(service.paced.latency.p50Ms, service.paced.latency.p99Ms),
      baseline: pair(baseline.paced.latency.p50Ms, baseline.paced.latency.p99Ms),
      ratio: ratio(service.paced.latency.p99Ms, baseline.paced.latency.p99Ms),
      target: `p99 < ${TARGET_TRACK_P99_MS} ms`,
      met: sustained && service.paced.latency.p99Ms < TARGET_TRACK_P99_MS,
    },
  ];
  const failed = (target: typeof baseline): number =>
    (['max', 'paced'] as const).reduce((sum, phase) => sum + target[phase].non2xx + target[phase].errors, 0);
  rows.push({
    scenario: 'Tracking lookups, all measured phases',
    figure: 'non-2xx answers and connection errors',
    measured: number(failed(service)),
    baseline: number(failed(baseline)),
    target: '0',
    met: failed(service) === 0,
  });
  if (!visibility) return rows;
  const [first] = visibility.passes;
  if (!first) return rows;
  const mix = 'webhook scans, production steps and new orders in turn';
  const atTarget = `Visibility lag at ${number(first.offeredRate)} events/s (${mix}), edge 2xx → visible in tracking-api`;
  rows.push(
    {
      scenario: atTarget,
      figure: 'events accepted per second at the edges',
      measured: `${number(first.acceptedPerSecond)}/s`,
      baseline: '—',
      target: `${number(visibility.targetRate)}/s sustained`,
      met: first.sustained && first.offeredRate >= visibility.targetRate,
    },
    {
      scenario: atTarget,
      figure: `lag p50 / p95 / p99, all edges (${number(first.visible)} of ${number(first.watched)} watched events)`,
      measured: triple(first.lag),
      baseline: '—',
      target: `p99 < ${TARGET_VISIBILITY_P99_MS} ms`,
      met: first.sustained && first.lag.p99Ms < TARGET_VISIBILITY_P99_MS,
    },
    ...EDGES.map((edge): SummaryRow => ({
      scenario: atTarget,
      figure: `lag p50 / p95 / p99, ${EDGE_LABELS[edge]}`,
      measured: triple(first.edges[edge].lag),
      baseline: '—',
      target: '—',
    })),
  );
  const sustainedPass = visibility.passes.find((pass) => pass.sustained);
  if (sustainedPass !== first) {
    const tried = visibility.passes.map((pass) => number(pass.offeredRate)).join(', ');
    rows.push(
      sustainedPass
        ? {
            scenario: `Visibility lag at ${number(sustainedPass.offeredRate)} events/s, the highest rate sustained (tried ${tried})`,
            figure: 'lag p50 / p95 / p99, all edges; per edge p99 (webhook / production / order)',
            measured: `${triple(sustainedPass.lag)}; ${EDGES.map((edge) => ms(sustainedPass.edges[edge].lag.p99Ms)).join(' / ')}`,
            baseline: '—',
            target: `p99 < ${TARGET_VISIBILITY_P99_MS} ms`,
            met: sustainedPass.lag.p99Ms < TARGET_VISIBILITY_P99_MS,
          }
        : {
            scenario: `Visibility lag, the highest rate sustained (tried ${tried} events/s)`,
            figure: 'rate; lag p50 / p95 / p99 at the lowest rate tried',
            measured: `none sustained; ${triple(visibility.passes.at(-1)!.lag)} at ${number(visibility.passes.at(-1)!.offeredRate)}/s`,
            baseline: '—',
            target: `${number(visibility.targetRate)}/s`,
            met: false,
          },
    );
  }
  const edgeFailures = EDGES.map((edge) =>
    visibility.passes.reduce((sum, pass) => sum + pass.edges[edge].failed, 0),
  );
  const firstEdgeFailure = visibility.passes
    .flatMap((pass) => EDGES.map((edge) => pass.edges[edge].firstFailure))
    .find((failure) => failure !== undefined);
  rows.push({
    scenario: 'Visibility lag, all passes',
    figure: 'edge requests not answered 2xx (webhook / production / order)',
    measured:
      edgeFailures.map((count) => number(count)).join(' / ') +
      (firstEdgeFailure ? `; first: ${firstEdgeFailure.slice(0, 160)}` : ''),
    baseline: '—',
    target: '0',
    met: edgeFailures.every((count) => count === 0),
  });
  rows.push({
    scenario: 'Visibility lag, for reference',
    figure: `one Kafka hop on this broker with the services' ${number(SERVICE_FETCH_WAIT_MS)} ms fetch wait, p50 / p99`,
    measured: pair(visibility.kafkaHop.p50Ms, visibility.kafkaHop.p99Ms),
    baseline: '—',
    target: '—',
  });
  return rows;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function renderMarkdown(results: BenchResults): string {
  const { machine, infrastructure, settings, http, relay, production, webhooks, tracking } = results;
  const gib = (bytes: number): string => `${number(bytes / 1024 ** 3, 1)} GiB`;
  const pg = infrastructure.postgres;
  const pgDescription =
    pg.kind === 'embedded'
      ? 'embedded PGlite'
      : `${pg.kind === 'local' ? 'local server' : 'DATABASE_URL'}, PostgreSQL ${pg.details.server_version}` +
        ` (synchronous_commit ${pg.details.synchronous_commit}, fsync ${pg.details.fsync})`;
  const kafkaDescription =
    infrastructure.kafka.kind === 'local-broker'
      ? "local broker (librdkafka's mock cluster, in memory)"
      : `KAFKA_BROKERS (${infrastructure.kafka.brokers})`;

  const lines = [
    '# Benchmark report',
    '',
    `${results.date} · ${machine.cpus} × ${machine.cpuModel}, ${gib(machine.totalMemoryBytes)} · Node ${machine.node}` +
      ` · load average at start ${machine.loadAverageAtStart.map((value) => number(value, 2)).join(' ')}`,
    '',
    `PostgreSQL: ${pgDescription}. Kafka: ${kafkaDescription}.`,
    `Phases of ${settings.durationS} s after a ${settings.warmupS} s warm-up, ${settings.connections} connections,` +
      ` fixed rate ${number(settings.rate)}/s, ${number(settings.relayEvents)} relay events,` +
      ` relay steady phase ${settings.relaySteadyS} s.` +
      (production
        ? ` Production batches: ${number(settings.productionEvents)} events after ` +
          `${number(settings.productionWarmupEvents)} warm-up, on ${number(production.orders)} orders.`
        : '') +
      (webhooks
        ? ` Webhooks: ${number(webhooks.service.warmup.scans)} warm-up, ${number(settings.webhookScans)} at full ` +
          `speed, ${number(webhooks.service.paced.scans)} paced, over ${number(webhooks.shipments)} shipments.`
        : '') +
      (tracking
        ? ` Tracking: ${number(tracking.orders)} orders; visibility passes of ${settings.visibilityS} s.`
        : ''),
    '',
  ];
  if (!pg.representative) {
    lines.push(
      '> **Not representative:** this run used embedded PGlite, not a PostgreSQL server: one session, ' +
        'pools of 1, the relay polling instead of listening. Set DATABASE_URL or start PostgreSQL for ' +
        'figures that mean anything.',
      '',
    );
  }
  lines.push(
    '| Scenario | Figure | Measured | Baseline | Ratio | Target | Met? |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.summary.map(
      (row) =>
        `| ${cell(row.scenario)} | ${cell(row.figure)} | ${cell(row.measured)} | ${cell(row.baseline)} | ` +
        `${row.ratio === undefined ? '—' : number(row.ratio, 2)} | ${cell(row.target)} | ` +
        `${row.met === undefined ? '—' : row.met ? 'yes' : '**no**'} |`,
    ),
    '',
    'Baselines: for HTTP, a bare node:http handler doing one INSERT of the JSON body into the same ' +
      `PostgreSQL with a pool of the same size (${http?.baseline.poolSize ?? '—'}); for Kafka, a plain kafkajs ` +
      'producer sending the same messages to the same topic in batches of the relay’s claim size ' +
      `(${relay?.relay.burst.batchSize ?? '—'}, ${relay?.relay.burst.concurrency ?? '—'} in flight); ` +
      'for production batches, a bare node:http handler that parses the batch, stores it with one multi-row ' +
      'INSERT and produces one message per event with one kafkajs send; for webhooks, a bare node:http handler ' +
      'that checks the same HMAC, inserts the raw body and produces it as one message before answering 202. ' +
      'These are timed until a consumer has received every event. For tracking lookups, a bare node:http handler ' +
      'that hashes the token and SELECTs the same view JSON from a table of its own.',
    '',
    'Notes:',
    '',
    '- The latency target is judged on the paced run: requests leave on a fixed schedule and latency counts ' +
      'from the scheduled moment, so a service that cannot keep up shows it. autocannon’s overallRate sends each ' +
      'connection’s share of a second back to back and then idles, so its figure is the latency of bursts at ' +
      'full concurrency; it is shown for reference only.',
    '- Ratios are measured ÷ baseline: above 1 is better for rates, below 1 is better for latencies.',
  );
  if (infrastructure.kafka.kind === 'local-broker') {
    lines.push(
      '- The mock broker keeps messages in memory and does not replicate: Kafka figures show the client and ' +
        'relay side of the cost, not a real cluster’s.',
    );
  }
  if (http?.service.outbox) {
    const { ordersStored, ordersCreated } = http.service.outbox;
    lines.push(
      `- order-intake stored ${number(ordersStored)} orders; the load generators counted ${number(ordersCreated)} ` +
        '201s (requests still in flight when a phase ended are stored but not counted).',
    );
  }
  if (production) {
    const { measured, ordersKnownInMs, ordersStored } = production.service;
    const batches =
      (settings.productionWarmupEvents + settings.productionEvents) / settings.productionBatchSize;
    const reportedOnce = production.orders >= batches * Math.ceil(settings.productionBatchSize / 3);
    lines.push(
      `- Production batches: the same bodies (${number(production.meanRequestBytes / 1024)} KiB each) go to ` +
        'both; each order of a batch is started, completed and packed (one UPS parcel), and no order is in ' +
        `two batches${reportedOnce ? ' (each order is reported on once)' : '; with fewer orders than the batches need, they come round again as reprints'}. ` +
        `production-status publishes ${number(measured.messages)} messages for ${number(measured.events)} events ` +
        '(production.step-recorded, and shipment.registered per parcel) through its outbox; the baseline one per ' +
        'event. End to end runs from the first request until the consumer has them all. The service had learnt ' +
        `its ${number(production.orders)} orders from tracking.orders.v1 in ${number(ordersKnownInMs / 1_000, 1)} s ` +
        `before the clock started (${number(ordersStored)} orders in its table, earlier scenarios' included).`,
    );
  }
  if (webhooks) {
    const { service } = webhooks;
    lines.push(
      `- Webhooks: the same signed AfterShip-format bodies (${number(webhooks.meanBodyBytes)} bytes each, one new ` +
        `in-transit checkpoint for one of ${number(webhooks.shipments)} UPS shipments registered through ` +
        'shipment.registered) go to both. Scans per second run from the first request until the consumer has the ' +
        'carrier.scan-recorded of every accepted webhook; carrier-ingest answers 202 once the raw delivery is ' +
        'stored and turns it into a scan afterwards, the baseline inserts and produces before it answers. ' +
        `Paced latency runs from sending each webhook. carrier-ingest drained the full-speed phase ` +
        `${number((service.max.endToEndMs - service.max.httpMs) / 1_000, 1)} s after its last answer and the ` +
        `paced phase ${number(service.paced.drainedAfterLastSendMs / 1_000, 1)} s after the last request.`,
    );
  }
  if (tracking) {
    lines.push(
      `- Tracking lookups: tracking-api ran with its default response time floor, TRACK_RESPONSE_FLOOR_MS = ` +
        `${number(tracking.responseFloorMs)} ms: every token lookup takes at least that long, found or not, so its ` +
        `latencies cannot go below it. It was fed ${number(tracking.orders)} orders in transit ` +
        `(${number(tracking.eventsFed)} events, projected in ${number(tracking.service.projectedInMs / 1_000, 1)} s); ` +
        `GETs pick one of their tokens at random. The baseline reads the same views ` +
        `(${number(tracking.meanViewBytes / 1024, 1)} KiB each) by SHA-256 of the token from a table of its own.`,
    );
  }
  const visibility = tracking?.visibility;
  if (visibility) {
    lines.push(
      `- Visibility lag: order-intake, production-status, carrier-ingest and tracking-api ran together, each on ` +
        `its own database. Before the clock: ${number(visibility.setup.ordersCreated)} orders through order-intake, ` +
        `${number(visibility.setup.shippedOrders)} of them started, completed and packed with a UPS parcel through ` +
        `production-status (set up in ${number(visibility.setup.setupMs / 1_000, 1)} s), and a warm-up at ` +
        `${number(visibility.warmup.offeredRate)} events/s. Each pass sends, in turn and open loop, a signed ` +
        'aggregator webhook with a new scan for a shipped parcel, a production step through ' +
        'POST /v1/production-events (each order of the pass started, completed, then packed) and a new order. ' +
        `Lag runs from the edge's 2xx. For every ${number(1 / visibility.watchShare)}th order the benchmark holds ` +
        `tracking-api's live stream (${number(visibility.sseStreams)} streams; an event is visible when a status ` +
        "event's history shows it); a new order is visible when GET /v1/track/:token answers 200 (asked as soon " +
        "as tracking-api's view notification names it, so that figure includes the floor). A pass is sustained when " +
        'the edges accepted 98% of the requests and had answered them all within 1 s of the last one leaving, ' +
        'and the last watched event was visible within 5 s after that; otherwise the rate is halved. Passes: ' +
        visibility.passes
          .map(
            (pass) =>
              `${number(pass.offeredRate)}/s → ${number(pass.acceptedPerSecond)}/s accepted, p99 ` +
              `${ms(pass.lag.p99Ms)}, ${pass.drainedAfterLastSendMs === undefined ? 'not all visible' : `drained in ${number(pass.drainedAfterLastSendMs / 1_000, 1)} s`}` +
              `${pass.sustained ? ' (sustained)' : ''}`,
          )
          .join('; ') +
        '.',
    );
    if (infrastructure.kafka.kind === 'local-broker') {
      lines.push(
        `- Every edge reaches tracking-api through one Kafka hop, and the local mock broker holds each fetch for ` +
          `the consumer's whole wait (KAFKA_FETCH_MAX_WAIT_MS, ${number(SERVICE_FETCH_WAIT_MS)} ms here for the ` +
          `services and the baselines alike), so each event waits for the next fetch: the hop alone measured p50 ${ms(visibility.kafkaHop.p50Ms)}, ` +
          `p99 ${ms(visibility.kafkaHop.p99Ms)}. A real broker answers a fetch as soon as a message is there; ` +
          'the lag target cannot be judged on this broker.',
      );
    }
  }
  // The notification notes report both of its processes' warnings themselves.
  if (results.notifications) lines.push(...notificationNotes(results.notifications));
  for (const [name, warnings] of [
    ['order-intake', http?.service.processWarnings],
    ['bare insert server', http?.baseline.processWarnings],
    ['relay service', relay?.relay.processWarnings],
    ['bare producer', relay?.baseline.processWarnings],
    ['production-status', production?.service.processWarnings],
    ['bare production server', production?.baseline.processWarnings],
    ['carrier-ingest (webhooks)', webhooks?.service.processWarnings],
    ['bare webhook server', webhooks?.baseline.processWarnings],
    ['tracking-api (lookups)', tracking?.service.processWarnings],
    ['bare track server', tracking?.baseline.processWarnings],
    ...Object.entries(tracking?.visibility?.processWarnings ?? {}).map(
      ([service, warnings]) => [`${service} (visibility)`, warnings] as const,
    ),
  ] as const) {
    if (warnings && warnings.count > 0) {
      const first = warnings.first[0] ?? '';
      lines.push(
        `- ${name} logged ${warnings.count} warning or error line(s), the first: ` +
          `${cell(first.length > 200 ? `${first.slice(0, 200)}…` : first)}; see latest.json.`,
      );
    }
  }
  for (const [scenario, error] of Object.entries(results.errors)) {
    const short = error.replace(/\s+/g, ' ').trim();
    lines.push(
      `- **The ${scenario} scenario failed:** ${cell(short.length > 500 ? `${short.slice(0, 500)}…` : short)}`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
