import { Body, Controller, Get, Put } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { ManageSettingsUseCase } from '../use-cases/manage-settings';
import { SettingsRequest } from './dto/settings.request';

/** A merchant's notification settings; the webhook secret is shown to its owner only. */
@Controller('v1/settings')
@RequireTenantKind('merchant')
export class SettingsController {
  constructor(private readonly settings: ManageSettingsUseCase) {}

  @Get()
  get(@CurrentTenant() merchant: TenantPrincipal) {
    return this.settings.get(merchant.id);
  }

  /** 200 with the settings as stored; 422 naming each refused field, and nothing changes. */
  @Put()
  put(@CurrentTenant() merchant: TenantPrincipal, @Body() request: SettingsRequest) {
    return this.settings.update({ merchantId: merchant.id, request });
  }
}
