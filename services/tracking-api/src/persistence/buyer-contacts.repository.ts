import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@tracking/events';
import type { EntityManager } from 'typeorm';
import { carriesPersonalData, withoutPersonalData, type BuyerGreeting } from '../domain/personal-data';

/**
 * The buyer's greeting of each order (first name, destination city) and the marker of each
 * erased order. Neither is part of the projection nor rebuilt with it: the contacts topic has
 * finite retention, so a rebuild could not read them again, and an erasure must outlive any
 * replay of the topics kept for good.
 *
 * Callers hold the order's lock (the platform consumer takes it before any handler runs), so an
 * erasure and a fact of the same order never interleave.
 */
@Injectable()
export class BuyerContactsRepository {
  /**
   * Keeps the latest greeting of an order, whether its order.received came first or not; a
   * contact record of an erased order (published again, or redelivered once the inbox forgot it)
   * is ignored. Returns whether it was kept.
   */
  async recordGreeting(manager: EntityManager, orderId: string, greeting: BuyerGreeting): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO tracking_api.buyer_contacts (order_id, first_name, city, recorded_at)
       SELECT $1::uuid, $2::text, $3::text, now()
        WHERE NOT EXISTS (SELECT 1 FROM tracking_api.buyer_erasures WHERE order_id = $1::uuid)
       ON CONFLICT (order_id) DO UPDATE SET first_name = EXCLUDED.first_name, city = EXCLUDED.city,
         recorded_at = EXCLUDED.recorded_at
       RETURNING order_id`,
      [orderId, greeting.firstName, greeting.city],
    );
    return rows.length > 0;
  }

  /**
   * Removes everything personal kept about the order's buyer and marks the order erased; a
   * second erasure of the same order finds nothing more to remove and keeps the first marker.
   * Kept: the order's projection (no personal data in it), the rating without its comment, and
   * a delivery-change request's date and time window.
   */
  async erase(manager: EntityManager, orderId: string, requestId: string): Promise<void> {
    await manager.query(
      `WITH marked AS (
         INSERT INTO tracking_api.buyer_erasures (order_id, request_id, erased_at) VALUES ($1, $2, now())
         ON CONFLICT (order_id) DO NOTHING),
       greeting AS (DELETE FROM tracking_api.buyer_contacts WHERE order_id = $1),
       feedback AS (UPDATE tracking_api.feedback SET comment = NULL WHERE order_id = $1 AND comment IS NOT NULL)
       UPDATE tracking_api.delivery_change_requests SET request = request - 'address' - 'note'
        WHERE order_id = $1 AND (request ? 'address' OR request ? 'note')`,
      [orderId, requestId],
    );
    const stored: Array<{ envelope: EventEnvelope }> = await manager.query(
      `SELECT envelope FROM tracking_api.events
        WHERE order_id = $1 AND type IN ('order.delivery-change-requested', 'carrier.scan-recorded')`,
      [orderId],
    );
    const scrubbed = stored.flatMap(({ envelope }) =>
      carriesPersonalData(envelope) ? [withoutPersonalData(envelope)] : [],
    );
    if (scrubbed.length === 0) return;
    await manager.query(
      `UPDATE tracking_api.events e SET envelope = s.envelope
         FROM jsonb_array_elements($1::jsonb) AS s(envelope)
        WHERE e.event_id = (s.envelope->>'eventId')::uuid`,
      [JSON.stringify(scrubbed)],
    );
  }
}
