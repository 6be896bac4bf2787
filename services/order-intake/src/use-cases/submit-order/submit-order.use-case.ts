import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { ConflictError, TrackingError, ValidationFailedError } from '@tracking/errors';
import { OutboxWriter } from '@tracking/kafka';
import { submissionTimeViolations } from '../../domain/order';
import { buyerContactEvent, orderReceivedEvent } from '../../domain/order-events';
import { submissionFingerprint } from '../../domain/submission-fingerprint';
import { newTrackingToken } from '../../domain/tracking-token';
import { OrderEntity } from '../../persistence/order.entity';
import { OrdersRepository } from '../../persistence/orders.repository';
import type { SubmitOrderCommand } from './submit-order.command';

export interface SubmitOrderResult {
  order: OrderEntity;
  /** False when this was a storefront's retry of an order already accepted. */
  created: boolean;
}

@Injectable()
export class SubmitOrderUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute({ merchantId, submission }: SubmitOrderCommand): Promise<SubmitOrderResult> {
    const violations = submissionTimeViolations(submission, new Date());
    if (violations.length > 0) {
      throw new ValidationFailedError(
        `${violations.map((violation) => violation.field).join(', ')} cannot be right`,
        violations,
      );
    }
    const fingerprint = submissionFingerprint(submission);
    return this.unitOfWork.run(async (tx) => {
      const now = new Date();
      const candidate = Object.assign(new OrderEntity(), {
        id: randomUUID(),
        merchantId,
        externalOrderId: submission.externalOrderId,
        storefrontPlatform: submission.storefrontPlatform,
        placedAt: new Date(submission.placedAt),
        buyer: submission.buyer,
        shippingAddress: submission.shippingAddress,
        lineItems: submission.lineItems,
        fulfillmentCenterId: submission.fulfillmentCenterId ?? null,
        promisedDeliveryDate: submission.promisedDeliveryDate ?? null,
        trackingToken: newTrackingToken(),
        submissionFingerprint: fingerprint,
        lifecycle: 'ACTIVE',
        progress: 'ORDER_RECEIVED',
        packedAt: null,
        cancelledAt: null,
        cancellationReason: null,
        erasedAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      } satisfies OrderEntity);

      // A concurrent duplicate waits on the unique index here and then inserts nothing.
      if (await this.orders.insertIfAbsent(tx.manager, candidate)) {
        await this.outbox.append(tx, [orderReceivedEvent(candidate, now), buyerContactEvent(candidate, now)]);
        return { order: candidate, created: true };
      }

      const existing = await this.orders.findByExternalId(tx.manager, merchantId, submission.externalOrderId);
      if (!existing) {
        throw new TrackingError('INTERNAL', 'order vanished between insert conflict and read', {
          canRetry: true,
        });
      }
      if (existing.submissionFingerprint !== fingerprint) {
        throw new ConflictError(
          `order ${submission.externalOrderId} was already submitted with different content; ` +
            'submit changes under a new externalOrderId or cancel the original',
          { orderId: existing.id, externalOrderId: submission.externalOrderId },
        );
      }
      return { order: existing, created: false };
    });
  }
}
