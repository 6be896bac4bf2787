import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrderEntity } from './order.entity';

/** Every query is scoped by merchant where a merchant asks: one tenant never sees another's orders. */
@Injectable()
export class OrdersRepository {
  /** Inserts unless (merchant, external order id) exists; returns whether this call created it. */
  async insertIfAbsent(manager: EntityManager, order: OrderEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(OrderEntity)
      .values(order)
      .orIgnore()
      .returning(['id'])
      .execute();
    return result.raw.length > 0;
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
}
