import type { EventEnvelope } from './generated/tracking/v1/envelope';

/** The envelope's payload: one of the generated payload messages, tagged by its case. */
export type EnvelopePayload = NonNullable<EventEnvelope['payload']>;

/** The name of a payload case, e.g. `carrierScanRecorded`. */
export type PayloadCase = EnvelopePayload['$case'];

/** The payload message of one case, e.g. `PayloadOf<'carrierScanRecorded'>` is `CarrierScanRecorded`. */
export type PayloadOf<C extends PayloadCase> = Extract<EnvelopePayload, { $case: C }>['value'];

/**
 * The envelope `type` of each payload case. These strings are wire contracts (consumers route
 * and deduplicate on them, dead letters keep them): never rename one in place; add a new type
 * and retire the old one. Keyed by payload case, so a payload added to the proto without a
 * type fails to compile.
 */
export const EVENT_TYPES = {
  orderReceived: 'order.received',
  orderCancelled: 'order.cancelled',
  productionStepRecorded: 'production.step-recorded',
  shipmentRegistered: 'shipment.registered',
  carrierScanRecorded: 'carrier.scan-recorded',
  trackingStatusChanged: 'tracking.status-changed',
  notificationDispatched: 'notification.dispatched',
  storefrontSyncPushed: 'storefront-sync.pushed',
  deliveryChangeRequested: 'order.delivery-change-requested',
  buyerContactRecorded: 'order.buyer-contact-recorded',
  buyerErased: 'order.buyer-erased',
} as const satisfies { readonly [C in PayloadCase]: string };

export type EventType = (typeof EVENT_TYPES)[PayloadCase];

export const ALL_EVENT_TYPES = Object.values(EVENT_TYPES) as readonly EventType[];

const PAYLOAD_CASES = Object.keys(EVENT_TYPES) as readonly PayloadCase[];

export const PAYLOAD_CASE_BY_EVENT_TYPE = Object.fromEntries(
  PAYLOAD_CASES.map((payloadCase) => [EVENT_TYPES[payloadCase], payloadCase]),
) as { readonly [T in EventType]: PayloadCase };

/**
 * The schema version producers write today. Bumped only for a change that consumers of the
 * previous version cannot read; additive proto changes (new fields, new enum values, new
 * payloads) keep it.
 */
export const SCHEMA_VERSION = 1;

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(PAYLOAD_CASE_BY_EVENT_TYPE, value);
}

export function isPayloadCase(value: unknown): value is PayloadCase {
  return typeof value === 'string' && Object.hasOwn(EVENT_TYPES, value);
}

export function eventTypeOf(payloadCase: PayloadCase): EventType {
  return EVENT_TYPES[payloadCase];
}

export function payloadCaseOf(eventType: EventType): PayloadCase {
  return PAYLOAD_CASE_BY_EVENT_TYPE[eventType];
}
