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

/** Small factories for the events tracking-api consumes, as upstream services publish them. */

export const MERCHANT = 'acme';
const DAY = 86_400_000;

export function daysAgo(days: number): Date {
  return new Date(Date.now() - days * DAY);
}

export interface OrderFixture {
  orderId: string;
  token: string;
  shipmentId: string;
}

export function newOrder(): OrderFixture {
  return { orderId: randomUUID(), token: randomBytes(24).toString('base64url'), shipmentId: randomUUID() };
}

export async function publish(kafka: TestKafka, ...events: EventEnvelope[]): Promise<void> {
  for (const event of events) {
    await kafka.publish(topicForEventType(event.type as never), [
      { key: event.orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) },
    ]);
  }
}

/** An order from a Vietnamese buyer, with all the personal data a storefront sends. */
export function orderReceived(
  order: OrderFixture,
  placedAt: Date,
  destination: { city?: string; countryCode?: string; firstName?: string } = {},
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: MERCHANT,
    occurredAt: placedAt,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'orderReceived',
      value: {
        externalOrderId: `#${order.orderId.slice(0, 6)}`,
        storefrontPlatform: 'SHOPIFY',
        placedAt: placedAt.toISOString(),
        buyer: {
          firstName: destination.firstName ?? 'Linh',
          lastName: 'Nguyen',
          email: 'linh@example.com',
          phone: '+84901234567',
          locale: 'vi-VN',
          notificationPreferences: { email: true, sms: false },
        },
        shippingAddress: {
          lines: ['12 Ly Thuong Kiet'],
          city: destination.city ?? 'Hanoi',
          region: '',
          postalCode: '100000',
          countryCode: destination.countryCode ?? 'VN',
        },
        lineItems: [{ externalLineItemId: '', sku: 'MUG', title: 'Mug', quantity: 1 }],
        fulfillmentCentreId: 'fc-1',
        promisedDeliveryDate: '',
        trackingToken: order.token,
      },
    },
  });
}

export function productionStep(
  order: OrderFixture,
  at: Date,
  step: 'PRODUCTION_STARTED' | 'PACKED',
  state: 'IN_PRODUCTION' | 'PACKED',
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: MERCHANT,
    occurredAt: at,
    source: { service: 'production-status' },
    payload: {
      $case: 'productionStepRecorded',
      value: {
        step,
        state,
        reason: 'REASON_CODE_UNSPECIFIED',
        fulfillmentCentreId: 'fc-1',
        centreEventId: randomUUID(),
        facility: '',
        station: '',
        operatorId: 'op-7',
        note: '',
        shipments: [],
      },
    },
  });
}

export function shipmentRegistered(order: OrderFixture, at: Date): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: MERCHANT,
    shipmentId: order.shipmentId,
    occurredAt: at,
    source: { service: 'production-status' },
    payload: {
      $case: 'shipmentRegistered',
      value: {
        shipmentId: order.shipmentId,
        carrier: 'ups',
        trackingNumber: '1Z999AA10123456784',
        serviceLevel: 'Ground',
      },
    },
  });
}

export function carrierScan(
  order: OrderFixture,
  at: Date,
  state: 'PICKED_UP' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION',
  description: string,
  city: string,
  reason: CanonicalReasonCode | 'REASON_CODE_UNSPECIFIED' = 'REASON_CODE_UNSPECIFIED',
): EventEnvelope {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: MERCHANT,
    shipmentId: order.shipmentId,
    occurredAt: at,
    source: { service: 'carrier-ingest', upstream: 'ups' },
    payload: {
      $case: 'carrierScanRecorded',
      value: {
        state,
        reason,
        carrier: 'ups',
        trackingNumber: '1Z999AA10123456784',
        rawCode: state,
        rawDescription: description,
        location: { city, region: '', postalCode: '', countryCode: 'VN' },
        source: 'WEBHOOK',
        carrierEventId: randomUUID(),
      },
    },
  });
}

/** An order in transit: received five days ago, made, packed, picked up in Hanoi, now in Da Nang. */
export function orderInTransit(order: OrderFixture): EventEnvelope[] {
  return [
    orderReceived(order, daysAgo(5)),
    productionStep(order, daysAgo(4), 'PRODUCTION_STARTED', 'IN_PRODUCTION'),
    productionStep(order, daysAgo(3), 'PACKED', 'PACKED'),
    shipmentRegistered(order, daysAgo(3)),
    carrierScan(order, daysAgo(2), 'PICKED_UP', 'Picked up', 'Hanoi'),
    carrierScan(order, daysAgo(1), 'IN_TRANSIT', 'Departed facility', 'Da Nang'),
  ];
}
