import { randomUUID } from 'node:crypto';
import { checkpointTime } from '../../bench/lib/webhooks';

/** One carrier checkpoint of a journey, in AfterShip's tags, and the state it stands for. */
export interface ScanPlan {
  tag: string;
  subtag: string;
  state: 'PICKED_UP' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED';
  message: string;
}

/** The carrier leg every journey takes: accepted, moved, out for delivery, delivered. */
export const SCANS: readonly ScanPlan[] = [
  { tag: 'InTransit', subtag: 'InTransit_002', state: 'PICKED_UP', message: 'Picked up by the carrier' },
  { tag: 'InTransit', subtag: 'InTransit_003', state: 'IN_TRANSIT', message: 'Arrived at facility' },
  {
    tag: 'OutForDelivery',
    subtag: 'OutForDelivery_001',
    state: 'OUT_FOR_DELIVERY',
    message: 'Out for delivery',
  },
  { tag: 'Delivered', subtag: 'Delivered_001', state: 'DELIVERED', message: 'Delivered' },
];

/**
 * An AfterShip `tracking_update` carrying one checkpoint, in the shape of bench/lib/webhooks.ts
 * but for any tag. Its `event_id` and bytes are fixed once built, so a retry of the same body is
 * the same delivery (carrier-ingest answers a replay 200 and stores it once).
 */
export function checkpointWebhookBody(trackingNumber: string, at: Date, plan: ScanPlan): string {
  const checkpoint = {
    slug: 'ups',
    checkpoint_time: checkpointTime(at),
    city: 'Louisville',
    state: 'KY',
    zip: '40213',
    country_iso3: 'USA',
    location: 'Louisville, KY, USA',
    message: plan.message,
    tag: plan.tag,
    subtag: plan.subtag,
    raw_tag: plan.subtag,
  };
  return JSON.stringify({
    event: 'tracking_update',
    event_id: randomUUID(),
    msg: {
      id: randomUUID().replace(/-/g, ''),
      tracking_number: trackingNumber,
      slug: 'ups',
      tag: plan.tag,
      subtag: plan.subtag,
      checkpoints: [checkpoint],
    },
    ts: Math.floor(Date.now() / 1_000),
  });
}
