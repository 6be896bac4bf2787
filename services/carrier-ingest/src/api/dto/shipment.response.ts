import { carrierTrackingUrl, isCarrierCode } from '@tracking/tracking-numbers';
import type { ScanEntity, ShipmentEntity } from '../../persistence/entities';

export function toShipmentResponse(shipment: ShipmentEntity, scans: readonly ScanEntity[]) {
  return {
    shipmentId: shipment.shipmentId,
    orderId: shipment.orderId,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    trackingUrl: isCarrierCode(shipment.carrier)
      ? carrierTrackingUrl(shipment.carrier, shipment.trackingNumber)
      : null,
    serviceLevel: shipment.serviceLevel,
    status: {
      state: shipment.state,
      reason: shipment.stateReason,
      occurredAt: shipment.stateOccurredAt.toISOString(),
    },
    // Valid tracking: a number valid for its carrier that the carrier has scanned at least once.
    validTracking: shipment.numberValid && shipment.firstScanAt !== null,
    numberValid: shipment.numberValid,
    firstScanAt: shipment.firstScanAt?.toISOString() ?? null,
    lastUpdateAt: shipment.lastUpdateAt.toISOString(),
    trackingClosedAt: shipment.trackingClosedAt?.toISOString() ?? null,
    nextPollAt: shipment.nextPollAt?.toISOString() ?? null,
    lastPollError: shipment.lastPollError,
    scans: scans.map((scan) => ({
      scanId: scan.id,
      source: scan.source,
      state: scan.state,
      reason: scan.reason,
      rawCode: scan.rawCode,
      rawDescription: scan.rawDescription,
      occurredAt: scan.occurredAt.toISOString(),
      occurredAtText: scan.occurredAtText,
      occurredAtResolution: scan.occurredAtResolution,
      location: scan.location,
      proofOfDelivery: scan.proofOfDelivery,
      note: scan.note,
      recordedBy: scan.recordedBy,
      recordedAt: scan.recordedAt.toISOString(),
    })),
  };
}
