import type { HttpScenarioResult } from './http-scenario';
import type { KafkaKind, PostgresKind } from './infrastructure';
import type { ProductionScenarioResult } from './production-scenario';
import type { RelayScenarioResult } from './relay-scenario';
import type { BenchSettings } from './settings';
import { ratio } from './stats';

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
  const { http, relay, production, settings } = results;
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
  return rows;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function renderMarkdown(results: BenchResults): string {
  const { machine, infrastructure, settings, http, relay, production } = results;
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
      'INSERT and produces one message per event with one kafkajs send. ' +
      'All are timed until a consumer has received every event.',
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
  for (const [name, warnings] of [
    ['order-intake', http?.service.processWarnings],
    ['bare insert server', http?.baseline.processWarnings],
    ['relay service', relay?.relay.processWarnings],
    ['bare producer', relay?.baseline.processWarnings],
    ['production-status', production?.service.processWarnings],
    ['bare production server', production?.baseline.processWarnings],
  ] as const) {
    if (warnings && warnings.count > 0) {
      lines.push(`- ${name} logged ${warnings.count} warning or error line(s); see latest.json.`);
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
