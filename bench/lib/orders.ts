import { randomBytes, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@tracking/events';
import { orderReceivedEvent } from '../../services/order-intake/src/domain/order-events';
import { newTrackingToken } from '../../services/order-intake/src/domain/tracking-token';

export const BENCH_MERCHANT = 'bench-merchant';

/** A valid POST /v1/orders body, the shape the order-intake e2e test submits. */
export function orderSubmission(externalOrderId: string) {
  return {
    externalOrderId,
    storefrontPlatform: 'shopify',
    placedAt: '2026-11-20T09:15:00Z',
    buyer: {
      name: 'Linh Nguyen',
      email: 'Linh@example.com',
      phone: '+84901234567',
      locale: 'vi-VN',
      notificationChannels: ['email', 'sms'],
      smsConsent: { granted: true, recordedAt: '2026-11-20T09:14:00Z', source: 'checkout' },
    },
    shippingAddress: {
      line1: '12 Ly Thuong Kiet',
      city: 'Hanoi',
      postalCode: '100000',
      country: 'vn',
    },
    lineItems: [{ sku: 'MUG-11OZ-WHITE', title: 'Custom mug', quantity: 2 }],
    fulfillmentCenterId: 'fc-hanoi-1',
    promisedDeliveryDate: '2026-12-02',
  };
}

/**
 * The ORDER_RECEIVED event order-intake emits for that submission, built by the service's own
 * builder so the relay benchmark moves messages of the real size. The service stamps the
 * request's trace context on each event, so a made-up one is added for the same bytes.
 */
export function orderReceivedEnvelope(externalOrderId: string): EventEnvelope {
  const envelope = orderReceivedEvent(
    {
      id: randomUUID(),
      merchantId: BENCH_MERCHANT,
      externalOrderId,
      storefrontPlatform: 'shopify',
      placedAt: new Date('2026-11-20T09:15:00Z'),
      buyer: {
        name: 'Linh Nguyen',
        email: 'linh@example.com',
        phone: '+84901234567',
        locale: 'vi-VN',
        notificationChannels: ['email', 'sms'],
        smsConsent: { granted: true, recordedAt: '2026-11-20T09:14:00Z', source: 'checkout' },
      },
      shippingAddress: { line1: '12 Ly Thuong Kiet', city: 'Hanoi', postalCode: '100000', country: 'VN' },
      lineItems: [{ sku: 'MUG-11OZ-WHITE', title: 'Custom mug', quantity: 2 }],
      fulfillmentCenterId: 'fc-hanoi-1',
      promisedDeliveryDate: '2026-12-02',
      trackingToken: newTrackingToken(),
    },
    new Date(),
  );
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  return { ...envelope, trace: { traceparent, tracestate: '' } };
}
