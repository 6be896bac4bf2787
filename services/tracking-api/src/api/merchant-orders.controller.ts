import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { NotFoundError } from '@tracking/errors';
import { ListOrdersUseCase } from '../use-cases/list-orders.use-case';
import { ListOrdersQuery } from './dto/list-orders.query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    if (!UUID.test(orderId)) throw new NotFoundError('order', orderId);
    return this.listOrders.get(merchant.id, orderId.toLowerCase());
  }
}
