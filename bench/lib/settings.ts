function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
}

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
  scenarios: ReadonlySet<'http' | 'relay'>;
}

/** Everything is sized from BENCH_DURATION_S so one variable turns the run into a quick smoke run. */
export function readSettings(): BenchSettings {
  const durationS = positiveNumber('BENCH_DURATION_S', 15);
  const scenarios = new Set(
    (process.env.BENCH_SCENARIOS ?? 'http,relay')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  for (const name of scenarios) {
    if (name !== 'http' && name !== 'relay') throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}"`);
  }
  return {
    durationS,
    warmupS: positiveNumber('BENCH_WARMUP_S', Math.max(1, Math.round(durationS / 5))),
    connections: Math.round(positiveNumber('BENCH_CONNECTIONS', 64)),
    rate: positiveNumber('BENCH_RATE', 1_000),
    relayEvents: Math.round(positiveNumber('BENCH_RELAY_EVENTS', 20_000)),
    relaySteadyS: positiveNumber('BENCH_RELAY_STEADY_S', Math.max(2, Math.round((durationS * 2) / 3))),
    fillPerTransaction: 100,
    scenarios: scenarios as Set<'http' | 'relay'>,
  };
}
