import { ValidationFailedError } from '@tracking/errors';
import { metricsPeriod } from './merchant-metrics.use-case';

const NOW = new Date('2026-12-01T12:00:00.000Z');

describe('metricsPeriod', () => {
  it('defaults to the 30 days up to now, or before the given end', () => {
    expect(metricsPeriod({}, NOW)).toEqual({ from: new Date('2026-11-01T12:00:00.000Z'), to: NOW });
    expect(metricsPeriod({ to: '2026-06-30T00:00:00Z' }, NOW)).toEqual({
      from: new Date('2026-05-31T00:00:00.000Z'),
      to: new Date('2026-06-30T00:00:00.000Z'),
    });
    expect(metricsPeriod({ from: '2026-11-20' }, NOW)).toEqual({
      from: new Date('2026-11-20T00:00:00.000Z'),
      to: NOW,
    });
  });

  it('refuses a period that ends before it starts or spans more than 366 days', () => {
    const refusal = (query: { from?: string; to?: string }) => {
      try {
        metricsPeriod(query, NOW);
      } catch (error) {
        return error instanceof ValidationFailedError ? error.violations : error;
      }
      return undefined;
    };
    expect(refusal({ from: '2026-11-02', to: '2026-11-01' })).toEqual([
      { field: 'from', reason: 'must not be after to' },
    ]);
    expect(refusal({ from: '2025-01-01', to: '2026-01-03' })).toEqual([
      { field: 'from', reason: 'must be at most 366 days before to' },
    ]);
    expect(refusal({ from: '2025-01-01', to: '2026-01-02' })).toBeUndefined();
  });
});
