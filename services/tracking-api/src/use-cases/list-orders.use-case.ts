import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError, ValidationFailedError } from '@tracking/errors';
import type { DataSource } from 'typeorm';
import type { ListOrdersQuery } from '../api/dto/list-orders.query';
import { attentionReasonsSql, type AttentionReason } from '../domain/attention';
import type { PublicView } from '../domain/order-projection';
import { withBuyerGreeting } from '../domain/personal-data';
import {
  greetingOf,
  GREETING_COLUMNS,
  GREETING_JOIN,
  type GreetingColumns,
} from '../persistence/read-model.repository';

const DEFAULT_PERIOD_DAYS = 30;

interface ListedRow {
  order_id: string;
  external_order_id: string;
  placed_at: Date;
  state: string;
  state_reason: string | null;
  carriers: string[];
  eta_from: Date | null;
  eta_to: Date | null;
  packed_at: Date | null;
  first_carrier_scan_at: Date | null;
  delivered_at: Date | null;
  valid_tracking: boolean;
  attention: AttentionReason[];
}

function encodeCursor(row: Pick<ListedRow, 'placed_at' | 'order_id'>): string {
  return Buffer.from(`${row.placed_at.toISOString()}|${row.order_id}`).toString('base64url');
}

function decodeCursor(cursor: string): { placedAt: string; orderId: string } {
  const [placedAt, orderId] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!placedAt || !orderId || Number.isNaN(Date.parse(placedAt))) {
    throw new ValidationFailedError('cursor is not one this API gave', [
      { field: 'cursor', reason: 'use nextCursor from the previous page' },
    ]);
  }
  return { placedAt, orderId };
}

@Injectable()
export class ListOrdersUseCase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The merchant's own orders, newest first, filtered, with the attention reasons of each. */
  async list(merchantId: string, query: ListOrdersQuery, now = new Date()) {
    const to = query.to ? new Date(query.to) : now;
    // Without `from`, the 30 days up to `to`, so an older `to` alone still names a period.
    const from = query.from
      ? new Date(query.from)
      : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * 86_400_000);
    if (from > to)
      throw new ValidationFailedError('from is after to', [
        { field: 'from', reason: 'must not be after to' },
      ]);
    const limit = query.limit ?? 50;
    const params: unknown[] = [merchantId, from, to, now];
    const conditions = ['o.merchant_id = $1', 'o.placed_at >= $2', 'o.placed_at < $3'];
    if (query.status) conditions.push(`o.state = $${params.push(query.status)}`);
    if (query.carrier) conditions.push(`$${params.push(query.carrier.toLowerCase())} = ANY(o.carriers)`);
    const outer: string[] = [];
    if (query.requiresAttention === 'true') outer.push('cardinality(listed.attention) > 0');
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      outer.push(
        `(listed.placed_at, listed.order_id) < ($${params.push(cursor.placedAt)}::timestamptz, $${params.push(cursor.orderId)}::uuid)`,
      );
    }
    const rows: ListedRow[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT o.order_id, o.external_order_id, o.placed_at, o.state, o.state_reason, o.carriers, o.eta_from, o.eta_to,
                o.packed_at, o.first_carrier_scan_at, o.delivered_at, o.valid_tracking, ${attentionReasonsSql('$4')} AS attention
           FROM tracking_api.orders o
          WHERE ${conditions.join(' AND ')}
       ) AS listed
       ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''}
       ORDER BY listed.placed_at DESC, listed.order_id DESC
       LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      orders: page.map((row) => ({
        orderId: row.order_id,
        externalOrderId: row.external_order_id,
        placedAt: row.placed_at.toISOString(),
        status: { state: row.state, reason: row.state_reason },
        carriers: row.carriers,
        estimatedDelivery:
          row.eta_from && row.eta_to
            ? { from: row.eta_from.toISOString(), to: row.eta_to.toISOString() }
            : null,
        packedAt: row.packed_at?.toISOString() ?? null,
        shippedAt: row.first_carrier_scan_at?.toISOString() ?? null,
        deliveredAt: row.delivered_at?.toISOString() ?? null,
        validTracking: row.valid_tracking,
        requiresAttention: row.attention.length > 0,
        attentionReasons: row.attention,
      })),
      nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
    };
  }

  /** One of the merchant's orders with its timeline; anyone else's is as unknown as a missing one. */
  async get(merchantId: string, orderId: string, now = new Date()) {
    const rows: Array<
      { public_view: PublicView; attention: AttentionReason[]; valid_tracking: boolean } & GreetingColumns
    > = await this.dataSource.query(
      `SELECT o.public_view, o.valid_tracking, ${attentionReasonsSql('$3')} AS attention,
              ${GREETING_COLUMNS}
         FROM tracking_api.orders o ${GREETING_JOIN}
        WHERE o.order_id = $1 AND o.merchant_id = $2`,
      [orderId, merchantId, now],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('order', orderId);
    return {
      orderId,
      ...withBuyerGreeting(row.public_view, greetingOf(row)),
      validTracking: row.valid_tracking,
      attentionReasons: row.attention,
    };
  }
}
