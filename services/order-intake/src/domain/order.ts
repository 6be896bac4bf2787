/**
 * Order-intake's own rules, free of Nest, TypeORM and Kafka so they can be read and tested
 * on their own.
 */
import { occurrenceProblem } from '@tracking/events';

export const STOREFRONT_PLATFORMS = ['shopify', 'etsy', 'tiktok_shop', 'woocommerce', 'custom'] as const;
export type StorefrontPlatform = (typeof STOREFRONT_PLATFORMS)[number];

export const NOTIFICATION_CHANNELS = ['email', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export interface SmsConsent {
  granted: boolean;
  recordedAt: string;
  source: string;
}

export interface Buyer {
  name: string;
  email?: string;
  phone?: string;
  locale: string;
  notificationChannels: NotificationChannel[];
  smsConsent?: SmsConsent;
}

export interface ShippingAddress {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

export interface LineItem {
  sku: string;
  title: string;
  quantity: number;
}

/** What the storefront submitted: the part that idempotency compares. */
export interface OrderSubmission {
  externalOrderId: string;
  storefrontPlatform: StorefrontPlatform;
  placedAt: string;
  buyer: Buyer;
  shippingAddress: ShippingAddress;
  lineItems: LineItem[];
  fulfillmentCenterId?: string;
  promisedDeliveryDate?: string;
}

export type OrderLifecycle = 'ACTIVE' | 'CANCELLED';

/** Production milestones this service tracks, in order; only PACKED changes what it allows. */
export const PRODUCTION_PROGRESS = [
  'ORDER_RECEIVED',
  'IN_PRODUCTION',
  'PRODUCTION_COMPLETED',
  'PACKED',
] as const;
export type ProductionProgress = (typeof PRODUCTION_PROGRESS)[number];

export interface CancellableOrder {
  lifecycle: OrderLifecycle;
  progress: ProductionProgress;
  packedAt: Date | null;
}

export type CancellationDecision =
  | { allowed: true }
  | { allowed: false; alreadyCancelled: true }
  | { allowed: false; alreadyCancelled: false; reason: string };

/**
 * Once a parcel is packed and labelled, stopping it is the carrier's business, not ours:
 * the cancellation is refused with a reason the storefront can show.
 */
export function decideCancellation(order: CancellableOrder): CancellationDecision {
  if (order.lifecycle === 'CANCELLED') return { allowed: false, alreadyCancelled: true };
  if (progressRank(order.progress) >= progressRank('PACKED')) {
    const when = order.packedAt ? ` at ${order.packedAt.toISOString()}` : '';
    return {
      allowed: false,
      alreadyCancelled: false,
      reason: `the order was packed${when} and can no longer be cancelled; ask the carrier to return it`,
    };
  }
  return { allowed: true };
}

export function progressRank(progress: ProductionProgress): number {
  return PRODUCTION_PROGRESS.indexOf(progress);
}

/** Progress only moves forward: a late or replayed production event never rolls it back. */
export function advanceProgress(
  current: ProductionProgress,
  reported: ProductionProgress,
): ProductionProgress {
  return progressRank(reported) > progressRank(current) ? reported : current;
}

/** The submission's own times, each checked against our clock by the one clock rule. */
export function submissionTimeViolations(
  submission: OrderSubmission,
  now: Date,
): Array<{ field: string; reason: string }> {
  const times: Array<[string, string | undefined]> = [
    ['placedAt', submission.placedAt],
    ['buyer.smsConsent.recordedAt', submission.buyer.smsConsent?.recordedAt],
  ];
  return times.flatMap(([field, value]) => {
    const problem = value === undefined ? undefined : occurrenceProblem(new Date(value), now);
    return problem ? [{ field, reason: problem.reason }] : [];
  });
}
