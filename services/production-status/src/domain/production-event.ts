/**
 * production-status's own rules, free of Nest, TypeORM and Kafka: what a fulfillment centre may
 * report about an order, and what each report means canonically.
 */
import {
  occurrenceProblem,
  PRODUCTION_STEP_STATES,
  type CanonicalReasonCode,
  type CanonicalState,
  type ProductionStepType,
} from '@tracking/events';
import { normalizeTrackingNumber, validateTrackingNumber } from '@tracking/tracking-numbers';

export const PRODUCTION_STEP_TYPES = [
  'PRODUCTION_STARTED',
  'PRODUCTION_COMPLETED',
  'QC_FAILED',
  'PACKED',
  'LABEL_VOIDED',
  'CANCELLED_IN_PRODUCTION',
] as const satisfies readonly ProductionStepType[];

export interface PackedShipmentReport {
  carrier: string;
  trackingNumber: string;
  serviceLevel?: string;
  packageCount?: number;
  weightGrams?: number;
}

/** One step as a centre reports it, after its shape has been validated. */
export interface ProductionReport {
  orderId: string;
  /** The centre's own id for the event: resubmitting it is a duplicate, not a second event. */
  eventId: string;
  type: ProductionStepType;
  occurredAt: string;
  facility?: string;
  station?: string;
  operator?: string;
  note?: string;
  /** Why QC failed or why production was cancelled. */
  reason?: string;
  /** PACKED: the parcels the order went into. */
  shipments?: PackedShipmentReport[];
  /** LABEL_VOIDED: the tracking number of the label that was voided. */
  trackingNumber?: string;
}

/** What this service knows of an order: who makes it and whether it can still change. */
export interface OrderView {
  orderId: string;
  merchantId: string;
  fulfillmentCentreId: string | null;
  receivedAt: Date;
  cancelledAt: Date | null;
  deliveredAt: Date | null;
  packedAt: Date | null;
}

export interface ShipmentView {
  id: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  voidedAt: Date | null;
}

export type RejectionCode = 'VALIDATION_FAILED' | 'CONFLICT' | 'NOT_FOUND';

export interface Rejection {
  code: RejectionCode;
  /** A finer, stable cause for metrics and clients, e.g. BAD_CHECK_DIGIT or CANCELLED. */
  cause: string;
  reason: string;
  /** The field of the report the reason is about, where there is one. */
  field?: string;
}

export interface ValidatedShipment extends PackedShipmentReport {
  /** Normalized: spaces and dashes removed, upper case. */
  trackingNumber: string;
}

export type ProductionDecision =
  | {
      accepted: true;
      state: CanonicalState;
      reason?: CanonicalReasonCode;
      /** PACKED: the shipments to register, numbers normalized. */
      shipments: ValidatedShipment[];
      /** LABEL_VOIDED: the shipment whose label is void. */
      voidedShipment?: ShipmentView;
    }
  | ({ accepted: false } & Rejection);

/** Which centre may report on an order; an order with no centre yet may be claimed by none. */
export function mayReport(order: OrderView, fulfillmentCentreId: string): boolean {
  return order.fulfillmentCentreId === fulfillmentCentreId;
}

/**
 * Whether a report can be applied to an order, given what is known of it and its shipments.
 * Steps are history, so an out-of-order step that happened before a cancellation or delivery is
 * accepted; one that happened after is impossible and refused with the reason.
 */
export function decideProductionReport(
  order: OrderView,
  report: ProductionReport,
  orderShipments: readonly ShipmentView[],
  trackingNumbersInUse: ReadonlySet<string>,
  now: Date,
): ProductionDecision {
  const occurredAt = new Date(report.occurredAt);
  // A step dated before its order would reach the reducer as history the order never had.
  const implausible = occurrenceProblem(occurredAt, now, {
    at: order.receivedAt,
    what: 'the order was placed',
  });
  if (implausible) {
    return reject('VALIDATION_FAILED', implausible.cause, `occurredAt ${implausible.reason}`, 'occurredAt');
  }
  if (order.deliveredAt && occurredAt >= order.deliveredAt) {
    return reject(
      'CONFLICT',
      'AFTER_DELIVERY',
      `the order was delivered at ${order.deliveredAt.toISOString()}; production steps after delivery are not possible`,
    );
  }
  if (order.cancelledAt && occurredAt >= order.cancelledAt) {
    return reject(
      'CONFLICT',
      'AFTER_CANCELLATION',
      report.type === 'CANCELLED_IN_PRODUCTION'
        ? `the order was already cancelled at ${order.cancelledAt.toISOString()}`
        : `the order was cancelled at ${order.cancelledAt.toISOString()}; it cannot be ${describeStep(report.type)} after that`,
    );
  }

  const mapping = PRODUCTION_STEP_STATES[report.type];
  switch (report.type) {
    case 'PACKED': {
      const shipments: ValidatedShipment[] = [];
      const seen = new Set<string>();
      for (const [index, shipment] of (report.shipments ?? []).entries()) {
        const field = `shipments.${index}.trackingNumber`;
        const validation = validateTrackingNumber(shipment.carrier, shipment.trackingNumber);
        if (!validation.valid) return reject('VALIDATION_FAILED', validation.code, validation.reason, field);
        const trackingNumber = validation.normalized;
        if (seen.has(trackingNumber)) {
          return reject(
            'VALIDATION_FAILED',
            'DUPLICATE_TRACKING_NUMBER',
            `tracking number ${trackingNumber} appears twice`,
            field,
          );
        }
        const ownActive = orderShipments.some(
          (existing) => existing.trackingNumber === trackingNumber && existing.voidedAt === null,
        );
        if (!ownActive && trackingNumbersInUse.has(trackingNumber)) {
          return reject(
            'CONFLICT',
            'TRACKING_NUMBER_IN_USE',
            `tracking number ${trackingNumber} is already on another order's shipment`,
            field,
          );
        }
        seen.add(trackingNumber);
        if (!ownActive) shipments.push({ ...shipment, carrier: validation.carrier, trackingNumber });
      }
      return { accepted: true, state: mapping.state, shipments };
    }
    case 'LABEL_VOIDED': {
      const wanted = normalizeTrackingNumber(report.trackingNumber ?? '');
      const shipment = orderShipments.find((candidate) => candidate.trackingNumber === wanted);
      if (!shipment) {
        return reject(
          'CONFLICT',
          'UNKNOWN_LABEL',
          `the order has no shipment with tracking number ${wanted}`,
          'trackingNumber',
        );
      }
      if (shipment.voidedAt) {
        return reject(
          'CONFLICT',
          'LABEL_ALREADY_VOIDED',
          `the label ${wanted} was already voided at ${shipment.voidedAt.toISOString()}`,
          'trackingNumber',
        );
      }
      return {
        accepted: true,
        state: mapping.state,
        reason: mapping.reason,
        shipments: [],
        voidedShipment: shipment,
      };
    }
    default:
      return {
        accepted: true,
        state: mapping.state,
        ...(mapping.reason ? { reason: mapping.reason } : {}),
        shipments: [],
      };
  }
}

/** How the order view changes once a report is applied. */
export function applyToOrder(order: OrderView, report: ProductionReport): OrderView {
  const occurredAt = new Date(report.occurredAt);
  if (report.type === 'CANCELLED_IN_PRODUCTION' && (!order.cancelledAt || occurredAt < order.cancelledAt)) {
    return { ...order, cancelledAt: occurredAt };
  }
  if (report.type === 'PACKED' && (!order.packedAt || occurredAt < order.packedAt)) {
    return { ...order, packedAt: occurredAt };
  }
  return order;
}

function describeStep(type: ProductionStepType): string {
  return {
    PRODUCTION_STARTED: 'put into production',
    PRODUCTION_COMPLETED: 'completed',
    QC_FAILED: 'failed at QC',
    PACKED: 'packed',
    LABEL_VOIDED: 'relabelled',
    CANCELLED_IN_PRODUCTION: 'cancelled',
  }[type];
}

function reject(code: RejectionCode, cause: string, reason: string, field?: string): ProductionDecision {
  return { accepted: false, code, cause, reason, ...(field ? { field } : {}) };
}
