import {
  createEnvelope,
  OrderCancelled_RequestedBy,
  trackingTokenHash,
  StorefrontPlatform as EventStorefrontPlatform,
  type EnvelopeOf,
} from '@tracking/events';
import type { Buyer, OrderSubmission, ShippingAddress, StorefrontPlatform } from './order';

export const ORDER_INTAKE_SERVICE = 'order-intake';

/** What an event needs of an order: the stored submission plus the identity this service gave it. */
export interface AcceptedOrder extends Omit<
  OrderSubmission,
  'placedAt' | 'fulfillmentCenterId' | 'promisedDeliveryDate'
> {
  id: string;
  merchantId: string;
  placedAt: Date;
  fulfillmentCenterId: string | null;
  promisedDeliveryDate: string | null;
  trackingToken: string;
}

const PLATFORM_ON_THE_WIRE: Record<StorefrontPlatform, EventStorefrontPlatform> = {
  shopify: EventStorefrontPlatform.SHOPIFY,
  etsy: EventStorefrontPlatform.ETSY,
  tiktok_shop: EventStorefrontPlatform.TIKTOK_SHOP,
  woocommerce: EventStorefrontPlatform.WOOCOMMERCE,
  custom: EventStorefrontPlatform.CUSTOM,
};

/**
 * Storefronts send one name field; the schema splits it because notifications greet the buyer
 * by first name and the tracking page shows nothing more.
 */
export function splitBuyerName(name: string): { firstName: string; lastName: string } {
  const trimmed = name.trim();
  const space = trimmed.search(/\s/);
  if (space < 0) return { firstName: trimmed, lastName: '' };
  return { firstName: trimmed.slice(0, space), lastName: trimmed.slice(space).trim() };
}

function buyerOnTheWire(buyer: Buyer) {
  return {
    ...splitBuyerName(buyer.name),
    email: buyer.email ?? '',
    phone: buyer.phone ?? '',
    locale: buyer.locale,
    notificationPreferences: {
      email: buyer.notificationChannels.includes('email'),
      sms: buyer.notificationChannels.includes('sms'),
    },
    ...(buyer.smsConsent ? { smsConsent: { ...buyer.smsConsent } } : {}),
  };
}

function addressOnTheWire(address: ShippingAddress) {
  return {
    lines: [address.line1, ...(address.line2 ? [address.line2] : [])],
    city: address.city,
    region: address.region ?? '',
    postalCode: address.postalCode,
    countryCode: address.country,
  };
}

/**
 * The order happened when the buyer placed it; when the storefront got round to sending it is the
 * recording time. A storefront that submits late (a backfill, an outage) then shows as
 * information lag, and the order still comes first on its timeline. Nothing in it identifies or
 * reaches the buyer: its topic is kept for good (see `buyerContactEvent`).
 */
export function orderReceivedEvent(order: AcceptedOrder, acceptedAt: Date): EnvelopeOf<'orderReceived'> {
  return createEnvelope({
    orderId: order.id,
    merchantId: order.merchantId,
    occurredAt: order.placedAt,
    recordedAt: acceptedAt,
    source: { service: ORDER_INTAKE_SERVICE, upstream: order.storefrontPlatform },
    payload: {
      $case: 'orderReceived',
      value: {
        externalOrderId: order.externalOrderId,
        storefrontPlatform: PLATFORM_ON_THE_WIRE[order.storefrontPlatform],
        placedAt: order.placedAt.toISOString(),
        lineItems: order.lineItems.map((item) => ({
          externalLineItemId: '',
          sku: item.sku,
          title: item.title,
          quantity: item.quantity,
        })),
        fulfillmentCentreId: order.fulfillmentCenterId ?? '',
        promisedDeliveryDate: order.promisedDeliveryDate ?? '',
        trackingTokenHash: trackingTokenHash(order.trackingToken),
        buyerLocale: order.buyer.locale,
        destination: {
          countryCode: order.shippingAddress.country,
          region: order.shippingAddress.region ?? '',
        },
      },
    },
  });
}

/**
 * The buyer's contact details and tracking token, for the services that reach or greet the buyer,
 * on the buyer-contacts topic: finite retention, compacted by order id, erasable.
 */
export function buyerContactEvent(
  order: AcceptedOrder,
  acceptedAt: Date,
): EnvelopeOf<'buyerContactRecorded'> {
  return createEnvelope({
    orderId: order.id,
    merchantId: order.merchantId,
    occurredAt: order.placedAt,
    recordedAt: acceptedAt,
    source: { service: ORDER_INTAKE_SERVICE, upstream: order.storefrontPlatform },
    payload: {
      $case: 'buyerContactRecorded',
      value: {
        buyer: buyerOnTheWire(order.buyer),
        shippingAddress: addressOnTheWire(order.shippingAddress),
        trackingToken: order.trackingToken,
      },
    },
  });
}

/** Tells every service to delete what it keeps of the order's buyer. */
export function buyerErasedEvent(
  order: Pick<AcceptedOrder, 'id' | 'merchantId'>,
  requestId: string,
  erasedAt: Date,
): EnvelopeOf<'buyerErased'> {
  return createEnvelope({
    orderId: order.id,
    merchantId: order.merchantId,
    occurredAt: erasedAt,
    source: { service: ORDER_INTAKE_SERVICE },
    payload: { $case: 'buyerErased', value: { requestId } },
  });
}

export function orderCancelledEvent(
  order: Pick<AcceptedOrder, 'id' | 'merchantId'>,
  cancellation: { reason?: string; requestedBy: string },
  cancelledAt: Date,
): EnvelopeOf<'orderCancelled'> {
  return createEnvelope({
    orderId: order.id,
    merchantId: order.merchantId,
    occurredAt: cancelledAt,
    source: { service: ORDER_INTAKE_SERVICE, upstream: cancellation.requestedBy },
    payload: {
      $case: 'orderCancelled',
      value: { reason: cancellation.reason ?? '', requestedBy: OrderCancelled_RequestedBy.MERCHANT },
    },
  });
}
