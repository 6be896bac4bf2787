import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { ConflictError, NotFoundError } from '@tracking/errors';
import { OutboxWriter } from '@tracking/kafka';
import { decideCancellation } from '../../domain/order';
import { orderCancelledEvent } from '../../domain/order-events';
import type { OrderEntity } from '../../persistence/order.entity';
import { OrdersRepository } from '../../persistence/orders.repository';
import type { CancelOrderCommand } from './cancel-order.command';

@Injectable()
export class CancelOrderUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(command: CancelOrderCommand): Promise<OrderEntity> {
    return this.unitOfWork.run(async (tx) => {
      const order = await this.orders.findForUpdate(tx.manager, command.orderId, command.merchantId);
      if (!order) throw new NotFoundError('order', command.orderId);

      const decision = decideCancellation(order);
      if (!decision.allowed) {
        if (decision.alreadyCancelled) return order; // a repeated cancel is answered, not refused
        throw new ConflictError(decision.reason, { orderId: order.id, status: order.progress });
      }

      const now = new Date();
      order.lifecycle = 'CANCELLED';
      order.cancelledAt = now;
      order.cancellationReason = command.reason ?? null;
      const saved = await this.orders.save(tx.manager, order);
      await this.outbox.append(tx, [orderCancelledEvent(saved, command, now)]);
      return saved;
    });
  }
}
