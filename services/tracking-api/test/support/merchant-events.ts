import { randomBytes, randomUUID } from 'node:crypto';
import {
  createEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  topicForEventType,
  type CanonicalReasonCode,
  type EventEnvelope,
} from '@tracking/events';
import type { TestKafka } from '@tracking/testing';

/**
 * Factories for the facts behind a merchant's metrics and evidence: every event of one order
 * carries that order's merchant, and each can say when it was recorded, so lags are exact.
 */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const VALID_UPS = '1Z999AA10123456784';
/** Fails the UPS check digit. */
export const MISTYPED_UPS = '1Z999AA10123456785';

export interface MerchantOrder {
  orderId: string;
  merchantId: string;
  token: string;
  shipmentId: string;
  trackingNumber: string;
}

export function merchantOrder(merchantId: string, trackingNumber = VALID_UPS): MerchantOrder {
  return {
    orderId: randomUUID(),
    merchantId,
    token: randomBytes(24).toString('base64url'),
    shipmentId: randomUUID(),
    trackingNumber,
  };
}

export function ago(ms: number, now = Date.now()): Date {
  return new Date(now - ms);
}

export async function publishAll(kafka: TestKafka, events: readonly EventEnvelope[]): Promise<void> {
  for (const event of events) {
    await kafka.publish(topicForEventType(event.type as never), [
      { key: event.orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) },
    ]);
  }
}

export function received(
  order: MerchantOrder,
  at: Date,
  { promisedDeliveryDate = '' }: { promisedDeliveryDate?: string } = {},
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: at,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'orderReceived',
      value: {
        externalOrderId: `#${order.orderId.slice(0, 6)}`,
        storefrontPlatform: 'SHOPIFY',
        placedAt: at.toISOString(),
        buyer: {
          firstName: 'Linh',
          lastName: 'Nguyen',
          email: 'linh@example.com',
          phone: '+84901234567',
          locale: 'vi-VN',
          notificationPreferences: { email: true, sms: true },
        },
        shippingAddress: {
          lines: ['12 Ly Thuong Kiet'],
          city: 'Hanoi',
          region: '',
          postalCode: '100000',
          countryCode: 'VN',
        },
        lineItems: [{ externalLineItemId: '', sku: 'MUG', title: 'Mug', quantity: 1 }],
        fulfillmentCentreId: 'fc-1',
        promisedDeliveryDate,
        trackingToken: order.token,
      },
    },
  });
}

export function cancelled(order: MerchantOrder, at: Date): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: at,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: { $case: 'orderCancelled', value: { reason: 'buyer changed their mind', requestedBy: 'BUYER' } },
  });
}

export function produced(
  order: MerchantOrder,
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

export function registered(order: MerchantOrder, at: Date): EventEnvelope {
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

export interface ScanOptions {
  city?: string;
  description?: string;
  reason?: CanonicalReasonCode;
  /** Seconds between the scan and our recording of it. */
  lagSeconds?: number;
  via?: 'WEBHOOK' | 'POLL' | 'MANUAL';
}

export function scanned(
  order: MerchantOrder,
  at: Date,
  state: 'PICKED_UP' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION',
  { city = 'Hanoi', description = state, reason, lagSeconds = 60, via = 'WEBHOOK' }: ScanOptions = {},
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

export function notified(
  order: MerchantOrder,
  at: Date,
  channel: 'EMAIL' | 'SMS',
  outcome: 'SENT' | 'FAILED' | 'SKIPPED',
  detail: string,
  triggerState: 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION' = 'OUT_FOR_DELIVERY',
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
