/**
 * The status reducer: what state an order and each of its shipments are in, as a pure
 * function of the SET of tracking events known about the order. Every consumer that shows or
 * acts on a status calls it, so they all agree.
 *
 * Rules, for one track (a shipment, or the order before it has shipments):
 * - Events are deduplicated by event id and ordered by when they occurred (source clock); on
 *   an equal instant milestones come before the other states, lower ranks before higher, and
 *   the event id breaks what is left. Arrival order and duplicates never matter.
 * - Progress (`milestone`) is the highest milestone among all events, so no event, however
 *   late, moves it backwards.
 * - An exception (DELIVERY_ATTEMPTED, EXCEPTION, EXPIRED, NOT_RECOGNIZED, INFO_RECEIVED) is
 *   active until an event occurring after it reaches at least the milestone held when the
 *   exception occurred: an IN_TRANSIT scan after a customs hold clears it, a late PICKED_UP
 *   does not. A later exception replaces an earlier one.
 * - RETURNING sticks: parcels on their way back keep producing transit scans, which must not
 *   read as progress towards the buyer. Only RETURNED or DELIVERED end it; another exception
 *   shows over it and, once cleared, RETURNING shows again.
 * - DELIVERED, RETURNED and CANCELLED are terminal: the first to occur decides the state and
 *   nothing occurring after it changes the state (progress still counts later milestones).
 *   So a cancellation after delivery keeps DELIVERED, and carrier noise after delivery is
 *   ignored.
 *
 * For an order: events without a shipment id (ORDER_RECEIVED..PACKED from production,
 * CANCELLED of the whole order, production exceptions) belong to every shipment's track, so
 * a shipment never shows less than the order's production progress. Then:
 * - A shipment with a CANCELLED event of its own is voided (its label was voided) and no
 *   longer counts. With no shipment left that counts, the order is its order-level track plus
 *   the voided shipments' other events, so its progress stays where it got to.
 * - Order progress is the least-advanced counting shipment's (an order is as far as its
 *   slowest parcel).
 * - The order state is DELIVERED when every counting shipment is; otherwise the most
 *   recently raised active exception among them (trouble on any parcel is what buyer and
 *   merchant need to see); otherwise the least-advanced shipment's state.
 *   `partiallyDelivered` is set when some but not all counting shipments are delivered.
 */
import { TrackingError } from '@tracking/errors';
import {
  isMilestone,
  isTerminal,
  milestoneRank,
  type CanonicalReasonCode,
  type CanonicalState,
  type ExceptionState,
  type MilestoneState,
} from './states';

/** One fact about an order or a shipment, in the canonical vocabulary. */
export interface TrackingEvent {
  /** The envelope's event id: the set is deduplicated on it. */
  readonly eventId: string;
  readonly state: CanonicalState;
  readonly reason?: CanonicalReasonCode;
  /** ISO 8601 / RFC 3339, source clock. */
  readonly occurredAt: string;
  /** ISO 8601 / RFC 3339, our clock. */
  readonly recordedAt: string;
  /** Unset for order-level events. */
  readonly shipmentId?: string;
  /** Where the fact came from, e.g. "ups" or "carrier-ingest"; not used to decide anything. */
  readonly source?: string;
}

export interface StatusException {
  readonly state: ExceptionState;
  readonly reason?: CanonicalReasonCode;
  readonly eventId: string;
  readonly occurredAt: string;
  /** The shipment the exception was raised on; unset for order-level exceptions. */
  readonly shipmentId?: string;
}

export interface TrackStatus {
  readonly state: CanonicalState;
  /** The highest milestone reached; unset when only non-milestone events are known. */
  readonly milestone?: MilestoneState;
  /** 1..8, 0 without a milestone. */
  readonly milestoneRank: number;
  /** Set whenever `state` is not a milestone. */
  readonly activeException?: StatusException;
  /** The event that decided `state`; its times are the status's times. */
  readonly decidingEventId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** recordedAt - occurredAt of the deciding event; negative means the source clock is ahead. */
  readonly informationLagMs: number;
  /** Distinct events the status was derived from. */
  readonly eventCount: number;
}

export interface ShipmentStatus extends TrackStatus {
  readonly shipmentId: string;
  /** It has a CANCELLED event of its own (a voided label) and no longer counts for the order. */
  readonly voided: boolean;
}

export interface OrderStatus extends TrackStatus {
  /** Every shipment, voided ones included, ordered by shipment id. */
  readonly shipments: readonly ShipmentStatus[];
  /** Shipments that count (not voided). */
  readonly shipmentCount: number;
  readonly deliveredCount: number;
  /** Some but not all counting shipments are delivered. */
  readonly partiallyDelivered: boolean;
  /** The shipment whose status decided the order's; unset when no shipment counts. */
  readonly decidingShipmentId?: string;
}

/** An event with its position in occurrence order worked out once. */
interface Placed {
  readonly event: TrackingEvent;
  readonly at: number;
  /** Sub-millisecond part of occurredAt, in nanoseconds, so microsecond clocks still order. */
  readonly atNanos: number;
  readonly rank: number;
}

/** Non-milestone states sort after every milestone at the same instant, so on a tie the exception stands. */
const NON_MILESTONE_SORT_RANK = 9;

const FRACTION = /\.(\d+)/;

function instant(value: string, field: string, eventId: string): { at: number; atNanos: number } {
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    throw new TrackingError(
      'MALFORMED_EVENT',
      `Tracking event ${eventId} has an unparseable ${field}: "${value}"`,
      {
        details: { eventId, field, value },
      },
    );
  }
  const digits = FRACTION.exec(value)?.[1] ?? '';
  return { at, atNanos: Number(digits.slice(3, 9).padEnd(6, '0')) };
}

function place(event: TrackingEvent): Placed {
  instant(event.recordedAt, 'recordedAt', event.eventId);
  return {
    event,
    ...instant(event.occurredAt, 'occurredAt', event.eventId),
    rank: isMilestone(event.state) ? milestoneRank(event.state) : NON_MILESTONE_SORT_RANK,
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOccurrence(a: Placed, b: Placed): number {
  return (
    a.at - b.at ||
    a.atNanos - b.atNanos ||
    a.rank - b.rank ||
    compareStrings(a.event.eventId, b.event.eventId)
  );
}

function fingerprint(event: TrackingEvent): string {
  const { state, reason, occurredAt, recordedAt, shipmentId, source } = event;
  return JSON.stringify([state, reason ?? '', occurredAt, recordedAt, shipmentId ?? '', source ?? '']);
}

/**
 * One event per id. Two different events under one id are a producer bug; picking the
 * smaller fingerprint keeps the answer independent of which copy arrived first.
 */
function distinctPlaced(events: Iterable<TrackingEvent>): Placed[] {
  const byId = new Map<string, TrackingEvent>();
  for (const event of events) {
    const seen = byId.get(event.eventId);
    if (seen === undefined || (seen !== event && fingerprint(event) < fingerprint(seen)))
      byId.set(event.eventId, event);
  }
  return [...byId.values()].map(place).sort(compareOccurrence);
}

function exceptionOf(placed: Placed): StatusException {
  const { state, reason, eventId, occurredAt, shipmentId } = placed.event;
  return {
    state: state as ExceptionState,
    ...(reason === undefined ? {} : { reason }),
    eventId,
    occurredAt,
    ...(shipmentId ? { shipmentId } : {}),
  };
}

function lagMs(event: TrackingEvent): number {
  return Date.parse(event.recordedAt) - Date.parse(event.occurredAt);
}

/** Folds one track, already deduplicated and in occurrence order. */
function foldTrack(track: readonly Placed[]): TrackStatus | undefined {
  let top: Placed | undefined;
  let exception: Placed | undefined;
  let exceptionFloor = 0;
  let returning: Placed | undefined;
  let terminal: Placed | undefined;

  for (const placed of track) {
    const { state } = placed.event;
    if (isMilestone(state)) {
      if (top === undefined || placed.rank >= top.rank) top = placed;
      if (terminal !== undefined) continue;
      if (state === 'DELIVERED') terminal = placed;
      else if (exception !== undefined && placed.rank >= exceptionFloor) exception = undefined;
      continue;
    }
    if (terminal !== undefined) continue;
    if (isTerminal(state)) {
      terminal = placed;
    } else if (state === 'RETURNING') {
      returning = placed;
      exception = undefined;
    } else {
      exception = placed;
      exceptionFloor = top?.rank ?? 0;
    }
  }

  const deciding = terminal ?? exception ?? returning ?? top;
  if (deciding === undefined) return undefined;
  const { event } = deciding;
  return {
    state: event.state,
    ...(top === undefined ? {} : { milestone: top.event.state as MilestoneState }),
    milestoneRank: top?.rank ?? 0,
    ...(isMilestone(event.state) ? {} : { activeException: exceptionOf(deciding) }),
    decidingEventId: event.eventId,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    informationLagMs: lagMs(event),
    eventCount: track.length,
  };
}

function mergeOccurrence(a: readonly Placed[], b: readonly Placed[]): Placed[] {
  return [...a, ...b].sort(compareOccurrence);
}

/** The status of one track (all events taken as one shipment, or one order without shipments). */
export function reduceTrack(events: Iterable<TrackingEvent>): TrackStatus | undefined {
  return foldTrack(distinctPlaced(events));
}

function orderLevel(placed: Placed): boolean {
  return !placed.event.shipmentId;
}

function shipmentStatuses(all: readonly Placed[]): ShipmentStatus[] {
  const orderEvents = all.filter(orderLevel);
  const byShipment = new Map<string, Placed[]>();
  for (const placed of all) {
    const { shipmentId } = placed.event;
    if (!shipmentId) continue;
    const own = byShipment.get(shipmentId);
    if (own === undefined) byShipment.set(shipmentId, [placed]);
    else own.push(placed);
  }
  return [...byShipment.keys()].sort(compareStrings).map((shipmentId) => {
    const own = byShipment.get(shipmentId) as Placed[];
    const status = foldTrack(mergeOccurrence(orderEvents, own)) as TrackStatus;
    return { shipmentId, ...status, voided: own.some((placed) => placed.event.state === 'CANCELLED') };
  });
}

/** The status of one shipment: its own events plus the order-level ones. */
export function reduceShipment(
  shipmentId: string,
  events: Iterable<TrackingEvent>,
): ShipmentStatus | undefined {
  const relevant = distinctPlaced(events).filter(
    (placed) => orderLevel(placed) || placed.event.shipmentId === shipmentId,
  );
  return shipmentStatuses(relevant).find((status) => status.shipmentId === shipmentId);
}

function latestBy<T>(
  items: readonly T[],
  key: (item: T) => { occurredAt: string; state: CanonicalState; eventId: string },
): T {
  const placedOf = (item: T): Placed => {
    const { occurredAt, state, eventId } = key(item);
    return place({ eventId, state, occurredAt, recordedAt: occurredAt });
  };
  return items.reduce((best, item) => (compareOccurrence(placedOf(item), placedOf(best)) > 0 ? item : best));
}

function leastAdvanced(shipments: readonly ShipmentStatus[]): ShipmentStatus {
  return shipments.reduce((best, shipment) =>
    shipment.milestoneRank < best.milestoneRank ||
    (shipment.milestoneRank === best.milestoneRank &&
      compareStrings(shipment.shipmentId, best.shipmentId) < 0)
      ? shipment
      : best,
  );
}

/** The status of an order and of each of its shipments, derived from all of the order's events. */
export function reduceOrder(events: Iterable<TrackingEvent>): OrderStatus | undefined {
  const all = distinctPlaced(events);
  if (all.length === 0) return undefined;
  const shipments = shipmentStatuses(all);
  const counting = shipments.filter((shipment) => !shipment.voided);

  if (counting.length === 0) {
    const fallback = all.filter((placed) => orderLevel(placed) || placed.event.state !== 'CANCELLED');
    const status = foldTrack(fallback.length > 0 ? fallback : all) as TrackStatus;
    return {
      ...status,
      eventCount: all.length,
      shipments,
      shipmentCount: 0,
      deliveredCount: 0,
      partiallyDelivered: false,
    };
  }

  const delivered = counting.filter((shipment) => shipment.state === 'DELIVERED');
  const troubled = counting.filter((shipment) => shipment.activeException !== undefined);
  const slowest = leastAdvanced(counting);
  const decider =
    delivered.length === counting.length
      ? latestBy(delivered, (shipment) => ({ ...shipment, eventId: shipment.decidingEventId }))
      : troubled.length > 0
        ? latestBy(troubled, (shipment) => shipment.activeException as StatusException)
        : slowest;

  return {
    state: decider.state,
    ...(slowest.milestone === undefined ? {} : { milestone: slowest.milestone }),
    milestoneRank: slowest.milestoneRank,
    ...(decider.activeException === undefined ? {} : { activeException: decider.activeException }),
    decidingEventId: decider.decidingEventId,
    occurredAt: decider.occurredAt,
    recordedAt: decider.recordedAt,
    informationLagMs: decider.informationLagMs,
    eventCount: all.length,
    shipments,
    shipmentCount: counting.length,
    deliveredCount: delivered.length,
    partiallyDelivered: delivered.length > 0 && delivered.length < counting.length,
    decidingShipmentId: decider.shipmentId,
  };
}
