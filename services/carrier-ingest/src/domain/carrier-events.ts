import {
  createEnvelope,
  ReasonCode,
  TrackingState,
  type CanonicalReasonCode,
  type CanonicalState,
  type EnvelopeOf,
} from '@tracking/events';
import type { ScanEntity, ScanSource, ShipmentEntity } from '../persistence/entities';

export const CARRIER_INGEST_SERVICE = 'carrier-ingest';

const SOURCE_ON_THE_WIRE: Record<ScanSource, 'WEBHOOK' | 'POLL' | 'MANUAL' | 'SOURCE_UNSPECIFIED'> = {
  WEBHOOK: 'WEBHOOK',
  POLL: 'POLL',
  MANUAL: 'MANUAL',
  // Derived by this service (not recognized, not picked up, expired): no carrier said it.
  SYSTEM: 'SOURCE_UNSPECIFIED',
};

/** carrier.scan-recorded for one new scan, keyed (like every event) by the shipment's order. */
export function scanRecordedEvent(
  shipment: ShipmentEntity,
  scan: ScanEntity,
): EnvelopeOf<'carrierScanRecorded'> {
  const upstream = scan.source === 'MANUAL' ? `manual:${scan.recordedBy ?? 'merchant'}` : shipment.carrier;
  return createEnvelope({
    eventId: scan.id,
    orderId: shipment.orderId,
    merchantId: shipment.merchantId,
    shipmentId: shipment.shipmentId,
    occurredAt: scan.occurredAt,
    recordedAt: scan.recordedAt,
    source: { service: CARRIER_INGEST_SERVICE, upstream },
    payload: {
      $case: 'carrierScanRecorded',
      value: {
        state: TrackingState[scan.state as CanonicalState],
        reason: scan.reason
          ? ReasonCode[scan.reason as CanonicalReasonCode]
          : ReasonCode.REASON_CODE_UNSPECIFIED,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        rawCode: scan.rawCode,
        rawDescription: scan.note ? `${scan.rawDescription} — ${scan.note}` : scan.rawDescription,
        ...(scan.location
          ? {
              location: {
                city: scan.location.city ?? '',
                region: scan.location.region ?? '',
                postalCode: scan.location.postalCode ?? '',
                countryCode: scan.location.countryCode ?? '',
                ...(scan.location.latitude !== undefined ? { latitude: scan.location.latitude } : {}),
                ...(scan.location.longitude !== undefined ? { longitude: scan.location.longitude } : {}),
              },
            }
          : {}),
        ...(scan.proofOfDelivery
          ? {
              proofOfDelivery: {
                signedBy: scan.proofOfDelivery.signedBy ?? '',
                signatureUrl: scan.proofOfDelivery.signatureUrl ?? '',
                photoUrl: scan.proofOfDelivery.photoUrl ?? '',
                leftAt: scan.proofOfDelivery.leftAt ?? '',
                ...(scan.proofOfDelivery.location
                  ? {
                      location: {
                        city: scan.proofOfDelivery.location.city ?? '',
                        region: scan.proofOfDelivery.location.region ?? '',
                        postalCode: scan.proofOfDelivery.location.postalCode ?? '',
                        countryCode: scan.proofOfDelivery.location.countryCode ?? '',
                      },
                    }
                  : {}),
              },
            }
          : {}),
        source: SOURCE_ON_THE_WIRE[scan.source],
        carrierEventId: scan.carrierEventId ?? '',
        ...(scan.carrierEstimatedDelivery
          ? { carrierEstimatedDelivery: scan.carrierEstimatedDelivery.toISOString() }
          : {}),
      },
    },
  });
}
