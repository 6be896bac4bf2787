import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { idFromPath } from '@tracking/http';
import { GetShipmentUseCase } from '../use-cases/get-shipment.use-case';
import { PollShipmentUseCase } from '../use-cases/poll-shipment.use-case';
import { SetManualStatusUseCase } from '../use-cases/set-manual-status.use-case';
import { ManualStatusRequest } from './dto/manual-status.request';
import { toShipmentResponse } from './dto/shipment.response';

@Controller('v1/shipments/:shipmentId')
@RequireTenantKind('merchant')
export class ShipmentsController {
  constructor(
    private readonly getShipment: GetShipmentUseCase,
    private readonly pollShipment: PollShipmentUseCase,
    private readonly setManualStatus: SetManualStatusUseCase,
  ) {}

  /** The shipment, its status and every scan with where it came from (webhook, poll, manual). */
  @Get()
  async get(@CurrentTenant() merchant: TenantPrincipal, @Param('shipmentId') shipmentId: string) {
    const { shipment, scans } = await this.getShipment.execute(
      merchant.id,
      idFromPath(shipmentId, 'shipment'),
    );
    return toShipmentResponse(shipment, scans);
  }

  /** Polls the carrier now: 409 when the carrier is not configured for polling, 503 when it is down. */
  @Post('retrack')
  @HttpCode(HttpStatus.OK)
  async retrack(@CurrentTenant() merchant: TenantPrincipal, @Param('shipmentId') shipmentId: string) {
    const id = idFromPath(shipmentId, 'shipment');
    const { newScans } = await this.pollShipment.execute(id, 'POLL', merchant.id);
    const { shipment, scans } = await this.getShipment.execute(merchant.id, id);
    return { newScans: newScans.length, shipment: toShipmentResponse(shipment, scans) };
  }

  /** Sets the status by hand when the carrier is wrong or silent; recorded and shown as manual. */
  @Post('status')
  @HttpCode(HttpStatus.CREATED)
  async setStatus(
    @CurrentTenant() merchant: TenantPrincipal,
    @Param('shipmentId') shipmentId: string,
    @Body() request: ManualStatusRequest,
  ) {
    const id = idFromPath(shipmentId, 'shipment');
    await this.setManualStatus.execute(merchant.id, id, request);
    const { shipment, scans } = await this.getShipment.execute(merchant.id, id);
    return toShipmentResponse(shipment, scans);
  }
}
