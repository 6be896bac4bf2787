import { counter, gauge, histogram, metricsRegistry, useServiceLabel } from './metrics';

describe('metrics', () => {
  useServiceLabel('metrics-spec');

  it('hands back the registered metric when asked again, as a second app in the process does', () => {
    const first = counter('spec_orders_accepted_total', 'Orders accepted', ['source']);
    const second = counter('spec_orders_accepted_total', 'Orders accepted', ['source']);
    expect(second).toBe(first);
    expect(gauge('spec_backlog', 'Backlog', [])).toBe(gauge('spec_backlog', 'Backlog', []));
    expect(histogram('spec_lag_seconds', 'Lag', ['topic'], [1, 5])).toBe(
      histogram('spec_lag_seconds', 'Lag', ['topic']),
    );
  });

  it('refuses a name already taken by another metric type', () => {
    counter('spec_taken_total', 'Taken', []);
    expect(() => gauge('spec_taken_total', 'Taken', [])).toThrow(/already registered/);
  });

  it('exposes every series with the service label, default process metrics included', async () => {
    counter('spec_exposed_total', 'Exposed', ['outcome']).inc({ outcome: 'ok' });
    const exposition = await metricsRegistry().metrics();
    expect(exposition).toContain('spec_exposed_total{outcome="ok",service="metrics-spec"} 1');
    expect(exposition).toMatch(/process_cpu_user_seconds_total\{service="metrics-spec"\}/);
    // A later name does not relabel: several apps may share one test process.
    useServiceLabel('other-service');
    expect(await metricsRegistry().metrics()).not.toContain('other-service');
  });
});
