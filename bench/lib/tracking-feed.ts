import { randomUUID } from 'node:crypto';
import { createEnvelope, type EventEnvelope, topicForEventType, trackingTokenHash } from '@tracking/events';
import { newTrackingToken } from '../../services/order-intake/src/domain/tracking-token';
import { shipmentRegisteredEnvelope } from './webhooks';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface FedOrder {
  orderId: string;
  token: string;
  shipmentId: string;
  trackingNumber: string;
}

/**
 * The facts of one order in transit, as the upstream services publish them (tracking-api's e2e
 * test shapes): received five days ago, started, completed and packed by production-status,
 * its UPS parcel registered, then picked up and scanned twice by carrier-ingest. Seven events,
 * a history of seven entries in the buyer's view.
 */
export function orderInTransit(order: FedOrder, merchantId: string, centre: string): EventEnvelope[] {
  const now = Date.now();
  const at = (daysAgo: number, hours = 0) => new Date(now - daysAgo * DAY + hours * HOUR);
  const step = (type: 'PRODUCTION_STARTED' | 'PRODUCTION_COMPLETED' | 'PACKED', when: Date) =>
    createEnvelope({
      orderId: order.orderId,
      merchantId,
      occurredAt: when,
      source: { service: 'production-status' },
      payload: {
        $case: 'productionStepRecorded',
        value: {
          step: type,
          state: type === 'PRODUCTION_STARTED' ? 'IN_PRODUCTION' : type,
          reason: 'REASON_CODE_UNSPECIFIED',
          fulfillmentCentreId: centre,
          centreEventId: randomUUID(),
          facility: 'Hanoi 1',
          station: type === 'PACKED' ? 'pack-2' : 'printer-4',
          operatorId: 'op-7',
          note: '',
          shipments: [],
        },
      },
    });
  const scan = (state: 'PICKED_UP' | 'IN_TRANSIT', when: Date, description: string, city: string) =>
    createEnvelope({
      orderId: order.orderId,
      merchantId,
      shipmentId: order.shipmentId,
      occurredAt: when,
      source: { service: 'carrier-ingest', upstream: 'ups' },
      payload: {
        $case: 'carrierScanRecorded',
        value: {
          state,
          reason: 'REASON_CODE_UNSPECIFIED',
          carrier: 'ups',
          trackingNumber: order.trackingNumber,
          rawCode: state === 'PICKED_UP' ? 'PU' : 'DP',
          rawDescription: description,
          location: { city, region: '', postalCode: '', countryCode: 'VN' },
          source: 'WEBHOOK',
          carrierEventId: randomUUID(),
        },
      },
    });
  const placedAt = at(5);
  return [
    createEnvelope({
      orderId: order.orderId,
      merchantId,
      occurredAt: placedAt,
      source: { service: 'order-intake', upstream: 'shopify' },
      payload: {
        $case: 'orderReceived',
        value: {
          externalOrderId: `#${order.orderId.slice(0, 6)}`,
          storefrontPlatform: 'SHOPIFY',
          placedAt: placedAt.toISOString(),
          lineItems: [{ externalLineItemId: '', sku: 'MUG-11OZ-WHITE', title: 'Custom mug', quantity: 2 }],
          fulfillmentCentreId: centre,
          promisedDeliveryDate: '',
          trackingTokenHash: trackingTokenHash(order.token),
          buyerLocale: 'vi-VN',
          destination: { countryCode: 'VN', region: '' },
        },
      },
    }),
    createEnvelope({
      orderId: order.orderId,
      merchantId,
      occurredAt: placedAt,
      source: { service: 'order-intake', upstream: 'shopify' },
      payload: {
        $case: 'buyerContactRecorded',
        value: {
          buyer: {
            firstName: 'Linh',
            lastName: 'Nguyen',
            email: 'linh@example.com',
            phone: '+84901234567',
            locale: 'vi-VN',
            notificationPreferences: { email: true, sms: false },
          },
          shippingAddress: {
            lines: ['12 Ly Thuong Kiet'],
            city: 'Hanoi',
            region: '',
            postalCode: '100000',
            countryCode: 'VN',
          },
          trackingToken: order.token,
        },
      },
    }),
    step('PRODUCTION_STARTED', at(4)),
    step('PRODUCTION_COMPLETED', at(4, 6)),
    step('PACKED', at(3)),
    shipmentRegisteredEnvelope(order, merchantId, at(3)),
    scan('PICKED_UP', at(2), 'Picked up', 'Hanoi'),
    scan('IN_TRANSIT', at(1), 'Departed facility', 'Da Nang'),
  ];
}

export function newFedOrder(trackingNumber: string): FedOrder {
  return { orderId: randomUUID(), token: newTrackingToken(), shipmentId: randomUUID(), trackingNumber };
}

/** The envelopes grouped by the topic each type is published on. */
export function byTopic(
  envelopes: readonly EventEnvelope[],
): Array<{ topic: string; envelopes: EventEnvelope[] }> {
  const topics: Record<string, EventEnvelope[]> = {};
  for (const envelope of envelopes) (topics[topicForEventType(envelope.type)] ??= []).push(envelope);
  return Object.entries(topics).map(([topic, list]) => ({ topic, envelopes: list }));
}
