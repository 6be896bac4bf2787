import type { OrderEntity } from '../../persistence/order.entity';
import { trackingUrl } from '../../domain/tracking-token';

export interface OrderResponse {
  orderId: string;
  externalOrderId: string;
  storefrontPlatform: string;
  /** CANCELLED, or the furthest production milestone this service has heard of. */
  status: string;
  trackingToken: string;
  trackingUrl: string;
  placedAt: string;
  buyer: OrderEntity['buyer'];
  shippingAddress: OrderEntity['shippingAddress'];
  lineItems: OrderEntity['lineItems'];
  fulfillmentCenterId: string | null;
  promisedDeliveryDate: string | null;
  packedAt: string | null;
  cancelledAt: string | null;
  cancellationReason: string | null;
  /** When the buyer's personal data was erased; buyer and address then hold nothing personal. */
  erasedAt: string | null;
  createdAt: string;
}

export function toOrderResponse(order: OrderEntity, trackingBaseUrl: string): OrderResponse {
  return {
    orderId: order.id,
    externalOrderId: order.externalOrderId,
    storefrontPlatform: order.storefrontPlatform,
    status: order.lifecycle === 'CANCELLED' ? 'CANCELLED' : order.progress,
    trackingToken: order.trackingToken,
    trackingUrl: trackingUrl(trackingBaseUrl, order.trackingToken),
    placedAt: order.placedAt.toISOString(),
    buyer: order.buyer,
    shippingAddress: order.shippingAddress,
    lineItems: order.lineItems,
    fulfillmentCenterId: order.fulfillmentCenterId,
    promisedDeliveryDate: order.promisedDeliveryDate,
    packedAt: order.packedAt?.toISOString() ?? null,
    cancelledAt: order.cancelledAt?.toISOString() ?? null,
    cancellationReason: order.cancellationReason,
    erasedAt: order.erasedAt?.toISOString() ?? null,
    createdAt: order.createdAt.toISOString(),
  };
}
