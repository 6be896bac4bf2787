import { randomBytes, randomUUID } from 'node:crypto';
import {
  createEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  topicForEventType,
  trackingTokenHash,
  type CanonicalReasonCode,
  type EventEnvelope,
} from '@tracking/events';
import type { TestKafka } from '@tracking/testing';

/**
 * Factories for the facts tracking-api consumes, as upstream services publish them. Every fact
 * of one order carries that order's merchant, shipment and tracking number; what varies between
 * tests (places, reasons, the lag before a scan is recorded) is an option.
 */

export const MERCHANT = 'acme';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const VALID_UPS = '1Z999AA10123456784';
/** Fails the UPS check digit. */
export const MISTYPED_UPS = '1Z999AA10123456785';

export function ago(ms: number, now = Date.now()): Date {
  return new Date(now - ms);
}

export function daysAgo(days: number): Date {
  return ago(days * DAY);
}

export interface OrderFixture {
  orderId: string;
  merchantId: string;
  token: string;
  shipmentId: string;
  trackingNumber: string;
}

export function newOrder({
  merchantId = MERCHANT,
  trackingNumber = VALID_UPS,
}: { merchantId?: string; trackingNumber?: string } = {}): OrderFixture {
  return {
    orderId: randomUUID(),
    merchantId,
    token: randomBytes(24).toString('base64url'),
    shipmentId: randomUUID(),
    trackingNumber,
  };
}

export async function publish(kafka: TestKafka, ...events: EventEnvelope[]): Promise<void> {
  for (const event of events) {
    await kafka.publish(topicForEventType(event.type as never), [
      { key: event.orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) },
    ]);
  }
}

export interface OrderReceivedOptions {
  countryCode?: string;
  region?: string;
  /** A date (YYYY-MM-DD) the storefront promised; none by default. */
  promisedDeliveryDate?: string;
}

/**
 * An order from a Vietnamese buyer, as order-intake publishes it on the orders topic: the token
 * only as its hash, and nothing that identifies the buyer (that is buyerContactRecorded's).
 */
export function orderReceived(
  order: OrderFixture,
  placedAt: Date,
  { countryCode = 'VN', region = '', promisedDeliveryDate = '' }: OrderReceivedOptions = {},
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: placedAt,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'orderReceived',
      value: {
        externalOrderId: `#${order.orderId.slice(0, 6)}`,
        storefrontPlatform: 'SHOPIFY',
        placedAt: placedAt.toISOString(),
        lineItems: [{ externalLineItemId: '', sku: 'MUG', title: 'Mug', quantity: 1 }],
        fulfillmentCentreId: 'fc-1',
        promisedDeliveryDate,
        trackingTokenHash: trackingTokenHash(order.token),
        buyerLocale: 'vi-VN',
        destination: { countryCode, region },
      },
    },
  });
}

export interface BuyerContactOptions {
  firstName?: string;
  city?: string;
  countryCode?: string;
}

/**
 * The same order's buyer, on the buyer-contacts topic, with all the personal data a storefront
 * sends; order-intake publishes it with order.received, so either may arrive first.
 */
export function buyerContactRecorded(
  order: OrderFixture,
  { firstName = 'Linh', city = 'Hanoi', countryCode = 'VN' }: BuyerContactOptions = {},
  at = new Date(),
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: at,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'buyerContactRecorded',
      value: {
        buyer: {
          firstName,
          lastName: 'Nguyen',
          email: 'linh@example.com',
          phone: '+84901234567',
          locale: 'vi-VN',
          notificationPreferences: { email: true, sms: false },
        },
        shippingAddress: {
          lines: ['12 Ly Thuong Kiet'],
          city,
          region: '',
          postalCode: '100000',
          countryCode,
        },
        trackingToken: order.token,
      },
    },
  });
}

/** The order's order.received and its buyer's contact record, as order-intake publishes them together. */
export function orderPlaced(
  order: OrderFixture,
  placedAt: Date,
  options: OrderReceivedOptions & BuyerContactOptions = {},
): EventEnvelope[] {
  return [orderReceived(order, placedAt, options), buyerContactRecorded(order, options, placedAt)];
}

/** A merchant asked for the order's buyer to be erased. */
export function buyerErased(order: OrderFixture, requestId = `era_${randomUUID()}`): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: new Date(),
    source: { service: 'order-intake', upstream: 'merchant' },
    payload: { $case: 'buyerErased', value: { requestId } },
  });
}

export function orderCancelled(order: OrderFixture, at: Date): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: at,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: { $case: 'orderCancelled', value: { reason: 'buyer changed their mind', requestedBy: 'BUYER' } },
  });
}

/** A step at the fulfillment centre, recorded with the operator's name (which must never be shown). */
export function productionStep(
  order: OrderFixture,
  at: Date,
  step: 'PRODUCTION_STARTED' | 'PACKED',
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: at,
    source: { service: 'production-status', upstream: 'fc-1' },
    payload: {
      $case: 'productionStepRecorded',
      value: {
        step,
        state: step === 'PACKED' ? 'PACKED' : 'IN_PRODUCTION',
        reason: 'REASON_CODE_UNSPECIFIED',
        fulfillmentCentreId: 'fc-1',
        centreEventId: randomUUID(),
        facility: 'Hall B',
        station: 'press-3',
        operatorId: 'op-7 Tran Van Binh',
        note: '',
        shipments: [],
      },
    },
  });
}

export function shipmentRegistered(order: OrderFixture, at: Date): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    shipmentId: order.shipmentId,
    occurredAt: at,
    source: { service: 'production-status', upstream: 'fc-1' },
    payload: {
      $case: 'shipmentRegistered',
      value: {
        shipmentId: order.shipmentId,
        carrier: 'ups',
        trackingNumber: order.trackingNumber,
        serviceLevel: 'Ground',
      },
    },
  });
}

export interface CarrierScanOptions {
  /** Where the scan happened; Hanoi by default. */
  city?: string;
  /** The carrier's words; the state by default. */
  description?: string;
  reason?: CanonicalReasonCode;
  /** Seconds between the scan and our recording of it: a minute by default. */
  lagSeconds?: number;
  via?: 'WEBHOOK' | 'POLL' | 'MANUAL';
}

/** A UPS scan; a delivery comes with a signed proof of delivery. */
export function carrierScan(
  order: OrderFixture,
  at: Date,
  state: 'PICKED_UP' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION',
  { city = 'Hanoi', description = state, reason, lagSeconds = 60, via = 'WEBHOOK' }: CarrierScanOptions = {},
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    shipmentId: order.shipmentId,
    occurredAt: at,
    recordedAt: new Date(at.getTime() + lagSeconds * 1_000),
    source: { service: 'carrier-ingest', upstream: 'ups' },
    payload: {
      $case: 'carrierScanRecorded',
      value: {
        state,
        reason: reason ?? 'REASON_CODE_UNSPECIFIED',
        carrier: 'ups',
        trackingNumber: order.trackingNumber,
        rawCode: `UPS-${state.slice(0, 2)}`,
        rawDescription: description,
        location: { city, region: '', postalCode: '', countryCode: 'VN' },
        ...(state === 'DELIVERED'
          ? {
              proofOfDelivery: {
                signedBy: 'NGUYEN THI LINH',
                signatureUrl: '',
                photoUrl: 'https://carrier.example/pod/123.jpg',
                leftAt: 'front door',
              },
            }
          : {}),
        source: via,
        carrierEventId: randomUUID(),
      },
    },
  });
}

export interface NotificationOptions {
  channel: 'EMAIL' | 'SMS';
  outcome: 'SENT' | 'FAILED' | 'SKIPPED';
  detail: string;
  triggerState?: 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION';
}

export function notificationDispatched(
  order: OrderFixture,
  at: Date,
  { channel, outcome, detail, triggerState = 'OUT_FOR_DELIVERY' }: NotificationOptions,
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: at,
    recordedAt: at,
    source: { service: 'notification', upstream: channel.toLowerCase() },
    payload: {
      $case: 'notificationDispatched',
      value: {
        notificationId: randomUUID(),
        channel,
        triggerState,
        triggerReason: 'REASON_CODE_UNSPECIFIED',
        outcome,
        detail,
        providerMessageId: outcome === 'SENT' ? `msg-${randomUUID().slice(0, 8)}` : '',
        attempt: 1,
      },
    },
  });
}

/** An order in transit: received five days ago, made, packed, picked up in Hanoi, now in Da Nang. */
export function orderInTransit(order: OrderFixture): EventEnvelope[] {
  return [
    ...orderPlaced(order, daysAgo(5)),
    productionStep(order, daysAgo(4), 'PRODUCTION_STARTED'),
    productionStep(order, daysAgo(3), 'PACKED'),
    shipmentRegistered(order, daysAgo(3)),
    carrierScan(order, daysAgo(2), 'PICKED_UP', { description: 'Picked up' }),
    carrierScan(order, daysAgo(1), 'IN_TRANSIT', { description: 'Departed facility', city: 'Da Nang' }),
  ];
}
