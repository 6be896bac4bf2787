import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError } from '@tracking/errors';
import type { DataSource } from 'typeorm';
import type { OrderEntity } from '../../persistence/order.entity';
import { OrdersRepository } from '../../persistence/orders.repository';

export interface GetOrderQuery {
  merchantId: string;
  orderId: string;
}

@Injectable()
export class GetOrderUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrdersRepository,
  ) {}

  /** Another merchant's order is reported as absent, not forbidden: its existence is not ours to reveal. */
  async execute({ merchantId, orderId }: GetOrderQuery): Promise<OrderEntity> {
    const order = await this.orders.findForMerchant(this.dataSource.manager, merchantId, orderId);
    if (!order) throw new NotFoundError('order', orderId);
    return order;
  }
}
