import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { idFromPath } from '@tracking/http';
import type { Response } from 'express';
import { OrderIntakeConfig } from '../config/order-intake.config';
import { CancelOrderUseCase } from '../use-cases/cancel-order';
import { EraseBuyerUseCase } from '../use-cases/erase-buyer';
import { GetOrderUseCase } from '../use-cases/get-order';
import { SubmitOrderUseCase } from '../use-cases/submit-order';
import type { ErasureResponse } from './dto/erase-buyer.request';
import { type OrderResponse, toOrderResponse } from './dto/order.response';
import { CancelOrderRequest, SubmitOrderRequest } from './dto/submit-order.request';

@Controller('v1/orders')
@RequireTenantKind('merchant')
export class OrdersController {
  constructor(
    private readonly submitOrder: SubmitOrderUseCase,
    private readonly getOrder: GetOrderUseCase,
    private readonly cancelOrder: CancelOrderUseCase,
    private readonly eraseBuyer: EraseBuyerUseCase,
    private readonly config: OrderIntakeConfig,
  ) {}

  /** 201 for a new order; 200 with the same order when a storefront retries the same payload. */
  @Post()
  async submit(
    @CurrentTenant() merchant: TenantPrincipal,
    @Body() request: SubmitOrderRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderResponse> {
    const { order, created } = await this.submitOrder.execute({
      merchantId: merchant.id,
      submission: {
        externalOrderId: request.externalOrderId,
        storefrontPlatform: request.storefrontPlatform,
        placedAt: new Date(request.placedAt).toISOString(),
        buyer: {
          name: request.buyer.name,
          email: request.buyer.email?.toLowerCase(),
          phone: request.buyer.phone,
          locale: request.buyer.locale ?? 'en',
          notificationChannels: request.buyer.notificationChannels ?? (request.buyer.email ? ['email'] : []),
          smsConsent: request.buyer.smsConsent && { ...request.buyer.smsConsent },
        },
        shippingAddress: {
          ...request.shippingAddress,
          country: request.shippingAddress.country.toUpperCase(),
        },
        lineItems: request.lineItems.map(({ sku, title, quantity }) => ({ sku, title, quantity })),
        fulfillmentCenterId: request.fulfillmentCenterId,
        promisedDeliveryDate: request.promisedDeliveryDate,
      },
    });
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    if (created) response.location(`/v1/orders/${order.id}`);
    return toOrderResponse(order, this.config.PUBLIC_TRACKING_BASE_URL);
  }

  @Get(':orderId')
  async get(
    @CurrentTenant() merchant: TenantPrincipal,
    @Param('orderId') orderId: string,
  ): Promise<OrderResponse> {
    const order = await this.getOrder.execute({
      merchantId: merchant.id,
      orderId: idFromPath(orderId, 'order'),
    });
    return toOrderResponse(order, this.config.PUBLIC_TRACKING_BASE_URL);
  }

  @Post(':orderId/cancel')
  @HttpCode(HttpStatus.OK)
  async cancel(
    @CurrentTenant() merchant: TenantPrincipal,
    @Param('orderId') orderId: string,
    @Body() request: CancelOrderRequest,
  ): Promise<OrderResponse> {
    const order = await this.cancelOrder.execute({
      merchantId: merchant.id,
      orderId: idFromPath(orderId, 'order'),
      reason: request.reason,
      requestedBy: `merchant:${merchant.id}`,
    });
    return toOrderResponse(order, this.config.PUBLIC_TRACKING_BASE_URL);
  }

  /** 202: the order's buyer is erased here, and by every other service on the event published. */
  @Post(':orderId/erasure')
  @HttpCode(HttpStatus.ACCEPTED)
  async erase(
    @CurrentTenant() merchant: TenantPrincipal,
    @Param('orderId') orderId: string,
  ): Promise<ErasureResponse> {
    const { requestId, orderIds } = await this.eraseBuyer.execute({
      merchantId: merchant.id,
      orderId: idFromPath(orderId, 'order'),
    });
    return { requestId, status: 'accepted', orderIds };
  }
}
