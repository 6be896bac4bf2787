import { collectDefaultMetrics, Counter, Gauge, Histogram, type Metric, Registry } from 'prom-client';

/**
 * One registry per process. Metrics are created lazily by name and handed back when asked for
 * again, because a test process boots several Nest apps and each would otherwise fail with
 * "metric already registered".
 */
const registry = new Registry();
let defaultMetricsCollected = false;
let serviceLabelSet = false;

function ensureDefaultMetrics(): void {
  if (defaultMetricsCollected) return;
  defaultMetricsCollected = true;
  collectDefaultMetrics({ register: registry });
}

/**
 * Labels every series with the service. The first caller wins (startTelemetry in production,
 * the health module otherwise), so apps sharing a test process do not relabel each other.
 */
export function useServiceLabel(serviceName: string): void {
  if (serviceLabelSet) return;
  serviceLabelSet = true;
  registry.setDefaultLabels({ service: serviceName });
}

export function metricsRegistry(): Registry {
  ensureDefaultMetrics();
  return registry;
}

function existing<M extends Metric>(name: string, type: abstract new (...args: never[]) => M): M | undefined {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  if (!(metric instanceof type)) {
    throw new Error(`metric ${name} is already registered as another type`);
  }
  return metric;
}

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  ensureDefaultMetrics();
  return (
    existing<Counter<L>>(name, Counter) ?? new Counter<L>({ name, help, labelNames, registers: [registry] })
  );
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  ensureDefaultMetrics();
  return existing<Gauge<L>>(name, Gauge) ?? new Gauge<L>({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets?: number[],
): Histogram<L> {
  ensureDefaultMetrics();
  return (
    existing<Histogram<L>>(name, Histogram) ??
    new Histogram<L>({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) })
  );
}
