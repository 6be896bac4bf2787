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
   * carrier reports that arrived for its number before it was registered. The number's lock is
   * taken first: a report being applied for it right now commits before this reads the waiting
   * ones, and a report arriving now waits until this shipment is committed and can be found.
   */
  async register(
    tx: TransactionContext,
    registration: ShipmentRegistration,
    now = new Date(),
  ): Promise<void> {
    const validation = validateTrackingNumber(registration.carrier, registration.trackingNumber);
    const carrier = registration.carrier.trim().toLowerCase();
    const trackingNumber = validation.valid
      ? validation.normalized
      : normalizeTrackingNumber(registration.trackingNumber);
    await this.repository.lockTrackingNumbers(tx.manager, [trackingNumber]);
    const shipment = await this.repository.insertShipmentIfAbsent(
      tx.manager,
      Object.assign(new ShipmentEntity(), {
        shipmentId: registration.shipmentId,
        orderId: registration.orderId,
        merchantId: registration.merchantId,
        carrier,
        trackingNumber,
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
    await this.applyWaitingReports(tx, [shipment], now);
  }

  /**
   * Applies the reports still waiting for these numbers to their live shipments, as registration
   * does: the sweep's way of catching up with a shipment that was registered without seeing them.
   * Returns how many reports were applied.
   */
  async applyReportsWaitingFor(
    tx: TransactionContext,
    trackingNumbers: readonly string[],
    now = new Date(),
  ): Promise<number> {
    await this.repository.lockTrackingNumbers(tx.manager, trackingNumbers);
    const shipments = await this.repository.lockShipmentsByNumbers(tx.manager, trackingNumbers);
    return this.applyWaitingReports(tx, shipments, now);
  }

  /** The caller holds the lock on every shipment's number. */
  private async applyWaitingReports(
    tx: TransactionContext,
    shipments: readonly ShipmentEntity[],
    now: Date,
  ): Promise<number> {
    if (shipments.length === 0) return 0;
    const waiting = await this.repository.takeUnmatched(
      tx.manager,
      shipments.map((shipment) => shipment.trackingNumber),
    );
    for (const shipment of shipments) {
      for (const report of waiting) {
        if (report.trackingNumber === shipment.trackingNumber)
          await this.ledger.applyReport(tx, shipment, report.report, report.source, now);
      }
    }
    return waiting.length;
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
