import fc from 'fast-check';
import type { TrackingEvent } from '../src/reducer';
import {
  CANONICAL_STATES,
  EXCEPTION_STATES,
  MILESTONE_STATES,
  REASON_CODES,
  type CanonicalState,
} from '../src/states';

const BASE_TIME = Date.parse('2026-11-20T00:00:00.000Z');

export const SHIPMENT_IDS = ['shp-a', 'shp-b', 'shp-c'] as const;

/** A few minutes' range only, so equal instants (and the tie-break) come up often. */
export const minutesArb = fc.integer({ min: 0, max: 40 });

export function isoAt(minutes: number, extraMs = 0): string {
  return new Date(BASE_TIME + minutes * 60_000 + extraMs).toISOString();
}

export interface EventOptions {
  states?: readonly CanonicalState[];
  shipmentIds?: ReadonlyArray<string | undefined>;
  minutes?: fc.Arbitrary<number>;
}

export function trackingEventArb(options: EventOptions = {}): fc.Arbitrary<TrackingEvent> {
  const shipmentIds = options.shipmentIds ?? [undefined, ...SHIPMENT_IDS];
  return fc
    .record({
      eventId: fc.uuid(),
      state: fc.constantFrom(...(options.states ?? CANONICAL_STATES)),
      reason: fc.option(fc.constantFrom(...REASON_CODES), { nil: undefined }),
      minutes: options.minutes ?? minutesArb,
      lagMs: fc.integer({ min: -5_000, max: 3_600_000 }),
      shipmentId: fc.constantFrom(...shipmentIds),
    })
    .map(({ eventId, state, reason, minutes, lagMs, shipmentId }) => ({
      eventId,
      state,
      ...(reason === undefined ? {} : { reason }),
      occurredAt: isoAt(minutes),
      recordedAt: isoAt(minutes, lagMs),
      ...(shipmentId === undefined ? {} : { shipmentId }),
    }));
}

/** A set of events with distinct ids. */
export function eventSetArb(
  options: EventOptions & { maxLength?: number } = {},
): fc.Arbitrary<TrackingEvent[]> {
  return fc.uniqueArray(trackingEventArb(options), {
    selector: (event) => event.eventId,
    minLength: 1,
    maxLength: options.maxLength ?? 25,
  });
}

export const milestoneArb = fc.constantFrom(...MILESTONE_STATES);

export const nonTerminalExceptionArb = fc.constantFrom(
  ...EXCEPTION_STATES.filter(
    (state) => state !== 'RETURNED' && state !== 'CANCELLED' && state !== 'RETURNING',
  ),
);
