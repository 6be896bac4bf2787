import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { DtoClass } from '../../libs/testing/src/http-routes';
import { ManualStatusRequest } from '../../services/carrier-ingest/src/api/dto/manual-status.request';
import { NotificationsQuery } from '../../services/notification/src/api/dto/notifications.query';
import { SettingsRequest } from '../../services/notification/src/api/dto/settings.request';
import {
  CancelOrderRequest,
  SubmitOrderRequest,
} from '../../services/order-intake/src/api/dto/submit-order.request';
import { ProductionEventRequest } from '../../services/production-status/src/api/dto/production-event.request';
import {
  DeliveryChangeRequest,
  FeedbackRequest,
} from '../../services/tracking-api/src/api/dto/buyer.requests';
import { EvidenceQuery } from '../../services/tracking-api/src/api/dto/evidence.query';
import { ListOrdersQuery } from '../../services/tracking-api/src/api/dto/list-orders.query';
import { MetricsQuery } from '../../services/tracking-api/src/api/dto/metrics.query';
import { junk, poisonText } from './bad-inputs';

const recently = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

/**
 * One valid input per DTO, for mutating one field at a time: a request that is right everywhere
 * else reaches the use case, where a bad value that validation let through would fail.
 */
const VALID_INPUTS = new Map<DtoClass, () => unknown>([
  [
    SubmitOrderRequest,
    () => ({
      externalOrderId: `F-${randomUUID().slice(0, 8)}`,
      storefrontPlatform: 'shopify',
      placedAt: recently(2),
      buyer: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+447700900123',
        locale: 'en-GB',
        notificationChannels: ['email', 'sms'],
        smsConsent: { granted: true, recordedAt: recently(2), source: 'checkout' },
      },
      shippingAddress: { line1: '12 Analytical Row', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
      lineItems: [{ sku: 'MUG-11OZ', title: 'Engine mug', quantity: 1 }],
      fulfillmentCenterId: 'fc-fuzz',
      promisedDeliveryDate: '2027-01-10',
    }),
  ],
  [CancelOrderRequest, () => ({ reason: 'buyer asked' })],
  [
    ProductionEventRequest,
    () => ({
      orderId: randomUUID(),
      eventId: `e-${randomUUID().slice(0, 8)}`,
      type: 'PACKED',
      occurredAt: recently(1),
      facility: 'Leeds',
      station: 'pack-3',
      operator: 'Ann',
      note: 'double boxed',
      shipments: [
        { carrier: 'ups', trackingNumber: '1Z999AA10123456784', serviceLevel: 'Ground', packageCount: 1 },
      ],
    }),
  ],
  [
    ManualStatusRequest,
    () => ({ state: 'DELIVERED', note: 'buyer confirmed by phone', occurredAt: recently(1) }),
  ],
  [
    SettingsRequest,
    () => ({
      senderName: 'Acme Prints',
      replyTo: 'help@acme.example',
      defaultLocale: 'en',
      timeZone: 'Europe/London',
      quietHours: { start: '21:00', end: '08:00' },
      feedbackRequestDelayMinutes: 60,
      feedbackUrl: 'https://acme.example/feedback',
      messages: { shipped: { enabled: true, channels: ['email'] } },
      webhook: { rotateSecret: false },
      templates: { shipped: { en: { subject: 'On its way', sms: 'Order {{orderNumber}} shipped' } } },
    }),
  ],
  [FeedbackRequest, () => ({ rating: 4, comment: 'kept informed' })],
  [
    DeliveryChangeRequest,
    () => ({
      address: { line1: '1 New St', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
      preferredDate: '2027-01-12',
      preferredTimeWindow: '09:00-12:00',
      note: 'leave with neighbour',
    }),
  ],
  [ListOrdersQuery, () => ({ status: 'DELIVERED', carrier: 'ups', limit: '10' })],
  [MetricsQuery, () => ({ from: recently(48), to: recently(1) })],
  [EvidenceQuery, () => ({ format: 'json' })],
  [NotificationsQuery, () => ({ orderId: randomUUID() })],
]);

export function validInputOf(type: DtoClass | undefined): unknown {
  return type ? VALID_INPUTS.get(type)?.() : undefined;
}

/** Every place in a value: each property and array item, objects and leaves alike. */
function placesIn(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [
    [...prefix, key],
    ...placesIn(item, [...prefix, key]),
  ]);
}

function replaced(value: unknown, [head, ...rest]: string[], by: { set: unknown } | 'remove'): unknown {
  if (head === undefined) return by === 'remove' ? undefined : by.set;
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ([...value] as never)
    : { ...(value as object) };
  const next = replaced(copy[head], rest, by);
  if (next === undefined && rest.length === 0) delete copy[head];
  else copy[head] = next;
  return copy;
}

export type Mutation = { place: string[]; to: { set: unknown } | 'remove' };

/** A valid input with one place changed: bad text (always refused), null, junk, or left out. */
export function mutationsOf(valid: () => unknown): fc.Arbitrary<{ value: unknown; mutation: Mutation }> {
  const places = placesIn(valid());
  const to = fc.oneof(
    { arbitrary: poisonText.map((set) => ({ set })), weight: 3 },
    { arbitrary: fc.constant({ set: null }), weight: 2 },
    { arbitrary: junk.map((set) => ({ set })), weight: 2 },
    { arbitrary: fc.constant<'remove'>('remove'), weight: 1 },
  );
  return fc
    .tuple(fc.constantFrom(...places), to)
    .map(([place, change]) => ({ value: replaced(valid(), place, change), mutation: { place, to: change } }));
}
