import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError, ValidationFailedError } from '@tracking/errors';
import { occurrenceProblem, type CanonicalReasonCode, type CanonicalState } from '@tracking/events';
import { CarrierRepository } from '../persistence/carrier.repository';
import { ScanLedger } from './scan-ledger';

export interface ManualStatus {
  state: CanonicalState;
  reason?: CanonicalReasonCode;
  note: string;
  occurredAt?: string;
}

@Injectable()
export class SetManualStatusUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
    private readonly ledger: ScanLedger,
  ) {}

  /** A status a person vouches for, kept as a MANUAL scan beside the carrier's. */
  async execute(
    merchantId: string,
    shipmentId: string,
    status: ManualStatus,
    now = new Date(),
  ): Promise<void> {
    const occurredAt = status.occurredAt ? new Date(status.occurredAt) : now;
    const implausible = occurrenceProblem(occurredAt, now);
    if (implausible) {
      throw new ValidationFailedError('occurredAt cannot be right', [
        { field: 'occurredAt', reason: implausible.reason },
      ]);
    }
    await this.unitOfWork.run(async (tx) => {
      const known = await this.repository.findShipment(tx.manager, shipmentId);
      if (!known || known.merchantId !== merchantId) throw new NotFoundError('shipment', shipmentId);
      // A shipment's number never changes: its lock, then its row, as every path takes them.
      await this.repository.lockTrackingNumbers(tx.manager, [known.trackingNumber]);
      const shipment = (await this.repository.lockShipment(tx.manager, shipmentId))!;
      await this.ledger.applyFacts(
        tx,
        shipment,
        [
          {
            dedupeKey: `manual:${randomUUID()}`,
            source: 'MANUAL',
            state: status.state,
            ...(status.reason ? { reason: status.reason } : {}),
            rawCode: 'MANUAL',
            rawDescription: `set by merchant ${merchantId}`,
            note: status.note,
            recordedBy: `merchant:${merchantId}`,
            occurredAt,
          },
        ],
        now,
      );
    });
  }
}
