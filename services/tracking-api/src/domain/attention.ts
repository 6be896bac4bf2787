/**
 * Why an order needs the merchant's attention. Evaluated in SQL at query time (they depend on
 * the clock); the thresholds live here so README, code and tests agree.
 */
export const ATTENTION_RULES = {
  /** Packed or shipped this long ago and still not delivered. */
  STALE_SHIPMENT: { days: 45 },
  /** Placed this long ago and no carrier has scanned it. */
  NOT_SHIPPED: { days: 7 },
  /** In an exception, after a failed attempt, or expired. */
  EXCEPTION: { states: ['EXCEPTION', 'DELIVERY_ATTEMPTED', 'EXPIRED'] },
  /** A label exists but no carrier scan came this long after packing. */
  NO_CARRIER_SCAN: { days: 2 },
  /** The estimated delivery window has passed. */
  LATE: {},
} as const;

export type AttentionReason = keyof typeof ATTENTION_RULES;

const CLOSED = `('CANCELLED', 'RETURNED', 'DELIVERED')`;

/** A SQL expression (over tracking_api.orders as `o`, with the clock as `$now`) giving the reasons that apply. */
export function attentionReasonsSql(now: string): string {
  const daysAgo = (days: number) => `(${now}::timestamptz - interval '${days} days')`;
  return `array_remove(ARRAY[
    CASE WHEN o.packed_at <= ${daysAgo(ATTENTION_RULES.STALE_SHIPMENT.days)} AND o.state NOT IN ${CLOSED} THEN 'STALE_SHIPMENT' END,
    CASE WHEN o.placed_at <= ${daysAgo(ATTENTION_RULES.NOT_SHIPPED.days)} AND o.first_carrier_scan_at IS NULL AND o.state NOT IN ${CLOSED} THEN 'NOT_SHIPPED' END,
    CASE WHEN o.state IN (${ATTENTION_RULES.EXCEPTION.states.map((state) => `'${state}'`).join(', ')}) THEN 'EXCEPTION' END,
    CASE WHEN o.packed_at <= ${daysAgo(ATTENTION_RULES.NO_CARRIER_SCAN.days)} AND o.first_carrier_scan_at IS NULL AND o.state NOT IN ${CLOSED} THEN 'NO_CARRIER_SCAN' END,
    CASE WHEN o.eta_to < ${now}::timestamptz AND o.state NOT IN ${CLOSED} THEN 'LATE' END
  ], NULL)`;
}
