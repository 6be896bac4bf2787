function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
}

export const SCENARIOS = ['http', 'relay', 'production', 'webhooks', 'tracking', 'notifications'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchSettings {
  /** Each measured HTTP phase. */
  durationS: number;
  /** Load before the first measured phase, so JIT, pools and caches are warm. */
  warmupS: number;
  /** Closed-loop connections for the full-speed phase (and autocannon's fixed-rate phase). */
  connections: number;
  /** The fixed rate of the latency target, for orders and for relay events alike. */
  rate: number;
  /** Envelopes pre-filled into the outbox for the relay's throughput. */
  relayEvents: number;
  /** The steady-rate phase of the relay's latency. */
  relaySteadyS: number;
  /** Rows per transaction when pre-filling the outbox. */
  fillPerTransaction: number;
  /**
   * Orders production-status is told about before the batches. By default enough for every order
   * to be reported on once (started, completed, packed); fewer makes the batches come round again.
   */
  productionOrders: number;
  /** Events per batch request (the service takes at most PRODUCTION_BATCH_MAX_EVENTS, 1,000). */
  productionBatchSize: number;
  /** Batch requests in flight at once. */
  productionConcurrency: number;
  /** Events posted before the measured ones, to the service and to the baseline alike. */
  productionWarmupEvents: number;
  /** Events in the measured part, in whole batches. */
  productionEvents: number;
  /** Shipments registered with carrier-ingest; the webhooks' scans go round them. */
  webhookShipments: number;
  /** Webhooks (one new scan each) posted at full speed, after a warm-up of a tenth as many. */
  webhookScans: number;
  /** The paced rate of the webhooks' latency target. */
  webhookRate: number;
  /** The paced webhook phase. */
  webhookSteadyS: number;
  /** Orders fed to tracking-api before its GETs. */
  trackingOrders: number;
  /** The paced rate of the GETs' latency target. */
  trackingRate: number;
  /** The total rate of events accepted at the edges for the visibility lag. */
  visibilityRate: number;
  /** Each visibility pass at a fixed rate. */
  visibilityS: number;
  /** The share of orders whose visibility is watched (an SSE stream each, or a GET for new orders). */
  visibilityWatchShare: number;
  scenarios: ReadonlySet<ScenarioName>;
}

/** Everything is sized from BENCH_DURATION_S so one variable turns the run into a quick smoke run. */
export function readSettings(): BenchSettings {
  const durationS = positiveNumber('BENCH_DURATION_S', 15);
  const scenarios = new Set(
    (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(','))
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  for (const name of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
  }
  const batchSize = Math.round(positiveNumber('BENCH_PRODUCTION_BATCH', 1_000));
  const concurrency = Math.round(positiveNumber('BENCH_PRODUCTION_CONCURRENCY', 4));
  const wholeBatches = (events: number): number => Math.max(1, Math.ceil(events / batchSize)) * batchSize;
  // 15 s gives 50,000 events: ten seconds' worth at the 5,000 events/s target.
  const productionEvents = wholeBatches(
    positiveNumber('BENCH_PRODUCTION_EVENTS', Math.round((durationS * 10) / 3) * 1_000),
  );
  const productionWarmupEvents = wholeBatches(
    positiveNumber(
      'BENCH_PRODUCTION_WARMUP_EVENTS',
      Math.max(batchSize * concurrency, productionEvents / 10),
    ),
  );
  // Three steps per order; see planProductionBatches.
  const ordersForOnePass =
    Math.ceil(batchSize / 3) * ((productionWarmupEvents + productionEvents) / batchSize);
  return {
    durationS,
    warmupS: positiveNumber('BENCH_WARMUP_S', Math.max(1, Math.round(durationS / 5))),
    connections: Math.round(positiveNumber('BENCH_CONNECTIONS', 64)),
    rate: positiveNumber('BENCH_RATE', 1_000),
    relayEvents: Math.round(positiveNumber('BENCH_RELAY_EVENTS', 20_000)),
    relaySteadyS: positiveNumber('BENCH_RELAY_STEADY_S', Math.max(2, Math.round((durationS * 2) / 3))),
    fillPerTransaction: 100,
    productionOrders: Math.round(positiveNumber('BENCH_PRODUCTION_ORDERS', ordersForOnePass)),
    productionBatchSize: batchSize,
    productionConcurrency: concurrency,
    productionWarmupEvents,
    productionEvents,
    webhookShipments: Math.round(positiveNumber('BENCH_WEBHOOK_SHIPMENTS', 2_000)),
    // 15 s gives 10,000: over three seconds' worth at the 3,000 scans/s target.
    webhookScans: Math.round(positiveNumber('BENCH_WEBHOOK_SCANS', Math.round((durationS * 2) / 3) * 1_000)),
    webhookRate: positiveNumber('BENCH_WEBHOOK_RATE', 1_000),
    webhookSteadyS: positiveNumber('BENCH_WEBHOOK_STEADY_S', Math.max(2, Math.round((durationS * 2) / 3))),
    trackingOrders: Math.round(positiveNumber('BENCH_TRACKING_ORDERS', 2_000)),
    trackingRate: positiveNumber('BENCH_TRACKING_RATE', 2_000),
    visibilityRate: positiveNumber('BENCH_VISIBILITY_RATE', 1_000),
    visibilityS: positiveNumber('BENCH_VISIBILITY_S', Math.max(2, Math.round((durationS * 2) / 3))),
    visibilityWatchShare: Math.min(1, positiveNumber('BENCH_VISIBILITY_WATCH_SHARE', 0.2)),
    scenarios: scenarios as Set<ScenarioName>,
  };
}
