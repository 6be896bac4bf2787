import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError } from '@tracking/errors';
import type { DataSource } from 'typeorm';
import type { ScanEntity, ShipmentEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';
import { CarrierApiClient } from '../polling/carrier-api.client';
import { ScanLedger } from './scan-ledger';

/** Asks the carrier about one shipment now and records what is new. */
@Injectable()
export class PollShipmentUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
    private readonly api: CarrierApiClient,
    private readonly ledger: ScanLedger,
  ) {}

  async execute(
    shipmentId: string,
    source: 'POLL',
    merchantId?: string,
  ): Promise<{ shipment: ShipmentEntity; newScans: ScanEntity[] }> {
    const known = await this.repository.findShipment(this.dataSource.manager, shipmentId);
    if (!known || (merchantId !== undefined && known.merchantId !== merchantId))
      throw new NotFoundError('shipment', shipmentId);
    // The HTTP call happens outside any transaction: no row stays locked while a carrier thinks.
    const report = await this.api.track(known.carrier, known.trackingNumber);
    return this.unitOfWork.run(async (tx) => {
      // The same lock a webhook report for this number and a registration take, in the same order.
      await this.repository.lockTrackingNumbers(tx.manager, [known.trackingNumber]);
      const shipment = (await this.repository.lockShipment(tx.manager, shipmentId))!;
      shipment.pollFailures = 0;
      shipment.lastPollError = null;
      const newScans = await this.ledger.applyReport(tx, shipment, report, source);
      return { shipment, newScans };
    });
  }
}
