import { carrierTrackingUrl, isCarrierCode } from '@tracking/tracking-numbers';
import type { RegisteredShipment } from '../../domain/production-events';
import type { ProductionTimeline } from '../../use-cases/get-production-timeline.use-case';
import type { ItemResult } from '../../use-cases/record-production-events.use-case';

function trackingUrlOf(carrier: string, trackingNumber: string): string | null {
  return isCarrierCode(carrier) ? carrierTrackingUrl(carrier, trackingNumber) : null;
}

function shipmentView(shipment: RegisteredShipment) {
  return { ...shipment, trackingUrl: trackingUrlOf(shipment.carrier, shipment.trackingNumber) };
}

/** One item's result as a client reads it: `outcome` first, then what it needs to act on. */
export function toItemResponse(result: ItemResult) {
  switch (result.outcome) {
    case 'accepted':
      return { ...result, shipments: result.shipments.map(shipmentView) };
    default:
      return result;
  }
}

export function toTimelineResponse({ order, status, steps, shipments }: ProductionTimeline) {
  return {
    orderId: order.orderId,
    fulfillmentCentreId: order.fulfillmentCentreId,
    status: {
      state: status.state,
      milestone: status.milestone ?? null,
      exception: status.activeException
        ? { state: status.activeException.state, reason: status.activeException.reason ?? null }
        : null,
      occurredAt: status.occurredAt,
    },
    receivedAt: order.receivedAt.toISOString(),
    packedAt: order.packedAt?.toISOString() ?? null,
    cancelledAt: order.cancelledAt?.toISOString() ?? null,
    deliveredAt: order.deliveredAt?.toISOString() ?? null,
    steps: steps.map((step) => ({
      stepId: step.id,
      eventId: step.centreEventId,
      type: step.step,
      state: step.state,
      reason: step.reasonCode,
      occurredAt: step.occurredAt.toISOString(),
      recordedAt: step.recordedAt.toISOString(),
      facility: step.report.facility ?? null,
      station: step.report.station ?? null,
      operator: step.report.operator ?? null,
      note: step.report.note ?? null,
      failureReason: step.report.reason ?? null,
      voidedShipmentId: step.voidedShipmentId,
    })),
    shipments: shipments.map((shipment) => ({
      shipmentId: shipment.id,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: trackingUrlOf(shipment.carrier, shipment.trackingNumber),
      serviceLevel: shipment.serviceLevel,
      packageCount: shipment.packageCount,
      weightGrams: shipment.weightGrams,
      packedAt: shipment.packedAt.toISOString(),
      voidedAt: shipment.voidedAt?.toISOString() ?? null,
    })),
  };
}
