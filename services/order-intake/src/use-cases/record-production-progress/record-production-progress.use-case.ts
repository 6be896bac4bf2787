import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import { NotFoundError } from '@tracking/errors';
import { advanceProgress } from '../../domain/order';
import { OrdersRepository } from '../../persistence/orders.repository';
import type { RecordProductionProgressCommand } from './record-production-progress.command';

/**
 * Keeps what this service needs to know of the factory floor: how far production got, so a
 * cancellation after packing is refused. Runs inside the consumer's transaction, which also
 * records the event id in the inbox, so a redelivered event changes nothing.
 */
@Injectable()
export class RecordProductionProgressUseCase {
  constructor(private readonly orders: OrdersRepository) {}

  async execute(tx: TransactionContext, command: RecordProductionProgressCommand): Promise<void> {
    const order = await this.orders.findForUpdate(tx.manager, command.orderId, command.merchantId);
    if (!order) throw new NotFoundError('order', command.orderId);

    if (command.reported === 'CANCELLED') {
      if (order.lifecycle === 'CANCELLED') return;
      order.lifecycle = 'CANCELLED';
      order.cancelledAt = command.occurredAt;
      order.cancellationReason = command.reason ?? 'cancelled in production';
    } else {
      const progress = advanceProgress(order.progress, command.reported);
      if (progress === order.progress) return;
      order.progress = progress;
      if (progress === 'PACKED') order.packedAt = command.occurredAt;
    }
    await this.orders.save(tx.manager, order);
  }
}
