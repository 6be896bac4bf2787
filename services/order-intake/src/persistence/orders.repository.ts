import { Injectable } from '@nestjs/common';
import { rowsOf } from '@tracking/db';
import type { EntityManager } from 'typeorm';
import { OrderEntity } from './order.entity';

/** Every query is scoped by merchant where a merchant asks: one tenant never sees another's orders. */
@Injectable()
export class OrdersRepository {
  /**
   * Inserts unless (merchant, external order id) exists; returns whether this call created it.
   * Plain SQL: this is the hot path of order intake, and TypeORM's query builder cost more CPU
   * than the rest of the insert.
   */
  async insertIfAbsent(manager: EntityManager, order: OrderEntity): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO order_intake.orders (id, merchant_id, external_order_id, storefront_platform, placed_at, buyer,
         shipping_address, line_items, fulfillment_center_id, promised_delivery_date, tracking_token,
         submission_fingerprint, lifecycle, progress, packed_at, cancelled_at, cancellation_reason,
         created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
       ON CONFLICT (merchant_id, external_order_id) DO NOTHING
       RETURNING id`,
      [
        order.id,
        order.merchantId,
        order.externalOrderId,
        order.storefrontPlatform,
        order.placedAt,
        JSON.stringify(order.buyer),
        JSON.stringify(order.shippingAddress),
        JSON.stringify(order.lineItems),
        order.fulfillmentCenterId,
        order.promisedDeliveryDate,
        order.trackingToken,
        order.submissionFingerprint,
        order.lifecycle,
        order.progress,
        order.packedAt,
        order.cancelledAt,
        order.cancellationReason,
        order.createdAt,
        order.updatedAt,
        order.version,
      ],
    );
    return rows.length > 0;
  }

  findByExternalId(
    manager: EntityManager,
    merchantId: string,
    externalOrderId: string,
  ): Promise<OrderEntity | null> {
    return manager.findOne(OrderEntity, { where: { merchantId, externalOrderId } });
  }

  findForMerchant(manager: EntityManager, merchantId: string, orderId: string): Promise<OrderEntity | null> {
    return manager.findOne(OrderEntity, { where: { id: orderId, merchantId } });
  }

  /** Locks the row so a cancellation and a production event for the same order serialize. */
  findForUpdate(manager: EntityManager, orderId: string, merchantId?: string): Promise<OrderEntity | null> {
    return manager.findOne(OrderEntity, {
      where: merchantId ? { id: orderId, merchantId } : { id: orderId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  save(manager: EntityManager, order: OrderEntity): Promise<OrderEntity> {
    return manager.save(OrderEntity, order);
  }

  /**
   * Scrubs the buyer from the matching orders of one merchant in one statement and returns their
   * ids. What stays is what the order's facts need and identifies no one: the locale, the country
   * and region. A buyer is matched as the orders stored them (email lowercased at the edge).
   */
  async eraseBuyers(
    manager: EntityManager,
    merchantId: string,
    match: { orderId: string } | { email?: string; phone?: string },
    erasedAt: Date,
  ): Promise<string[]> {
    const [byOrder, byEmail, byPhone] =
      'orderId' in match
        ? [match.orderId, null, null]
        : [null, match.email?.toLowerCase() ?? null, match.phone ?? null];
    const rows = await rowsOf<{ id: string }>(
      manager,
      `UPDATE order_intake.orders
          SET buyer = jsonb_build_object('name', '', 'locale', buyer->'locale', 'notificationChannels', '[]'::jsonb),
              shipping_address = jsonb_strip_nulls(jsonb_build_object(
                'line1', '', 'city', '', 'postalCode', '',
                'country', shipping_address->'country', 'region', shipping_address->'region')),
              erased_at = coalesce(erased_at, $5),
              updated_at = $5,
              version = version + 1
        WHERE merchant_id = $1
          AND (id = $2::uuid OR buyer->>'email' = $3::text OR buyer->>'phone' = $4::text)
        RETURNING id`,
      [merchantId, byOrder, byEmail, byPhone, erasedAt],
    );
    return rows.map((row) => row.id);
  }
}
