import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { ConflictError, ValidationFailedError } from '@tracking/errors';
import { createEnvelope, milestoneRank, type CanonicalState } from '@tracking/events';
import { OutboxWriter } from '@tracking/kafka';
import type { DeliveryChangeRequest, FeedbackRequest } from '../api/dto/buyer.requests';
import type { TrackedOrder } from './track-order.use-case';
import { TRACKING_API_SERVICE } from './order-projector';

// Once a parcel is on the last leg (or past it), there is nothing left to change.
const LAST_LEG_RANK = milestoneRank('OUT_FOR_DELIVERY');
const FINAL_STATES: ReadonlySet<string> = new Set(['DELIVERED', 'RETURNING', 'RETURNED', 'CANCELLED']);

@Injectable()
export class BuyerRequestsUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Feedback once delivered; a second submission replaces the first. */
  async leaveFeedback(order: TrackedOrder, request: FeedbackRequest) {
    if (order.state !== 'DELIVERED') {
      throw new ConflictError('feedback can be left once the order is delivered', { state: order.state });
    }
    const submittedAt = new Date();
    await this.unitOfWork.run((tx) =>
      tx.manager.query(
        `INSERT INTO tracking_api.feedback (order_id, rating, comment, submitted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id) DO UPDATE SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, submitted_at = EXCLUDED.submitted_at`,
        [order.orderId, request.rating, request.comment ?? null, submittedAt],
      ),
    );
    return { rating: request.rating, submittedAt: submittedAt.toISOString() };
  }

  /** Recorded and published for the merchant, who arranges it with the carrier. */
  async requestDeliveryChange(order: TrackedOrder, request: DeliveryChangeRequest) {
    const rank = order.view.status.milestone
      ? milestoneRank(order.view.status.milestone as CanonicalState)
      : 0;
    if (rank >= LAST_LEG_RANK || FINAL_STATES.has(order.state)) {
      throw new ConflictError(
        'the order is already out for delivery or past it; contact the carrier or the shop',
        {
          state: order.state,
        },
      );
    }
    if (request.preferredDate && Number.isNaN(Date.parse(`${request.preferredDate}T00:00:00Z`))) {
      throw new ValidationFailedError('preferredDate is not a real date', [
        { field: 'preferredDate', reason: 'must be a real calendar date' },
      ]);
    }
    const requestId = randomUUID();
    const requestedAt = new Date();
    await this.unitOfWork.run(async (tx) => {
      await tx.manager.query(
        `INSERT INTO tracking_api.delivery_change_requests (id, order_id, request, requested_at) VALUES ($1, $2, $3, $4)`,
        [requestId, order.orderId, JSON.stringify(request), requestedAt],
      );
      const merchantRows: Array<{ merchant_id: string }> = await tx.manager.query(
        `SELECT merchant_id FROM tracking_api.orders WHERE order_id = $1`,
        [order.orderId],
      );
      await this.outbox.append(tx, [
        createEnvelope({
          orderId: order.orderId,
          merchantId: merchantRows[0]!.merchant_id,
          occurredAt: requestedAt,
          source: { service: TRACKING_API_SERVICE, upstream: 'tracking-page' },
          payload: {
            $case: 'deliveryChangeRequested',
            value: {
              requestId,
              ...(request.address
                ? {
                    newAddress: {
                      lines: [
                        request.address.line1,
                        ...(request.address.line2 ? [request.address.line2] : []),
                      ],
                      city: request.address.city,
                      region: request.address.region ?? '',
                      postalCode: request.address.postalCode,
                      countryCode: request.address.country.toUpperCase(),
                    },
                  }
                : {}),
              preferredDate: request.preferredDate ?? '',
              preferredTimeWindow: request.preferredTimeWindow ?? '',
              note: request.note ?? '',
            },
          },
        }),
      ]);
    });
    return { requestId, status: 'REQUESTED', requestedAt: requestedAt.toISOString() };
  }
}
