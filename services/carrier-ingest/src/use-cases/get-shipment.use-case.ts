import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError } from '@tracking/errors';
import type { DataSource } from 'typeorm';
import type { ScanEntity, ShipmentEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';

@Injectable()
export class GetShipmentUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: CarrierRepository,
  ) {}

  /** The merchant's own shipment only: any other is as unknown as one that does not exist. */
  async execute(
    merchantId: string,
    shipmentId: string,
  ): Promise<{ shipment: ShipmentEntity; scans: ScanEntity[] }> {
    const shipment = await this.repository.findShipment(this.dataSource.manager, shipmentId);
    if (!shipment || shipment.merchantId !== merchantId) throw new NotFoundError('shipment', shipmentId);
    return { shipment, scans: await this.repository.scansOf(this.dataSource.manager, shipmentId) };
  }
}
