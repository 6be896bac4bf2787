import { Controller, Get, Query } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { MerchantMetricsUseCase } from '../use-cases/merchant-metrics.use-case';
import { MetricsQuery } from './dto/metrics.query';

/** The seller's delivery performance, over its own orders only (METRICS.md defines each figure). */
@Controller('v1/metrics')
@RequireTenantKind('merchant')
export class MerchantMetricsController {
  constructor(private readonly metrics: MerchantMetricsUseCase) {}

  @Get()
  get(@CurrentTenant() merchant: TenantPrincipal, @Query() query: MetricsQuery) {
    return this.metrics.execute(merchant.id, query);
  }
}
