import type { EventEnvelope } from '../generated/tracking/v1/envelope';
import {
  PAYLOAD_CASE_BY_EVENT_TYPE,
  SCHEMA_VERSION,
  isEventType,
  type EnvelopePayload,
} from '../event-types';
import { isCanonicalState } from '../states';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Envelope fields every consumer relies on; the event catalogue marks them required. */
export const REQUIRED_ENVELOPE_FIELDS = [
  'eventId',
  'type',
  'schemaVersion',
  'orderId',
  'merchantId',
  'occurredAt',
  'recordedAt',
  'source',
] as const;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** True for an RFC 3339 timestamp with a zone, the proto3 JSON form of google.protobuf.Timestamp. */
export function isTimestamp(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

function timestampProblem(field: string, value: string | undefined, required: boolean): string | undefined {
  if (value === undefined || value === '') return required ? `${field} is missing` : undefined;
  return isTimestamp(value) ? undefined : `${field} "${value}" is not an RFC 3339 timestamp`;
}

function stateProblem(field: string, value: string): string | undefined {
  return isCanonicalState(value) ? undefined : `${field} must be a canonical tracking state, got "${value}"`;
}

function firstProblem(...problems: Array<string | undefined>): string | undefined {
  return problems.find((problem) => problem !== undefined);
}

const TOKEN_HASH = /^[0-9a-f]{64}$/;

function payloadProblem(envelope: EventEnvelope, payload: EnvelopePayload): string | undefined {
  switch (payload.$case) {
    case 'orderReceived': {
      const order = payload.value;
      return firstProblem(
        order.externalOrderId === '' ? 'orderReceived.externalOrderId is missing' : undefined,
        timestampProblem('orderReceived.placedAt', order.placedAt, false),
        order.trackingTokenHash !== '' && !TOKEN_HASH.test(order.trackingTokenHash)
          ? 'orderReceived.trackingTokenHash is not a lowercase hex SHA-256'
          : undefined,
        order.promisedDeliveryDate !== '' && !CALENDAR_DATE.test(order.promisedDeliveryDate)
          ? `orderReceived.promisedDeliveryDate "${order.promisedDeliveryDate}" is not a YYYY-MM-DD date`
          : undefined,
      );
    }
    case 'buyerContactRecorded':
      return firstProblem(
        payload.value.trackingToken === '' ? 'buyerContactRecorded.trackingToken is missing' : undefined,
        timestampProblem(
          'buyerContactRecorded.buyer.smsConsent.recordedAt',
          payload.value.buyer?.smsConsent?.recordedAt,
          false,
        ),
      );
    case 'orderCancelled':
    case 'buyerErased':
      return undefined;
    case 'productionStepRecorded': {
      const step = payload.value;
      return firstProblem(
        step.step === 'STEP_TYPE_UNSPECIFIED' ? 'productionStepRecorded.step is missing' : undefined,
        stateProblem('productionStepRecorded.state', step.state),
        step.step === 'LABEL_VOIDED' && envelope.shipmentId === undefined
          ? 'a LABEL_VOIDED step must name the voided shipment in shipmentId'
          : undefined,
      );
    }
    case 'shipmentRegistered': {
      const shipment = payload.value;
      return firstProblem(
        shipment.shipmentId !== envelope.shipmentId
          ? `shipmentRegistered.shipmentId "${shipment.shipmentId}" differs from the envelope's "${envelope.shipmentId ?? ''}"`
          : undefined,
        shipment.carrier === '' ? 'shipmentRegistered.carrier is missing' : undefined,
        shipment.trackingNumber === '' ? 'shipmentRegistered.trackingNumber is missing' : undefined,
      );
    }
    case 'carrierScanRecorded': {
      const scan = payload.value;
      return firstProblem(
        envelope.shipmentId === undefined ? 'a carrier scan must carry shipmentId' : undefined,
        stateProblem('carrierScanRecorded.state', scan.state),
        timestampProblem(
          'carrierScanRecorded.carrierEstimatedDelivery',
          scan.carrierEstimatedDelivery,
          false,
        ),
      );
    }
    case 'trackingStatusChanged': {
      const change = payload.value;
      if (change.order === undefined) return 'trackingStatusChanged.order is missing';
      return firstProblem(
        stateProblem('trackingStatusChanged.order.state', change.order.state),
        ...change.shipments.map((shipment, index) =>
          shipment.status === undefined
            ? `trackingStatusChanged.shipments[${index}].status is missing`
            : stateProblem(`trackingStatusChanged.shipments[${index}].status.state`, shipment.status.state),
        ),
      );
    }
    case 'notificationDispatched':
      return payload.value.channel === 'CHANNEL_UNSPECIFIED'
        ? 'notificationDispatched.channel is missing'
        : undefined;
    case 'storefrontSyncPushed':
      return payload.value.outcome === 'OUTCOME_UNSPECIFIED'
        ? 'storefrontSyncPushed.outcome is missing'
        : undefined;
  }
}

/**
 * The first reason the envelope is not one consumers can act on, or undefined when it is.
 * Checks what the proto cannot express: required fields, formats, and that the payload is
 * the one the type names. The trace context is not checked: a bad traceparent costs a trace,
 * not the event (W3C Trace Context says to ignore it).
 */
export function envelopeProblem(envelope: EventEnvelope): string | undefined {
  if (envelope.eventId === '') return 'eventId is missing';
  if (!isUuid(envelope.eventId)) return `eventId "${envelope.eventId}" is not a UUID`;
  if (envelope.type === '') return 'type is missing';
  if (!isEventType(envelope.type)) return `type "${envelope.type}" is not a known event type`;
  if (
    !Number.isInteger(envelope.schemaVersion) ||
    envelope.schemaVersion < 1 ||
    envelope.schemaVersion > SCHEMA_VERSION
  ) {
    return `schemaVersion ${envelope.schemaVersion} is not supported (1..${SCHEMA_VERSION})`;
  }
  if (envelope.orderId === '') return 'orderId is missing';
  if (envelope.merchantId === '') return 'merchantId is missing';
  if (envelope.shipmentId === '') return 'shipmentId is empty; leave it out for order-level events';
  const timeProblem = firstProblem(
    timestampProblem('occurredAt', envelope.occurredAt, true),
    timestampProblem('recordedAt', envelope.recordedAt, true),
  );
  if (timeProblem !== undefined) return timeProblem;
  if (!envelope.source?.service) return 'source.service is missing';
  const { payload } = envelope;
  if (payload === undefined) return 'payload is missing';
  const expected = PAYLOAD_CASE_BY_EVENT_TYPE[envelope.type];
  if (payload.$case !== expected)
    return `type "${envelope.type}" needs a ${expected} payload, got ${payload.$case}`;
  return payloadProblem(envelope, payload);
}
