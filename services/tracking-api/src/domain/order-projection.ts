/**
 * The read model of one order, computed from every tracking fact known about it. Pure and
 * deterministic: the same set of events gives the same projection in any order, which is what
 * makes the read model rebuildable from the topics.
 */
import {
  isEnvelopeOf,
  milestoneRank,
  reasonLabel,
  reduceOrder,
  stateLabel,
  trackingEventFromEnvelope,
  type CanonicalReasonCode,
  type CanonicalState,
  type EnvelopeOf,
  type EventEnvelope,
  type OrderStatus,
  type TrackingEvent,
} from '@tracking/events';
import { carrierTrackingUrl, isCarrierCode, validateTrackingNumber } from '@tracking/tracking-numbers';
import { estimateDeliveryWindow, type DeliveryWindow, type TransitTime } from './delivery-estimate';

/** The eight milestones a buyer sees; the seventh is "available for pickup" when that is how it ended. */
export const BUYER_MILESTONES = [
  'ORDER_RECEIVED',
  'IN_PRODUCTION',
  'PRODUCTION_COMPLETED',
  'PACKED',
  'PICKED_UP',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
] as const satisfies readonly CanonicalState[];

export interface PlaceView {
  city?: string;
  region?: string;
  countryCode?: string;
}

export interface ShipmentProjection {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  serviceLevel: string | null;
  state: CanonicalState;
  voided: boolean;
  validTracking: boolean;
  lastLocation: PlaceView | null;
}

export interface HistoryEntry {
  eventId: string;
  occurredAt: string;
  state: CanonicalState;
  label: string;
  description: string;
  reason: CanonicalReasonCode | null;
  location: PlaceView | null;
  shipmentId: string | null;
  /** Where the fact came from, as a buyer would understand it. */
  source: 'store' | 'production' | 'carrier' | 'manual';
}

/**
 * What a buyer may see: first name and destination city, nothing else personal. As projected and
 * stored, both are blank: they are joined in from the buyer's contact when the view is served
 * (see personal-data.ts), so that erasing them touches no projection.
 */
export interface PublicView {
  orderNumber: string;
  buyer: { firstName: string; locale: string };
  destination: { city: string; countryCode: string };
  status: {
    state: CanonicalState;
    label: string;
    milestone: CanonicalState | null;
    exception: {
      state: CanonicalState;
      reason: CanonicalReasonCode | null;
      reasonLabel: string | null;
      occurredAt: string;
    } | null;
    occurredAt: string;
  };
  milestones: Array<{
    state: CanonicalState;
    label: string;
    reachedAt: string | null;
    passed: boolean;
    current: boolean;
  }>;
  estimatedDelivery: { from: string; to: string; late: boolean } | null;
  shipments: Array<Omit<ShipmentProjection, 'validTracking'>>;
  history: HistoryEntry[];
  lastLocation: PlaceView | null;
  proofOfDelivery: { leftAt: string | null; deliveredAt: string } | null;
  updatedAt: string;
}

export interface OrderProjection {
  status: OrderStatus;
  milestones: Record<string, string>;
  packedAt: Date | null;
  firstCarrierScanAt: Date | null;
  deliveredAt: Date | null;
  lastEventAt: Date;
  window: DeliveryWindow | null;
  /** The window's end as estimated from the order alone: the yardstick of on-time delivery. */
  firstWindowTo: Date;
  carriers: string[];
  validTracking: boolean;
  publicView: PublicView;
}

export interface ProjectionSettings {
  transitTable: readonly TransitTime[];
  productionDays: number;
}

type Received = EnvelopeOf<'orderReceived'>;

function placeOf(
  location: { city?: string; region?: string; countryCode?: string } | undefined,
): PlaceView | null {
  if (!location || !(location.city || location.region || location.countryCode)) return null;
  return {
    ...(location.city ? { city: location.city } : {}),
    ...(location.region ? { region: location.region } : {}),
    ...(location.countryCode ? { countryCode: location.countryCode } : {}),
  };
}

const byTime = (a: { occurredAt?: string; eventId: string }, b: { occurredAt?: string; eventId: string }) =>
  (a.occurredAt ?? '').localeCompare(b.occurredAt ?? '') || a.eventId.localeCompare(b.eventId);

function historyEntry(event: EventEnvelope, fact: TrackingEvent): HistoryEntry {
  let description = stateLabel(fact.state);
  let location: PlaceView | null = null;
  let source: HistoryEntry['source'] = 'store';
  if (isEnvelopeOf(event, 'carrierScanRecorded')) {
    const scan = event.payload.value;
    source = scan.source === 'MANUAL' ? 'manual' : 'carrier';
    location = placeOf(scan.location);
    // A delivered scan's text often names who signed: the label says the same without the name.
    if (fact.state !== 'DELIVERED' && scan.rawDescription) description = scan.rawDescription;
  } else if (isEnvelopeOf(event, 'productionStepRecorded') || isEnvelopeOf(event, 'shipmentRegistered')) {
    source = 'production';
  }
  return {
    eventId: event.eventId,
    occurredAt: event.occurredAt ?? event.recordedAt ?? '',
    state: fact.state,
    label: stateLabel(fact.state),
    description,
    reason: fact.reason ?? null,
    location,
    shipmentId: fact.shipmentId ?? null,
    source,
  };
}

export function projectOrder(
  received: Received,
  events: readonly EventEnvelope[],
  settings: ProjectionSettings,
  now: Date,
): OrderProjection {
  const all = [received, ...events.filter((event) => event.eventId !== received.eventId)].sort(byTime);
  const facts = all.flatMap((event) => {
    const fact = trackingEventFromEnvelope(event);
    return fact ? [{ event, fact }] : [];
  });
  const status = reduceOrder(facts.map(({ fact }) => fact))!;

  const shipmentsById = new Map<string, ShipmentProjection>();
  for (const event of all) {
    if (!isEnvelopeOf(event, 'shipmentRegistered')) continue;
    const { shipmentId, carrier, trackingNumber, serviceLevel } = event.payload.value;
    const shipmentStatus = status.shipments.find((shipment) => shipment.shipmentId === shipmentId);
    shipmentsById.set(shipmentId, {
      shipmentId,
      carrier,
      trackingNumber,
      trackingUrl: isCarrierCode(carrier) ? carrierTrackingUrl(carrier, trackingNumber) : null,
      serviceLevel: serviceLevel || null,
      state: shipmentStatus?.state ?? 'PACKED',
      voided: shipmentStatus?.voided ?? false,
      validTracking: false,
      lastLocation: null,
    });
  }

  const milestones: Record<string, string> = {};
  let firstCarrierScanAt: Date | null = null;
  let packedAt: Date | null = null;
  let deliveredAt: Date | null = null;
  let outForDeliveryAt: Date | null = null;
  let lastLocation: PlaceView | null = null;
  let leftAt: string | null = null;
  let carrierEstimate: Date | null = null;
  for (const { event, fact } of facts) {
    const at = fact.occurredAt;
    if (milestoneRank(fact.state) > 0 && !milestones[fact.state]) milestones[fact.state] = at;
    if (fact.state === 'PACKED' && !packedAt) packedAt = new Date(at);
    if (fact.state === 'OUT_FOR_DELIVERY') outForDeliveryAt = new Date(at);
    if (fact.state === 'DELIVERED' && !deliveredAt) deliveredAt = new Date(at);
    if (isEnvelopeOf(event, 'carrierScanRecorded')) {
      const scan = event.payload.value;
      const shipment = event.shipmentId ? shipmentsById.get(event.shipmentId) : undefined;
      const isCarrierScan = scan.source === 'WEBHOOK' || scan.source === 'POLL';
      if (isCarrierScan && !firstCarrierScanAt) firstCarrierScanAt = new Date(at);
      const place = placeOf(scan.location);
      if (place) {
        lastLocation = place;
        if (shipment) shipment.lastLocation = place;
      }
      if (
        shipment &&
        isCarrierScan &&
        validateTrackingNumber(shipment.carrier, shipment.trackingNumber).valid
      ) {
        shipment.validTracking = true;
      }
      if (fact.state === 'DELIVERED' && scan.proofOfDelivery?.leftAt) leftAt = scan.proofOfDelivery.leftAt;
      carrierEstimate = scan.carrierEstimatedDelivery
        ? new Date(scan.carrierEstimatedDelivery)
        : carrierEstimate;
    }
  }

  const shipments = [...shipmentsById.values()];
  const lead = shipments.find((shipment) => !shipment.voided) ?? shipments[0];
  const cancelled = status.state === 'CANCELLED';
  const window = cancelled
    ? null
    : estimateDeliveryWindow(
        {
          receivedAt: new Date(received.occurredAt ?? received.recordedAt ?? now.toISOString()),
          productionDays: settings.productionDays,
          packedAt,
          firstCarrierScanAt,
          outForDeliveryAt: status.state === 'OUT_FOR_DELIVERY' ? outForDeliveryAt : null,
          deliveredAt: status.state === 'DELIVERED' ? deliveredAt : null,
          carrierEstimate,
          activeExceptionAt: status.activeException ? new Date(status.activeException.occurredAt) : null,
          carrier: lead?.carrier ?? null,
          serviceLevel: lead?.serviceLevel ?? null,
          destinationCountry: received.payload.value.destination?.countryCode || null,
          promisedDate: received.payload.value.promisedDeliveryDate || null,
        },
        settings.transitTable,
        now,
      );

  // What the buyer was first told, before production, carrier or scans were known. A function of
  // order.received and the settings alone, so a rebuild gives it whatever order facts replay in.
  const firstWindow = estimateDeliveryWindow(
    {
      receivedAt: new Date(received.occurredAt ?? received.recordedAt ?? now.toISOString()),
      productionDays: settings.productionDays,
      packedAt: null,
      firstCarrierScanAt: null,
      outForDeliveryAt: null,
      deliveredAt: null,
      carrierEstimate: null,
      activeExceptionAt: null,
      carrier: null,
      serviceLevel: null,
      destinationCountry: received.payload.value.destination?.countryCode || null,
      promisedDate: received.payload.value.promisedDeliveryDate || null,
    },
    settings.transitTable,
    now,
  );

  const value = received.payload.value;
  const currentRank = status.milestoneRank;
  const pickupEnding = Boolean(milestones.AVAILABLE_FOR_PICKUP) && !milestones.OUT_FOR_DELIVERY;
  const exception = status.activeException;
  const publicView: PublicView = {
    orderNumber: value.externalOrderId,
    buyer: { firstName: '', locale: value.buyerLocale || 'en' },
    destination: { city: '', countryCode: value.destination?.countryCode ?? '' },
    status: {
      state: status.state,
      label: stateLabel(status.state),
      milestone: status.milestone ?? null,
      exception: exception
        ? {
            state: exception.state,
            reason: exception.reason ?? null,
            reasonLabel: exception.reason ? reasonLabel(exception.reason) : null,
            occurredAt: exception.occurredAt,
          }
        : null,
      occurredAt: status.occurredAt,
    },
    milestones: BUYER_MILESTONES.map((milestone) => {
      const state: CanonicalState =
        milestone === 'OUT_FOR_DELIVERY' && pickupEnding ? 'AVAILABLE_FOR_PICKUP' : milestone;
      return {
        state,
        label: stateLabel(state),
        reachedAt: milestones[state] ?? null,
        passed: milestoneRank(state) <= currentRank,
        current: status.milestone === state,
      };
    }),
    estimatedDelivery: window
      ? { from: window.from.toISOString(), to: window.to.toISOString(), late: window.late }
      : null,
    shipments: shipments.map(({ validTracking: _valid, ...shipment }) => shipment),
    history: facts.map(({ event, fact }) => historyEntry(event, fact)),
    lastLocation,
    proofOfDelivery:
      status.state === 'DELIVERED' && deliveredAt ? { leftAt, deliveredAt: deliveredAt.toISOString() } : null,
    updatedAt: status.recordedAt,
  };

  return {
    status,
    milestones,
    packedAt,
    firstCarrierScanAt,
    deliveredAt: status.state === 'DELIVERED' ? deliveredAt : null,
    // Tracking facts only: a notification or a buyer's request is not news about the parcel.
    lastEventAt: new Date(
      facts
        .map(({ event }) => event.recordedAt ?? '')
        .sort()
        .at(-1) ?? now,
    ),
    window,
    firstWindowTo: firstWindow.to,
    carriers: [
      ...new Set(shipments.filter((shipment) => !shipment.voided).map((shipment) => shipment.carrier)),
    ],
    validTracking: shipments.some((shipment) => shipment.validTracking),
    publicView,
  };
}
