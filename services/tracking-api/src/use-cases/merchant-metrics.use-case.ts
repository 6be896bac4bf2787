import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ValidationFailedError } from '@tracking/errors';
import { CANONICAL_STATES, type CanonicalState } from '@tracking/events';
import type { DataSource } from 'typeorm';
import type { MetricsQuery } from '../api/dto/metrics.query';

const DAY = 86_400_000;

/** A period is [from, to): 30 days up to now unless asked, a leap year at most. */
export const METRICS_PERIOD = { defaultDays: 30, maxDays: 366 } as const;

export interface MetricsPeriod {
  from: Date;
  to: Date;
}

export function metricsPeriod(query: MetricsQuery, now: Date): MetricsPeriod {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - METRICS_PERIOD.defaultDays * DAY);
  if (from > to) {
    throw new ValidationFailedError('from is after to', [{ field: 'from', reason: 'must not be after to' }]);
  }
  if (to.getTime() - from.getTime() > METRICS_PERIOD.maxDays * DAY) {
    throw new ValidationFailedError(`the period is longer than ${METRICS_PERIOD.maxDays} days`, [
      { field: 'from', reason: `must be at most ${METRICS_PERIOD.maxDays} days before to` },
    ]);
  }
  return { from, to };
}

export interface Distribution {
  /** How many orders (or scans) the figures are over. */
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface MerchantMetrics {
  period: { from: string; to: string };
  validTrackingRate: { rate: number | null; withValidTracking: number; packed: number };
  onTimeDeliveryRate: {
    rate: number | null;
    onTime: number;
    /** Delivered in the period with a target to measure against: the rate's denominator. */
    measured: number;
    delivered: number;
    /** Delivered but projected before targets were kept; rebuild the read model to include them. */
    withoutTarget: number;
  };
  ordersByStatus: { total: number; byState: Record<CanonicalState, number> };
  timePerStage: {
    receivedToPacked: Distribution;
    packedToFirstCarrierScan: Distribution;
    firstCarrierScanToDelivered: Distribution;
    receivedToDelivered: Distribution;
  };
  informationLag: {
    carrierScans: number;
    p50Seconds: number | null;
    p95Seconds: number | null;
    bySource: Record<
      'WEBHOOK' | 'POLL',
      { carrierScans: number; p50Seconds: number | null; p95Seconds: number | null }
    >;
  };
}

/**
 * When a delivery counts as on time: by the end (UTC) of the date the storefront promised, or
 * else by the end of the delivery window first estimated from the order alone (first_eta_to).
 * Not eta_to: that is revised on every scan and, once delivered, is the delivery day itself.
 */
const DELIVERY_TARGET_SQL = `CASE
    WHEN o.promised_delivery_date IS NOT NULL
      THEN ((o.promised_delivery_date + 1)::timestamp AT TIME ZONE 'UTC') - interval '1 millisecond'
    ELSE o.first_eta_to
  END`;

const seconds = (interval: string) => `extract(epoch FROM ${interval})::float8`;

function stageSql(name: string, start: string, end: string): string {
  // A stage counts in the period its end falls in, so a figure never changes for orders still under way.
  const ended = `o.${start} IS NOT NULL AND o.${end} >= $2 AND o.${end} < $3`;
  const duration = seconds(`o.${end} - o.${start}`);
  return `count(*) FILTER (WHERE ${ended}) AS "${name}_count",
    percentile_cont(0.5) WITHIN GROUP (ORDER BY ${duration}) FILTER (WHERE ${ended}) AS "${name}_p50",
    percentile_cont(0.9) WITHIN GROUP (ORDER BY ${duration}) FILTER (WHERE ${ended}) AS "${name}_p90"`;
}

const STAGES = {
  receivedToPacked: ['received_at', 'packed_at'],
  packedToFirstCarrierScan: ['packed_at', 'first_carrier_scan_at'],
  firstCarrierScanToDelivered: ['first_carrier_scan_at', 'delivered_at'],
  receivedToDelivered: ['received_at', 'delivered_at'],
} as const;

type Row = Record<string, string | number | null>;

const count = (value: string | number | null | undefined) => Number(value ?? 0);
/** Seconds to the millisecond: percentile_cont interpolates, and more digits are noise. */
const secondsOf = (value: string | number | null | undefined) =>
  value === null || value === undefined ? null : Math.round(Number(value) * 1_000) / 1_000;
const ratio = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

/**
 * The merchant's delivery performance over a period. Every figure is over the merchant's own
 * orders only, and says what it counted, so a rate can be checked against its parts.
 */
@Injectable()
export class MerchantMetricsUseCase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(merchantId: string, query: MetricsQuery, now = new Date()): Promise<MerchantMetrics> {
    const { from, to } = metricsPeriod(query, now);
    const params = [merchantId, from, to];
    const inPeriod = (column: string) => `o.${column} >= $2 AND o.${column} < $3`;

    // Orders by when each stage ended. Valid tracking: of the orders packed in the period (and not
    // cancelled), those with a shipment whose tracking number passes the carrier's check and that
    // the carrier itself has scanned (webhook or poll; a manual entry proves nothing).
    const [orders] = await this.dataSource.query<Row[]>(
      `SELECT
         count(*) FILTER (WHERE ${inPeriod('packed_at')} AND o.state <> 'CANCELLED') AS packed,
         count(*) FILTER (WHERE ${inPeriod('packed_at')} AND o.state <> 'CANCELLED' AND o.valid_tracking) AS packed_valid,
         count(*) FILTER (WHERE ${inPeriod('delivered_at')}) AS delivered,
         count(*) FILTER (WHERE ${inPeriod('delivered_at')} AND target.deadline IS NOT NULL) AS delivered_measured,
         count(*) FILTER (WHERE ${inPeriod('delivered_at')} AND o.delivered_at <= target.deadline) AS delivered_on_time,
         ${Object.entries(STAGES)
           .map(([name, [start, end]]) => stageSql(name, start, end))
           .join(',\n         ')}
       FROM tracking_api.orders o
       CROSS JOIN LATERAL (SELECT ${DELIVERY_TARGET_SQL} AS deadline) AS target
       WHERE o.merchant_id = $1
         AND ((${inPeriod('packed_at')}) OR (${inPeriod('first_carrier_scan_at')}) OR (${inPeriod('delivered_at')}))`,
      params,
    );

    // Orders placed in the period by their status now, as the order list filters them.
    const states = await this.dataSource.query<Array<{ state: CanonicalState; orders: string }>>(
      `SELECT o.state, count(*) AS orders FROM tracking_api.orders o
        WHERE o.merchant_id = $1 AND ${inPeriod('placed_at')} GROUP BY o.state`,
      params,
    );

    // Information lag: recorded-at (our clock) minus occurred-at (the carrier's) of each carrier
    // scan recorded in the period.
    const lags = await this.dataSource.query<
      Array<{ source: string | null; scans: string; p50: number; p95: number }>
    >(
      `SELECT e.envelope #>> '{payload,value,source}' AS source, count(*) AS scans,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds('e.recorded_at - e.occurred_at')}) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY ${seconds('e.recorded_at - e.occurred_at')}) AS p95
         FROM tracking_api.events e
        WHERE e.merchant_id = $1 AND e.type = 'carrier.scan-recorded'
          AND e.recorded_at >= $2 AND e.recorded_at < $3
          AND e.envelope #>> '{payload,value,source}' IN ('WEBHOOK', 'POLL')
        GROUP BY GROUPING SETS ((e.envelope #>> '{payload,value,source}'), ())`,
      params,
    );

    const byState = Object.fromEntries(CANONICAL_STATES.map((state) => [state, 0])) as Record<
      CanonicalState,
      number
    >;
    for (const row of states) byState[row.state] = count(row.orders);
    const lagOf = (source: string | null) => {
      const row = lags.find((candidate) => candidate.source === source);
      return {
        carrierScans: count(row?.scans),
        p50Seconds: secondsOf(row?.p50),
        p95Seconds: secondsOf(row?.p95),
      };
    };
    const stage = (name: keyof typeof STAGES): Distribution => ({
      count: count(orders?.[`${name}_count`]),
      medianSeconds: secondsOf(orders?.[`${name}_p50`]),
      p90Seconds: secondsOf(orders?.[`${name}_p90`]),
    });
    const packed = count(orders?.packed);
    const withValidTracking = count(orders?.packed_valid);
    const delivered = count(orders?.delivered);
    const measured = count(orders?.delivered_measured);
    const onTime = count(orders?.delivered_on_time);
    return {
      period: { from: from.toISOString(), to: to.toISOString() },
      validTrackingRate: { rate: ratio(withValidTracking, packed), withValidTracking, packed },
      onTimeDeliveryRate: {
        rate: ratio(onTime, measured),
        onTime,
        measured,
        delivered,
        withoutTarget: delivered - measured,
      },
      ordersByStatus: { total: states.reduce((sum, row) => sum + count(row.orders), 0), byState },
      timePerStage: {
        receivedToPacked: stage('receivedToPacked'),
        packedToFirstCarrierScan: stage('packedToFirstCarrierScan'),
        firstCarrierScanToDelivered: stage('firstCarrierScanToDelivered'),
        receivedToDelivered: stage('receivedToDelivered'),
      },
      informationLag: {
        ...lagOf(null),
        bySource: { WEBHOOK: lagOf('WEBHOOK'), POLL: lagOf('POLL') },
      },
    };
  }
}
