import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError } from '@tracking/errors';
import type { DeliveryEntity, DeliveryLogEntity, NotificationEntity } from '../../persistence/entities';
import { NotificationRepository } from '../../persistence/notification.repository';

export interface OrderNotifications {
  orderId: string;
  notifications: NotificationEntity[];
  deliveries: DeliveryEntity[];
  log: DeliveryLogEntity[];
}

@Injectable()
export class ListNotificationsUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: NotificationRepository,
  ) {}

  /**
   * The order's notifications and delivery log; another merchant's order is not found, like an
   * unknown one. One snapshot, so a delivery's status and its log entry always agree.
   */
  execute(merchantId: string, orderId: string): Promise<OrderNotifications> {
    return this.unitOfWork.run(
      async (tx) => {
        const notifications = await this.repository.notificationsOfOrder(tx.manager, merchantId, orderId);
        if (notifications.length === 0) {
          const contact = await this.repository.contactOf(tx.manager, orderId);
          if (contact?.merchantId !== merchantId) throw new NotFoundError('order', orderId);
        }
        return {
          orderId,
          notifications,
          deliveries: await this.repository.deliveriesOfOrder(tx.manager, merchantId, orderId),
          log: await this.repository.logOfOrder(tx.manager, merchantId, orderId),
        };
      },
      { snapshot: true },
    );
  }
}
