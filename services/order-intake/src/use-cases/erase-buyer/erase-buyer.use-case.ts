import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError } from '@tracking/errors';
import { OutboxWriter } from '@tracking/kafka';
import { buyerErasedEvent } from '../../domain/order-events';
import { OrdersRepository } from '../../persistence/orders.repository';
import type { EraseBuyerCommand } from './erase-buyer.command';

export interface EraseBuyerResult {
  requestId: string;
  /** The orders whose buyer is erased here and is being erased by every other service. */
  orderIds: string[];
}

/**
 * Erases the buyer's personal data here and tells every other service to do the same, in one
 * transaction: the rows are scrubbed and the `order.buyer-erased` events leave through the outbox
 * together, so an erasure is never half told. Running it again is harmless and tells again.
 */
@Injectable()
export class EraseBuyerUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(command: EraseBuyerCommand): Promise<EraseBuyerResult> {
    const requestId = randomUUID();
    return this.unitOfWork.run(async (tx) => {
      const erasedAt = new Date();
      const orderIds = await this.orders.eraseBuyers(
        tx.manager,
        command.merchantId,
        'orderId' in command ? { orderId: command.orderId } : command.buyer,
        erasedAt,
      );
      if ('orderId' in command && orderIds.length === 0) throw new NotFoundError('order', command.orderId);
      await this.outbox.forgetPublished(tx, orderIds, ['order.buyer-contact-recorded']);
      await this.outbox.append(
        tx,
        orderIds.map((orderId) =>
          buyerErasedEvent({ id: orderId, merchantId: command.merchantId }, requestId, erasedAt),
        ),
      );
      return { requestId, orderIds };
    });
  }
}
