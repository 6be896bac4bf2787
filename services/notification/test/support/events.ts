import { randomBytes, randomUUID } from 'node:crypto';
import {
  createEnvelope,
  MILESTONE_RANKS,
  type CanonicalState,
  type EnvelopeOf,
  type MilestoneState,
  trackingTokenHash,
} from '@tracking/events';

export interface BuyerInput {
  firstName?: string;
  email?: string | null;
  phone?: string | null;
  locale?: string;
  wantsEmail?: boolean;
  wantsSms?: boolean;
  smsConsent?: boolean;
  country?: string;
  region?: string;
}

export interface OrderInput {
  orderId?: string;
  merchantId: string;
  externalOrderId?: string;
  occurredAt?: Date;
  buyer?: BuyerInput;
}

export interface PlacedOrder {
  orderId: string;
  merchantId: string;
  externalOrderId: string;
  trackingToken: string;
  /** order.received, with nothing of the buyer but their locale and where the order goes. */
  event: EnvelopeOf<'orderReceived'>;
  /** order.buyer-contact-recorded, published with it on the buyer-contacts topic. */
  contact: EnvelopeOf<'buyerContactRecorded'>;
}

let orderNumber = 1000;

/** An order as order-intake publishes it: order.received and its buyer's contact record. */
export function orderReceived(input: OrderInput): PlacedOrder {
  const orderId = input.orderId ?? randomUUID();
  const externalOrderId = input.externalOrderId ?? `#${(orderNumber += 1)}`;
  const trackingToken = randomBytes(24).toString('base64url');
  const buyer = input.buyer ?? {};
  const occurredAt = input.occurredAt ?? new Date();
  const event = createEnvelope({
    orderId,
    merchantId: input.merchantId,
    occurredAt,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'orderReceived',
      value: {
        externalOrderId,
        storefrontPlatform: 'SHOPIFY',
        placedAt: occurredAt.toISOString(),
        lineItems: [{ externalLineItemId: 'li-1', sku: 'MUG', title: 'Engine mug', quantity: 1 }],
        fulfillmentCentreId: 'fc-1',
        promisedDeliveryDate: '',
        trackingTokenHash: trackingTokenHash(trackingToken),
        buyerLocale: buyer.locale ?? 'en-GB',
        destination: { countryCode: buyer.country ?? 'GB', region: buyer.region ?? '' },
      },
    },
  });
  const order = { orderId, merchantId: input.merchantId, externalOrderId, trackingToken, occurredAt };
  return { ...order, event, contact: buyerContactRecorded(order, buyer) };
}

/** An order.buyer-contact-recorded as order-intake publishes it beside the order. */
export function buyerContactRecorded(
  order: Pick<PlacedOrder, 'orderId' | 'merchantId' | 'trackingToken'> & { occurredAt?: Date },
  buyer: BuyerInput = {},
): EnvelopeOf<'buyerContactRecorded'> {
  const occurredAt = order.occurredAt ?? new Date();
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'buyerContactRecorded',
      value: {
        buyer: {
          firstName: buyer.firstName ?? 'Ada',
          lastName: 'Lovelace',
          email:
            buyer.email === undefined
              ? `buyer-${order.orderId.slice(0, 8)}@example.com`
              : (buyer.email ?? ''),
          phone: buyer.phone === undefined ? '' : (buyer.phone ?? ''),
          locale: buyer.locale ?? 'en-GB',
          notificationPreferences: {
            email: buyer.wantsEmail ?? true,
            sms: buyer.wantsSms ?? Boolean(buyer.phone),
          },
          ...(buyer.smsConsent === undefined && !buyer.phone
            ? {}
            : {
                smsConsent: {
                  granted: buyer.smsConsent ?? true,
                  recordedAt: new Date(occurredAt.getTime() - 60_000).toISOString(),
                  source: 'checkout',
                },
              }),
        },
        shippingAddress: {
          lines: ['12 Analytical Row'],
          city: 'London',
          region: buyer.region ?? '',
          postalCode: 'N1 9GU',
          countryCode: buyer.country ?? 'GB',
        },
        trackingToken: order.trackingToken,
      },
    },
  });
}

/** An order.buyer-erased: the merchant asked for the order's buyer to be forgotten. */
export function buyerErased(
  order: Pick<PlacedOrder, 'orderId' | 'merchantId'>,
  requestId = `era_${randomUUID()}`,
): EnvelopeOf<'buyerErased'> {
  return createEnvelope({
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt: new Date(),
    source: { service: 'order-intake' },
    payload: { $case: 'buyerErased', value: { requestId } },
  });
}

export interface StatusInput {
  state: CanonicalState;
  /** The highest milestone; the state itself when it is one. */
  milestone?: MilestoneState;
  exception?: { state: CanonicalState; reason?: string };
  occurredAt?: Date;
  windowFrom?: Date;
  windowTo?: Date;
  late?: boolean;
  eventId?: string;
}

/** A tracking.status-changed as tracking-api publishes it. */
export function statusChanged(
  order: Pick<PlacedOrder, 'orderId' | 'merchantId'>,
  input: StatusInput,
): EnvelopeOf<'trackingStatusChanged'> {
  const milestone =
    input.milestone ?? (input.state in MILESTONE_RANKS ? (input.state as MilestoneState) : undefined);
  const occurredAt = (input.occurredAt ?? new Date()).toISOString();
  const decidingEventId = randomUUID();
  return createEnvelope({
    ...(input.eventId ? { eventId: input.eventId } : {}),
    orderId: order.orderId,
    merchantId: order.merchantId,
    occurredAt,
    source: { service: 'tracking-api' },
    payload: {
      $case: 'trackingStatusChanged',
      value: {
        order: {
          state: input.state,
          milestone: milestone ?? 'TRACKING_STATE_UNSPECIFIED',
          milestoneRank: milestone ? MILESTONE_RANKS[milestone] : 0,
          ...(input.exception
            ? {
                activeException: {
                  state: input.exception.state,
                  reason: (input.exception.reason ?? 'REASON_CODE_UNSPECIFIED') as never,
                  eventId: decidingEventId,
                  occurredAt,
                  shipmentId: '',
                },
              }
            : {}),
          decidingEventId,
          occurredAt,
          recordedAt: new Date().toISOString(),
          informationLagMs: 0,
        },
        shipments: [],
        shipmentCount: 1,
        deliveredCount: input.state === 'DELIVERED' ? 1 : 0,
        partiallyDelivered: false,
        decidingShipmentId: '',
        previousState: 'TRACKING_STATE_UNSPECIFIED',
        ...(input.windowTo
          ? {
              estimatedDeliveryFrom: (input.windowFrom ?? input.windowTo).toISOString(),
              estimatedDeliveryTo: input.windowTo.toISOString(),
            }
          : {}),
        late: input.late ?? false,
      },
    },
  });
}

export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}
