import { aggregatorWebhookBody } from '../../bench/lib/webhooks';

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

/** The body of one journey's checkpoint, as an aggregator pushes it (signed by the caller). */
export function checkpointWebhookBody(trackingNumber: string, at: Date, plan: ScanPlan): string {
  return aggregatorWebhookBody(trackingNumber, at, plan.message, plan.subtag, plan.tag);
}
