import type {
  ActiveException,
  TrackingStatus,
  TrackingStatusChanged,
} from './generated/tracking/v1/status_events';
import type { OrderStatus, StatusException, TrackStatus } from './reducer';
import type { CanonicalState } from './states';

function exceptionMessage(exception: StatusException): ActiveException {
  return {
    state: exception.state,
    reason: exception.reason ?? 'REASON_CODE_UNSPECIFIED',
    eventId: exception.eventId,
    occurredAt: exception.occurredAt,
    shipmentId: exception.shipmentId ?? '',
  };
}

function statusMessage(status: TrackStatus): TrackingStatus {
  return {
    state: status.state,
    milestone: status.milestone ?? 'TRACKING_STATE_UNSPECIFIED',
    milestoneRank: status.milestoneRank,
    ...(status.activeException === undefined
      ? {}
      : { activeException: exceptionMessage(status.activeException) }),
    decidingEventId: status.decidingEventId,
    occurredAt: status.occurredAt,
    recordedAt: status.recordedAt,
    informationLagMs: status.informationLagMs,
  };
}

/** The tracking.status-changed payload for a reduced order status, so the event says exactly what the reducer said. */
export function statusChangedPayload(
  status: OrderStatus,
  previousState?: CanonicalState,
  estimate?: { from: string; to: string; late: boolean },
): TrackingStatusChanged {
  return {
    order: statusMessage(status),
    shipments: status.shipments.map((shipment) => ({
      shipmentId: shipment.shipmentId,
      status: statusMessage(shipment),
      voided: shipment.voided,
    })),
    shipmentCount: status.shipmentCount,
    deliveredCount: status.deliveredCount,
    partiallyDelivered: status.partiallyDelivered,
    decidingShipmentId: status.decidingShipmentId ?? '',
    previousState: previousState ?? 'TRACKING_STATE_UNSPECIFIED',
    ...(estimate
      ? { estimatedDeliveryFrom: estimate.from, estimatedDeliveryTo: estimate.to, late: estimate.late }
      : { late: false }),
  };
}
