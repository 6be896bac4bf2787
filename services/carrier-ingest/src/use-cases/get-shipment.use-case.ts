import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError } from '@tracking/errors';
import type { ScanEntity, ShipmentEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';

@Injectable()
export class GetShipmentUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
  ) {}

  /**
   * The merchant's own shipment only: any other is as unknown as one that does not exist. The
   * shipment and its scans are read from one snapshot: a scan committing between two separate
   * reads showed the new scan beside the status from before it.
   */
  async execute(
    merchantId: string,
    shipmentId: string,
  ): Promise<{ shipment: ShipmentEntity; scans: ScanEntity[] }> {
    return this.unitOfWork.run(
      async (tx) => {
        const shipment = await this.repository.findShipment(tx.manager, shipmentId);
        if (!shipment || shipment.merchantId !== merchantId) throw new NotFoundError('shipment', shipmentId);
        return { shipment, scans: await this.repository.scansOf(tx.manager, shipmentId) };
      },
      { snapshot: true },
    );
  }
}
