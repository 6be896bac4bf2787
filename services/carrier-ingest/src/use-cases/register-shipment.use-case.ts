import { Inject, Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import { normalizeTrackingNumber, validateTrackingNumber } from '@tracking/tracking-numbers';
import { CARRIER_SETTINGS, type CarrierSettings } from '../config/carrier-settings';
import { ShipmentEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';
import { ScanLedger } from './scan-ledger';

export interface ShipmentRegistration {
  shipmentId: string;
  orderId: string;
  merchantId: string;
  carrier: string;
  trackingNumber: string;
  serviceLevel: string | null;
  registeredAt: Date;
}

@Injectable()
export class RegisterShipmentUseCase {
  constructor(
    private readonly repository: CarrierRepository,
    private readonly ledger: ScanLedger,
    @Inject(CARRIER_SETTINGS) private readonly carriers: ReadonlyMap<string, CarrierSettings>,
  ) {}

  /**
   * Starts tracking a shipment (polling it soon where its carrier is polled) and applies any
   * carrier reports that arrived for its number before it was registered.
   */
  async register(
    tx: TransactionContext,
    registration: ShipmentRegistration,
    now = new Date(),
  ): Promise<void> {
    const validation = validateTrackingNumber(registration.carrier, registration.trackingNumber);
    const carrier = registration.carrier.trim().toLowerCase();
    const shipment = await this.repository.insertShipmentIfAbsent(
      tx.manager,
      Object.assign(new ShipmentEntity(), {
        shipmentId: registration.shipmentId,
        orderId: registration.orderId,
        merchantId: registration.merchantId,
        carrier,
        trackingNumber: validation.valid
          ? validation.normalized
          : normalizeTrackingNumber(registration.trackingNumber),
        serviceLevel: registration.serviceLevel,
        registeredAt: registration.registeredAt,
        numberValid: validation.valid,
        state: 'PACKED',
        stateReason: null,
        stateOccurredAt: registration.registeredAt,
        firstScanAt: null,
        lastUpdateAt: registration.registeredAt,
        notFoundSince: null,
        notPickedUpRaisedAt: null,
        voidedAt: null,
        trackingClosedAt: null,
        nextPollAt: this.carriers.get(carrier)?.polling ? now : null,
        pollFailures: 0,
        lastPollError: null,
      } satisfies ShipmentEntity),
    );
    for (const waiting of await this.repository.takeUnmatched(tx.manager, shipment.trackingNumber)) {
      await this.ledger.applyReport(tx, shipment, waiting.report, waiting.source, now);
    }
  }

  /** A voided label will never move: stop tracking it. */
  async void(tx: TransactionContext, shipmentId: string, voidedAt: Date, now = new Date()): Promise<void> {
    const shipment = await this.repository.lockShipment(tx.manager, shipmentId);
    if (!shipment || shipment.voidedAt) return;
    shipment.voidedAt = voidedAt;
    shipment.trackingClosedAt = now;
    shipment.nextPollAt = null;
    await this.repository.saveShipment(tx.manager, shipment);
  }
}
