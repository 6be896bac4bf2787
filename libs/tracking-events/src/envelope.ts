import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventSource, TraceContext } from './generated/tracking/v1/envelope';
import { EVENT_TYPES, SCHEMA_VERSION, type EnvelopePayload, type PayloadCase } from './event-types';
import type { TrackingEvent } from './reducer';
import { isCanonicalState, isReasonCode, type CanonicalState } from './states';

export type { EventEnvelope, EventSource, TraceContext };

/** An envelope whose payload is known to be of one case. */
export type EnvelopeOf<C extends PayloadCase> = EventEnvelope & {
  type: (typeof EVENT_TYPES)[C];
  payload: Extract<EnvelopePayload, { $case: C }>;
};

export interface CreateEnvelopeInput<C extends PayloadCase> {
  orderId: string;
  merchantId: string;
  /** Required for shipment events (shipment.registered, carrier.scan-recorded, a voided label). */
  shipmentId?: string;
  /** When it happened at the source; our clock when the service itself is the source. */
  occurredAt: string | Date;
  source: { service: string; upstream?: string };
  /** The W3C trace context of the work that produced the event. */
  trace?: { traceparent: string; tracestate?: string };
  /** The type is derived from the payload case, so the two cannot disagree. */
  payload: Extract<EnvelopePayload, { $case: C }>;
  /** Only for re-creating an envelope that already has an id. */
  eventId?: string;
  recordedAt?: string | Date;
}

function isoString(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

/**
 * Builds an envelope, filling what a producer must never choose by hand: a fresh UUID event
 * id (the idempotency key), the recording time and the schema version. Validate it with
 * `encodeEnvelope`, which refuses a malformed envelope before it reaches a topic.
 */
export function createEnvelope<C extends PayloadCase>(
  input: CreateEnvelopeInput<C>,
  now: () => Date = () => new Date(),
): EnvelopeOf<C> {
  const envelope: EventEnvelope = {
    eventId: input.eventId ?? randomUUID(),
    type: EVENT_TYPES[input.payload.$case],
    schemaVersion: SCHEMA_VERSION,
    orderId: input.orderId,
    ...(input.shipmentId === undefined ? {} : { shipmentId: input.shipmentId }),
    merchantId: input.merchantId,
    occurredAt: isoString(input.occurredAt),
    recordedAt: isoString(input.recordedAt ?? now()),
    source: { service: input.source.service, upstream: input.source.upstream ?? '' },
    ...(input.trace === undefined
      ? {}
      : { trace: { traceparent: input.trace.traceparent, tracestate: input.trace.tracestate ?? '' } }),
    payload: input.payload,
  };
  return envelope as EnvelopeOf<C>;
}

export function isEnvelopeOf<C extends PayloadCase>(
  envelope: EventEnvelope,
  payloadCase: C,
): envelope is EnvelopeOf<C> {
  return envelope.payload?.$case === payloadCase;
}

/** The Kafka message key: the order id, so one order's events stay in order on one partition. */
export function envelopeKey(envelope: EventEnvelope): string {
  return envelope.orderId;
}

function known(state: string | undefined): CanonicalState | undefined {
  return isCanonicalState(state) ? state : undefined;
}

/**
 * The tracking fact an envelope carries, for the reducer; undefined for events that say
 * nothing about where an order is (status changes, notifications, storefront sync).
 * A registered shipment counts as PACKED for that shipment: it exists and has a label.
 */
export function trackingEventFromEnvelope(envelope: EventEnvelope): TrackingEvent | undefined {
  const { payload } = envelope;
  if (payload === undefined || envelope.occurredAt === undefined || envelope.recordedAt === undefined)
    return undefined;
  let fact: { state: CanonicalState | undefined; reason?: string; shipmentId?: string | undefined };
  switch (payload.$case) {
    case 'orderReceived':
      fact = { state: 'ORDER_RECEIVED' };
      break;
    case 'orderCancelled':
      fact = { state: 'CANCELLED' };
      break;
    case 'productionStepRecorded':
      fact = {
        state: known(payload.value.state),
        reason: payload.value.reason,
        shipmentId: envelope.shipmentId,
      };
      break;
    case 'shipmentRegistered':
      fact = { state: 'PACKED', shipmentId: envelope.shipmentId ?? payload.value.shipmentId };
      break;
    case 'carrierScanRecorded':
      fact = {
        state: known(payload.value.state),
        reason: payload.value.reason,
        shipmentId: envelope.shipmentId,
      };
      break;
    default:
      return undefined;
  }
  if (fact.state === undefined) return undefined;
  const source = envelope.source?.upstream || envelope.source?.service;
  return {
    eventId: envelope.eventId,
    state: fact.state,
    ...(isReasonCode(fact.reason) ? { reason: fact.reason } : {}),
    occurredAt: envelope.occurredAt,
    recordedAt: envelope.recordedAt,
    ...(fact.shipmentId ? { shipmentId: fact.shipmentId } : {}),
    ...(source ? { source } : {}),
  };
}
