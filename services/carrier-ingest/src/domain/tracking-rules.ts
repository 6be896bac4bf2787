/**
 * carrier-ingest's own rules, free of Nest, TypeORM and Kafka: when a scan is the same scan,
 * how often a shipment is polled, and when tracking is over.
 */
import { createHash } from 'node:crypto';
import { isTerminal, type CanonicalState } from '@tracking/events';
import type { NormalizedScan } from '../carriers/carrier-adapter';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The same scan arriving by webhook and by poll, or twice, gets the same key: the carrier's own
 * event id where it gives one, else what the scan says happened, when and where.
 */
export function scanDedupeKey(scan: NormalizedScan): string {
  if (scan.carrierEventId) return `carrier:${scan.carrierEventId}`;
  const place = [scan.location?.city, scan.location?.postalCode, scan.location?.countryCode]
    .map((part) => (part ?? '').trim().toUpperCase())
    .join('|');
  const digest = createHash('sha256')
    .update(
      [
        scan.trackingNumber,
        scan.rawCode.trim().toUpperCase(),
        new Date(scan.occurredAt).toISOString(),
        place,
      ].join('\n'),
    )
    .digest('hex');
  return `scan:${digest}`;
}

/** Tracking is over once the state is final for a parcel, or the label is void. */
export function trackingIsClosed(state: string): boolean {
  return isTerminal(state as CanonicalState) || state === 'EXPIRED';
}

export interface CadenceInput {
  state: string;
  firstScanAt: Date | null;
  lastUpdateAt: Date;
  closed: boolean;
}

/**
 * When to ask the carrier next: often on the last leg, where buyers are watching; rarely once a
 * parcel has sat in transit for days; never once tracking is over.
 */
export function nextPollAt(
  { state, firstScanAt, lastUpdateAt, closed }: CadenceInput,
  now: Date,
): Date | null {
  if (closed) return null;
  const after = (ms: number) => new Date(now.getTime() + ms);
  switch (state) {
    case 'OUT_FOR_DELIVERY':
      return after(15 * MINUTE);
    case 'DELIVERY_ATTEMPTED':
    case 'AVAILABLE_FOR_PICKUP':
    case 'EXCEPTION':
      return after(HOUR);
  }
  if (!firstScanAt) return after(2 * HOUR);
  const quietFor = now.getTime() - lastUpdateAt.getTime();
  if (quietFor > 7 * DAY) return after(12 * HOUR);
  if (quietFor > 3 * DAY) return after(4 * HOUR);
  return after(HOUR);
}
