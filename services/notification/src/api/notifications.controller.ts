import { Controller, Get, Query } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { ListNotificationsUseCase } from '../use-cases/list-notifications';
import { NotificationsQuery } from './dto/notifications.query';
import { toNotificationsResponse } from './dto/notifications.response';

@Controller('v1/notifications')
@RequireTenantKind('merchant')
export class NotificationsController {
  constructor(private readonly listNotifications: ListNotificationsUseCase) {}

  /** The delivery log of one of the merchant's orders; 404 for an order that is not its own. */
  @Get()
  async list(@CurrentTenant() merchant: TenantPrincipal, @Query() query: NotificationsQuery) {
    return toNotificationsResponse(
      await this.listNotifications.execute(merchant.id, query.orderId.toLowerCase()),
    );
  }
}
