import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { idFromPath } from '@tracking/http';
import { ListOrdersUseCase } from '../use-cases/list-orders.use-case';
import { ListOrdersQuery } from './dto/list-orders.query';

/** The seller's side: only the merchant's own orders. */
@Controller('v1/orders')
@RequireTenantKind('merchant')
export class MerchantOrdersController {
  constructor(private readonly listOrders: ListOrdersUseCase) {}

  @Get()
  list(@CurrentTenant() merchant: TenantPrincipal, @Query() query: ListOrdersQuery) {
    return this.listOrders.list(merchant.id, query);
  }

  @Get(':orderId')
  get(@CurrentTenant() merchant: TenantPrincipal, @Param('orderId') orderId: string) {
    return this.listOrders.get(merchant.id, idFromPath(orderId, 'order'));
  }
}
