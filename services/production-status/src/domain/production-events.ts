import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  ReasonCode,
  TrackingState,
  type CanonicalReasonCode,
  type CanonicalState,
  type EnvelopeOf,
  type EventEnvelope,
} from '@tracking/events';
import type { OrderView, ProductionReport } from './production-event';

export const PRODUCTION_STATUS_SERVICE = 'production-status';

export interface RegisteredShipment {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  serviceLevel?: string;
  packageCount?: number;
  weightGrams?: number;
}

export interface AcceptedStep {
  /** The envelope's event id, also the stored step's id. */
  eventId: string;
  order: Pick<OrderView, 'orderId' | 'merchantId'>;
  fulfillmentCentreId: string;
  report: ProductionReport;
  state: CanonicalState;
  reason?: CanonicalReasonCode;
  shipments: RegisteredShipment[];
  /** LABEL_VOIDED: the shipment whose label was voided. */
  voidedShipmentId?: string;
  recordedAt: Date;
}

/**
 * The canonical events of an accepted step: the step itself, and for PACKED one
 * shipment.registered per parcel so carrier-ingest starts tracking it.
 */
export function eventsOfAcceptedStep(step: AcceptedStep): EventEnvelope[] {
  const { report } = step;
  const common = {
    orderId: step.order.orderId,
    merchantId: step.order.merchantId,
    occurredAt: report.occurredAt,
    recordedAt: step.recordedAt,
    source: {
      service: PRODUCTION_STATUS_SERVICE,
      upstream: `fulfillment-centre:${step.fulfillmentCentreId}`,
    },
  };
  const stepEvent: EnvelopeOf<'productionStepRecorded'> = createEnvelope({
    ...common,
    eventId: step.eventId,
    ...(step.voidedShipmentId ? { shipmentId: step.voidedShipmentId } : {}),
    payload: {
      $case: 'productionStepRecorded',
      value: {
        step: report.type,
        state: TrackingState[step.state],
        reason: step.reason ? ReasonCode[step.reason] : ReasonCode.REASON_CODE_UNSPECIFIED,
        fulfillmentCentreId: step.fulfillmentCentreId,
        centreEventId: report.eventId,
        facility: report.facility ?? '',
        station: report.station ?? '',
        operatorId: report.operator ?? '',
        note: [report.reason, report.note].filter(Boolean).join(' — '),
        shipments: step.shipments.map((shipment) => ({
          shipmentId: shipment.shipmentId,
          carrier: shipment.carrier,
          trackingNumber: shipment.trackingNumber,
          serviceLevel: shipment.serviceLevel ?? '',
          packageCount: shipment.packageCount ?? 1,
          weightGrams: shipment.weightGrams ?? 0,
        })),
      },
    },
  });
  const registered = step.shipments.map((shipment) =>
    createEnvelope({
      ...common,
      eventId: randomUUID(),
      shipmentId: shipment.shipmentId,
      payload: {
        $case: 'shipmentRegistered',
        value: {
          shipmentId: shipment.shipmentId,
          carrier: shipment.carrier,
          trackingNumber: shipment.trackingNumber,
          serviceLevel: shipment.serviceLevel ?? '',
        },
      },
    }),
  );
  return [stepEvent, ...registered];
}
