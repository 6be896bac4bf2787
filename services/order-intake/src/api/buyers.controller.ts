import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { EraseBuyerUseCase } from '../use-cases/erase-buyer';
import { EraseBuyerRequest, type ErasureResponse } from './dto/erase-buyer.request';

@Controller('v1/buyers')
@RequireTenantKind('merchant')
export class BuyersController {
  constructor(private readonly eraseBuyer: EraseBuyerUseCase) {}

  /** 202: every service erases the buyer on the events this publishes; the answer lists the orders. */
  @Post('erasure')
  @HttpCode(HttpStatus.ACCEPTED)
  async erase(
    @CurrentTenant() merchant: TenantPrincipal,
    @Body() request: EraseBuyerRequest,
  ): Promise<ErasureResponse> {
    const { requestId, orderIds } = await this.eraseBuyer.execute({
      merchantId: merchant.id,
      buyer: { email: request.email, phone: request.phone },
    });
    return { requestId, status: 'accepted', orderIds };
  }
}
