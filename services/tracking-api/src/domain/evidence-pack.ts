/**
 * The dispute evidence pack of one order: everything the read model knows that shows where the
 * order was and when, in the words of each source, for a merchant answering a chargeback ("item
 * not received") or a marketplace claim. Pure: built from the order's row and its stored events.
 */
import {
  isCanonicalState,
  isEnvelopeOf,
  isReasonCode,
  reasonLabel,
  stateLabel,
  type CanonicalReasonCode,
  type CanonicalState,
  type EventEnvelope,
} from '@tracking/events';
import type { PublicView } from './order-projection';

/** The order as the read model holds it (tracking_api.orders). */
export interface EvidenceOrderSource {
  orderId: string;
  merchantId: string;
  externalOrderId: string;
  storefrontPlatform: string;
  placedAt: Date;
  receivedAt: Date;
  fulfillmentCentreId: string | null;
  promisedDeliveryDate: string | null;
  destinationCity: string;
  destinationCountry: string;
  state: string;
  stateReason: string | null;
  stateOccurredAt: Date;
  packedAt: Date | null;
  firstCarrierScanAt: Date | null;
  deliveredAt: Date | null;
  etaFrom: Date | null;
  etaTo: Date | null;
  firstEtaTo: Date | null;
  publicView: PublicView;
}

export interface EvidencePlace {
  city?: string;
  region?: string;
  postalCode?: string;
  countryCode?: string;
  latitude?: number;
  longitude?: number;
}

/** One tracking fact, as recorded: the source's time, ours, where, and who said so. */
export interface EvidenceEntry {
  eventId: string;
  type: string;
  /** The canonical state it maps to; null where the source sent one we do not know. */
  state: CanonicalState | null;
  label: string;
  reason: CanonicalReasonCode | null;
  /** When it happened, by the source's clock. */
  occurredAt: string;
  /** When the platform recorded it, by our clock. */
  recordedAt: string;
  informationLagSeconds: number;
  shipmentId: string | null;
  place: EvidencePlace | null;
  source: {
    /** The platform service that published the fact: order-intake, production-status, carrier-ingest. */
    service: string;
    /** The outside system it came from: a storefront, a fulfillment centre, a carrier. */
    upstream: string | null;
    /** For carrier scans, how it reached us: pushed by the carrier, polled, or entered by an operator. */
    method: 'WEBHOOK' | 'POLL' | 'MANUAL' | null;
  };
  carrier: string | null;
  trackingNumber: string | null;
  /** The carrier's own code and words, unchanged. */
  rawCode: string | null;
  rawDescription: string | null;
  carrierEventId: string | null;
  production: { step: string; fulfillmentCentreId: string; facility: string; station: string } | null;
  cancellation: { reason: string; requestedBy: string } | null;
}

export interface ProofOfDeliveryEvidence {
  eventId: string;
  shipmentId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  deliveredAt: string;
  signedBy: string | null;
  signatureUrl: string | null;
  photoUrl: string | null;
  leftAt: string | null;
  place: EvidencePlace | null;
}

export interface NotificationEvidence {
  eventId: string;
  notificationId: string;
  /** When the notification service sent (or gave up on, or skipped) it. */
  at: string;
  channel: string;
  /**
   * The message kind: the leading token of `detail`, which the notification service writes as
   * `<kind>` or `<kind>: <why>`; null when absent. notification.dispatched has no field for it yet.
   */
  kind: string | null;
  trigger: { state: CanonicalState | null; reason: CanonicalReasonCode | null };
  outcome: string;
  detail: string | null;
  attempt: number;
  providerMessageId: string | null;
}

export interface EvidenceShipment {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  serviceLevel: string | null;
  state: CanonicalState;
  voided: boolean;
  /** When the label was registered. */
  registeredAt: string | null;
}

export interface EvidencePack {
  generatedAt: string;
  order: {
    orderId: string;
    orderNumber: string;
    merchantId: string;
    storefrontPlatform: string;
    placedAt: string;
    receivedAt: string;
    fulfillmentCentreId: string | null;
    promisedDeliveryDate: string | null;
    destination: { city: string; countryCode: string };
    status: {
      state: string;
      label: string;
      reason: string | null;
      reasonLabel: string | null;
      occurredAt: string;
    };
    packedAt: string | null;
    firstCarrierScanAt: string | null;
    deliveredAt: string | null;
    estimatedDelivery: { from: string; to: string } | null;
    /** The delivery window's end as first estimated from the order alone. */
    firstEstimatedDeliveryBy: string | null;
  };
  shipments: EvidenceShipment[];
  /** Every tracking fact, oldest first by the source's clock. */
  timeline: EvidenceEntry[];
  proofOfDelivery: ProofOfDeliveryEvidence[];
  /** Every notification dispatched about the order, oldest first. */
  notifications: NotificationEvidence[];
}

const TRACKING_FACT_TYPES = new Set([
  'order.received',
  'order.cancelled',
  'production.step-recorded',
  'shipment.registered',
  'carrier.scan-recorded',
]);

const iso = (value: Date | null) => value?.toISOString() ?? null;
const orNull = (value: string | undefined) => (value ? value : null);

function placeOf(
  location:
    | {
        city?: string;
        region?: string;
        postalCode?: string;
        countryCode?: string;
        latitude?: number;
        longitude?: number;
      }
    | undefined,
): EvidencePlace | null {
  if (!location) return null;
  const place: EvidencePlace = {
    ...(location.city ? { city: location.city } : {}),
    ...(location.region ? { region: location.region } : {}),
    ...(location.postalCode ? { postalCode: location.postalCode } : {}),
    ...(location.countryCode ? { countryCode: location.countryCode } : {}),
    ...(location.latitude !== undefined ? { latitude: location.latitude } : {}),
    ...(location.longitude !== undefined ? { longitude: location.longitude } : {}),
  };
  return Object.keys(place).length > 0 ? place : null;
}

const byTime = (a: EventEnvelope, b: EventEnvelope) =>
  (a.occurredAt ?? '').localeCompare(b.occurredAt ?? '') ||
  (a.recordedAt ?? '').localeCompare(b.recordedAt ?? '') ||
  a.eventId.localeCompare(b.eventId);

function lagSeconds(event: EventEnvelope): number {
  const occurred = Date.parse(event.occurredAt ?? '');
  const recorded = Date.parse(event.recordedAt ?? '');
  return Number.isNaN(occurred) || Number.isNaN(recorded) ? 0 : (recorded - occurred) / 1_000;
}

function entryOf(event: EventEnvelope): EvidenceEntry {
  const entry: EvidenceEntry = {
    eventId: event.eventId,
    type: event.type,
    state: null,
    label: event.type,
    reason: null,
    occurredAt: event.occurredAt ?? event.recordedAt ?? '',
    recordedAt: event.recordedAt ?? event.occurredAt ?? '',
    informationLagSeconds: lagSeconds(event),
    shipmentId: event.shipmentId ?? null,
    place: null,
    source: { service: event.source?.service ?? '', upstream: orNull(event.source?.upstream), method: null },
    carrier: null,
    trackingNumber: null,
    rawCode: null,
    rawDescription: null,
    carrierEventId: null,
    production: null,
    cancellation: null,
  };
  const setState = (state: string, reason?: string) => {
    if (isCanonicalState(state)) {
      entry.state = state;
      entry.label = stateLabel(state);
    }
    if (isReasonCode(reason)) entry.reason = reason;
  };
  if (isEnvelopeOf(event, 'orderReceived')) {
    setState('ORDER_RECEIVED');
  } else if (isEnvelopeOf(event, 'orderCancelled')) {
    setState('CANCELLED');
    entry.cancellation = {
      reason: event.payload.value.reason,
      requestedBy: event.payload.value.requestedBy,
    };
  } else if (isEnvelopeOf(event, 'productionStepRecorded')) {
    const step = event.payload.value;
    setState(step.state, step.reason);
    // The operator stays out: an employee of the fulfillment centre, not evidence about the parcel.
    entry.production = {
      step: step.step,
      fulfillmentCentreId: step.fulfillmentCentreId,
      facility: step.facility,
      station: step.station,
    };
  } else if (isEnvelopeOf(event, 'shipmentRegistered')) {
    setState('PACKED');
    entry.shipmentId = event.payload.value.shipmentId || entry.shipmentId;
    entry.carrier = event.payload.value.carrier;
    entry.trackingNumber = event.payload.value.trackingNumber;
  } else if (isEnvelopeOf(event, 'carrierScanRecorded')) {
    const scan = event.payload.value;
    setState(scan.state, scan.reason);
    entry.place = placeOf(scan.location);
    entry.source.method = scan.source === 'SOURCE_UNSPECIFIED' ? null : scan.source;
    entry.carrier = scan.carrier;
    entry.trackingNumber = scan.trackingNumber;
    entry.rawCode = orNull(scan.rawCode);
    entry.rawDescription = orNull(scan.rawDescription);
    entry.carrierEventId = orNull(scan.carrierEventId);
  }
  return entry;
}

function proofOf(event: EventEnvelope): ProofOfDeliveryEvidence | null {
  if (!isEnvelopeOf(event, 'carrierScanRecorded')) return null;
  const scan = event.payload.value;
  const proof = scan.proofOfDelivery;
  if (scan.state !== 'DELIVERED' || !proof) return null;
  return {
    eventId: event.eventId,
    shipmentId: event.shipmentId ?? null,
    carrier: orNull(scan.carrier),
    trackingNumber: orNull(scan.trackingNumber),
    deliveredAt: event.occurredAt ?? event.recordedAt ?? '',
    signedBy: orNull(proof.signedBy),
    signatureUrl: orNull(proof.signatureUrl),
    photoUrl: orNull(proof.photoUrl),
    leftAt: orNull(proof.leftAt),
    place: placeOf(proof.location) ?? placeOf(scan.location),
  };
}

function notificationOf(event: EventEnvelope): NotificationEvidence | null {
  if (!isEnvelopeOf(event, 'notificationDispatched')) return null;
  const sent = event.payload.value;
  return {
    eventId: event.eventId,
    notificationId: sent.notificationId,
    at: event.occurredAt ?? event.recordedAt ?? '',
    channel: sent.channel,
    kind: /^([A-Za-z][\w.-]*)(?::|$)/.exec(sent.detail)?.[1] ?? null,
    trigger: {
      state: isCanonicalState(sent.triggerState) ? sent.triggerState : null,
      reason: isReasonCode(sent.triggerReason) ? sent.triggerReason : null,
    },
    outcome: sent.outcome,
    detail: orNull(sent.detail),
    attempt: sent.attempt,
    providerMessageId: orNull(sent.providerMessageId),
  };
}

export function buildEvidencePack(
  order: EvidenceOrderSource,
  events: readonly EventEnvelope[],
  now: Date,
): EvidencePack {
  // Only the order's own merchant's facts: an event that named this order under another tenant
  // is that tenant's, whatever it claims.
  const own = events.filter((event) => event.merchantId === order.merchantId).sort(byTime);
  const registeredAt = new Map<string, string>();
  for (const event of own) {
    if (isEnvelopeOf(event, 'shipmentRegistered') && event.occurredAt)
      registeredAt.set(
        event.payload.value.shipmentId,
        registeredAt.get(event.payload.value.shipmentId) ?? event.occurredAt,
      );
  }
  const state = order.state;
  const reason = isReasonCode(order.stateReason) ? order.stateReason : null;
  return {
    generatedAt: now.toISOString(),
    order: {
      orderId: order.orderId,
      orderNumber: order.externalOrderId,
      merchantId: order.merchantId,
      storefrontPlatform: order.storefrontPlatform,
      placedAt: order.placedAt.toISOString(),
      receivedAt: order.receivedAt.toISOString(),
      fulfillmentCentreId: order.fulfillmentCentreId,
      promisedDeliveryDate: order.promisedDeliveryDate,
      destination: { city: order.destinationCity, countryCode: order.destinationCountry },
      status: {
        state,
        label: isCanonicalState(state) ? stateLabel(state) : state,
        reason: order.stateReason,
        reasonLabel: reason ? reasonLabel(reason) : null,
        occurredAt: order.stateOccurredAt.toISOString(),
      },
      packedAt: iso(order.packedAt),
      firstCarrierScanAt: iso(order.firstCarrierScanAt),
      deliveredAt: iso(order.deliveredAt),
      estimatedDelivery:
        order.etaFrom && order.etaTo
          ? { from: order.etaFrom.toISOString(), to: order.etaTo.toISOString() }
          : null,
      firstEstimatedDeliveryBy: iso(order.firstEtaTo),
    },
    shipments: order.publicView.shipments.map((shipment) => ({
      shipmentId: shipment.shipmentId,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: shipment.trackingUrl,
      serviceLevel: shipment.serviceLevel,
      state: shipment.state,
      voided: shipment.voided,
      registeredAt: registeredAt.get(shipment.shipmentId) ?? null,
    })),
    timeline: own.filter((event) => TRACKING_FACT_TYPES.has(event.type)).map(entryOf),
    proofOfDelivery: own.flatMap((event) => proofOf(event) ?? []),
    notifications: own.flatMap((event) => notificationOf(event) ?? []),
  };
}
