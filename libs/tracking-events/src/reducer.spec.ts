import fc from 'fast-check';
import {
  SHIPMENT_IDS,
  eventSetArb,
  isoAt,
  milestoneArb,
  minutesArb,
  nonTerminalExceptionArb,
  trackingEventArb,
} from '../test/arbitraries';
import { trackingEvent } from '../test/factories';
import { reduceOrder, reduceShipment, reduceTrack, type TrackingEvent } from './reducer';
import { CANONICAL_STATES, MILESTONE_STATES, isMilestone, isTerminal, milestoneRank } from './states';

const shipment = (shipmentId: string) => ({ shipmentId });

function latestMinute(events: readonly TrackingEvent[]): number {
  return Math.max(...events.map((event) => (Date.parse(event.occurredAt) - Date.parse(isoAt(0))) / 60_000));
}

describe('reduceTrack', () => {
  it('has no status without events', () => {
    expect(reduceTrack([])).toBeUndefined();
    expect(reduceOrder([])).toBeUndefined();
  });

  it('reports the highest milestone with the times of the event that reached it', () => {
    const picked = trackingEvent('PICKED_UP', 10);
    const transit = trackingEvent('IN_TRANSIT', 20);
    const status = reduceTrack([trackingEvent('PACKED', 5), transit, picked])!;
    expect(status).toMatchObject({
      state: 'IN_TRANSIT',
      milestone: 'IN_TRANSIT',
      milestoneRank: 6,
      decidingEventId: transit.eventId,
      occurredAt: transit.occurredAt,
      recordedAt: transit.recordedAt,
      informationLagMs: 1_000,
      eventCount: 3,
    });
    expect(status.activeException).toBeUndefined();
  });

  it('keeps DELIVERED when a late IN_TRANSIT scan arrives', () => {
    const delivered = trackingEvent('DELIVERED', 30);
    const before = reduceTrack([trackingEvent('IN_TRANSIT', 10), delivered])!;
    const after = reduceTrack([trackingEvent('IN_TRANSIT', 10), delivered, trackingEvent('IN_TRANSIT', 20)])!;
    expect(before.state).toBe('DELIVERED');
    expect(after).toMatchObject({ state: 'DELIVERED', milestoneRank: 8, decidingEventId: delivered.eventId });
  });

  it('ignores carrier noise that occurs after delivery', () => {
    const status = reduceTrack([trackingEvent('DELIVERED', 30), trackingEvent('DELIVERY_ATTEMPTED', 40)])!;
    expect(status.state).toBe('DELIVERED');
    expect(status.activeException).toBeUndefined();
  });

  it('shows an exception with its reason until the parcel moves on', () => {
    const hold = trackingEvent('EXCEPTION', 20, { reason: 'CUSTOMS_HOLD' });
    const held = reduceTrack([trackingEvent('IN_TRANSIT', 10), hold])!;
    expect(held).toMatchObject({
      state: 'EXCEPTION',
      milestone: 'IN_TRANSIT',
      activeException: { state: 'EXCEPTION', reason: 'CUSTOMS_HOLD', eventId: hold.eventId },
    });
    const cleared = reduceTrack([trackingEvent('IN_TRANSIT', 10), hold, trackingEvent('IN_TRANSIT', 30)])!;
    expect(cleared.state).toBe('IN_TRANSIT');
    expect(cleared.activeException).toBeUndefined();
  });

  it('keeps an exception when a scan that occurred before it arrives late', () => {
    const hold = trackingEvent('EXCEPTION', 20, { reason: 'CUSTOMS_HOLD' });
    const status = reduceTrack([trackingEvent('PICKED_UP', 5), hold, trackingEvent('IN_TRANSIT', 15)])!;
    expect(status.state).toBe('EXCEPTION');
    expect(status.milestone).toBe('IN_TRANSIT');
  });

  it('keeps a failed delivery attempt until the parcel is out for delivery again', () => {
    const events = [
      trackingEvent('OUT_FOR_DELIVERY', 10),
      trackingEvent('DELIVERY_ATTEMPTED', 20, { reason: 'RECIPIENT_UNAVAILABLE' }),
      trackingEvent('IN_TRANSIT', 30),
    ];
    expect(reduceTrack(events)!.state).toBe('DELIVERY_ATTEMPTED');
    expect(reduceTrack([...events, trackingEvent('OUT_FOR_DELIVERY', 40)])!.state).toBe('OUT_FOR_DELIVERY');
  });

  it('clears a failed QC when production restarts', () => {
    const events = [
      trackingEvent('ORDER_RECEIVED', 0),
      trackingEvent('IN_PRODUCTION', 5),
      trackingEvent('EXCEPTION', 10, { reason: 'QC_FAILED' }),
    ];
    expect(reduceTrack(events)!.activeException?.reason).toBe('QC_FAILED');
    expect(reduceTrack([...events, trackingEvent('IN_PRODUCTION', 15)])!.state).toBe('IN_PRODUCTION');
  });

  it('keeps RETURNING while the parcel moves back through carrier facilities', () => {
    const events = [
      trackingEvent('IN_TRANSIT', 10),
      trackingEvent('RETURNING', 20, { reason: 'REFUSED' }),
      trackingEvent('IN_TRANSIT', 30),
      trackingEvent('OUT_FOR_DELIVERY', 40),
    ];
    expect(reduceTrack(events)).toMatchObject({
      state: 'RETURNING',
      milestone: 'OUT_FOR_DELIVERY',
      activeException: { state: 'RETURNING', reason: 'REFUSED' },
    });
    expect(reduceTrack([...events, trackingEvent('RETURNED', 50)])!.state).toBe('RETURNED');
  });

  it('shows RETURNING again once an exception on the way back clears', () => {
    const events = [
      trackingEvent('IN_TRANSIT', 10),
      trackingEvent('RETURNING', 20),
      trackingEvent('EXCEPTION', 30, { reason: 'WEATHER_FORCE_MAJEURE' }),
    ];
    expect(reduceTrack(events)!.state).toBe('EXCEPTION');
    expect(reduceTrack([...events, trackingEvent('IN_TRANSIT', 40)])!.state).toBe('RETURNING');
  });

  it('lets the first terminal event decide: a cancellation after delivery keeps DELIVERED', () => {
    expect(reduceTrack([trackingEvent('DELIVERED', 10), trackingEvent('CANCELLED', 20)])!.state).toBe(
      'DELIVERED',
    );
    expect(reduceTrack([trackingEvent('CANCELLED', 10), trackingEvent('DELIVERED', 20)])).toMatchObject({
      state: 'CANCELLED',
      milestone: 'DELIVERED',
    });
  });

  it('breaks ties on the same instant by rank, then event id, with exceptions after milestones', () => {
    const transit = { ...trackingEvent('IN_TRANSIT', 10), eventId: 'b' };
    const hold = { ...trackingEvent('EXCEPTION', 10), eventId: 'a' };
    expect(reduceTrack([transit, hold])!.state).toBe('EXCEPTION');
    const outForDelivery = { ...trackingEvent('OUT_FOR_DELIVERY', 10), eventId: 'z' };
    const pickup = { ...trackingEvent('AVAILABLE_FOR_PICKUP', 10), eventId: 'y' };
    expect(reduceTrack([outForDelivery, pickup])!.state).toBe('OUT_FOR_DELIVERY');
  });

  it('orders events by sub-millisecond occurrence times', () => {
    const first = {
      ...trackingEvent('EXCEPTION', 0),
      occurredAt: '2026-11-20T10:00:00.000100Z',
      eventId: 'z',
    };
    const second = {
      ...trackingEvent('IN_TRANSIT', 0),
      occurredAt: '2026-11-20T10:00:00.000200Z',
      eventId: 'a',
    };
    expect(reduceTrack([second, first])!.state).toBe('IN_TRANSIT');
  });

  it('reports a negative information lag when the source clock is ahead', () => {
    const event = { ...trackingEvent('PICKED_UP', 10), recordedAt: isoAt(10, -2_000) };
    expect(reduceTrack([event])!.informationLagMs).toBe(-2_000);
  });

  it('rejects an event with an unparseable time', () => {
    expect(() => reduceTrack([{ ...trackingEvent('PICKED_UP', 0), occurredAt: 'yesterday-ish' }])).toThrow(
      expect.objectContaining({ code: 'MALFORMED_EVENT' }),
    );
  });

  it('gives the same status for any arrival order of the same events, with duplicates', () => {
    const withDuplicatesArb = eventSetArb().chain((events) =>
      fc
        .array(fc.nat({ max: events.length - 1 }), { maxLength: 10 })
        .chain((copies) =>
          fc.shuffledSubarray([...events, ...copies.map((index) => ({ ...events[index]! }))], {
            minLength: events.length + copies.length,
          }),
        )
        .map((arrival) => ({ events, arrival })),
    );
    fc.assert(
      fc.property(withDuplicatesArb, ({ events, arrival }) => {
        expect(reduceTrack(arrival)).toStrictEqual(reduceTrack(events));
        expect(reduceOrder(arrival)).toStrictEqual(reduceOrder(events));
      }),
      { numRuns: 500 },
    );
  });

  it('picks the same copy of a conflicting duplicate whichever arrives first', () => {
    fc.assert(
      fc.property(eventSetArb(), trackingEventArb(), (events, conflicting) => {
        const twin = { ...conflicting, eventId: events[0]!.eventId };
        expect(reduceOrder([...events, twin])).toStrictEqual(reduceOrder([twin, ...events].reverse()));
      }),
    );
  });

  it('never moves progress backwards when another event arrives, however late', () => {
    fc.assert(
      fc.property(eventSetArb(), trackingEventArb(), (events, late) => {
        const before = reduceTrack(events)!;
        const after = reduceTrack([...events, late])!;
        expect(after.milestoneRank).toBeGreaterThanOrEqual(before.milestoneRank);
      }),
      { numRuns: 500 },
    );
  });

  it('never changes a terminal state when non-terminal events arrive later', () => {
    const nonTerminal = trackingEventArb({ states: CANONICAL_STATES.filter((state) => !isTerminal(state)) });
    fc.assert(
      fc.property(eventSetArb(), fc.array(nonTerminal, { maxLength: 5 }), (events, late) => {
        const before = reduceTrack(events)!;
        fc.pre(isTerminal(before.state));
        expect(reduceTrack([...events, ...late])!.state).toBe(before.state);
      }),
    );
  });

  it('clears an exception when a later-occurring event moves progress on', () => {
    const scenarioArb = fc.record({
      events: eventSetArb({
        states: MILESTONE_STATES.filter((state) => state !== 'DELIVERED'),
        shipmentIds: [undefined],
      }),
      exception: nonTerminalExceptionArb,
      reason: fc.constantFrom('CARRIER_DELAY', 'ADDRESS_ISSUE', 'CUSTOMS_HOLD' as const),
      gap: fc.integer({ min: 1, max: 30 }),
      next: milestoneArb,
    });
    fc.assert(
      fc.property(scenarioArb, ({ events, exception, reason, gap, next }) => {
        const last = latestMinute(events);
        const raised = trackingEvent(exception, last + gap, { reason });
        const withException = reduceTrack([...events, raised])!;
        expect(withException.activeException).toMatchObject({ state: exception, eventId: raised.eventId });
        fc.pre(milestoneRank(next) >= withException.milestoneRank);

        const movedOn = reduceTrack([...events, raised, trackingEvent(next, last + gap + 1)])!;
        expect(movedOn.activeException).toBeUndefined();
        expect(isMilestone(movedOn.state)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an exception when only earlier-occurring or lesser progress arrives', () => {
    fc.assert(
      fc.property(
        eventSetArb({
          states: MILESTONE_STATES.filter((state) => state !== 'DELIVERED'),
          shipmentIds: [undefined],
        }),
        nonTerminalExceptionArb,
        milestoneArb.filter((state) => state !== 'DELIVERED'),
        fc.boolean(),
        (events, exception, progress, earlier) => {
          const last = latestMinute(events);
          const raised = trackingEvent(exception, last + 10);
          const rank = reduceTrack([...events, raised])!.milestoneRank;
          fc.pre(earlier || milestoneRank(progress) < rank);
          const late = trackingEvent(progress, earlier ? last + 5 : last + 20);
          expect(reduceTrack([...events, raised, late])!.activeException?.eventId).toBe(raised.eventId);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports the information lag of the deciding event', () => {
    fc.assert(
      fc.property(eventSetArb(), (events) => {
        const status = reduceTrack(events)!;
        const deciding = events.find((event) => event.eventId === status.decidingEventId)!;
        expect(status.informationLagMs).toBe(
          Date.parse(deciding.recordedAt) - Date.parse(deciding.occurredAt),
        );
        expect(status.state).toBe(deciding.state);
      }),
    );
  });
});

describe('reduceOrder', () => {
  const orderHistory = () => [
    trackingEvent('ORDER_RECEIVED', 0),
    trackingEvent('IN_PRODUCTION', 10),
    trackingEvent('PRODUCTION_COMPLETED', 20),
    trackingEvent('PACKED', 30),
  ];

  it('is the order-level track until shipments exist', () => {
    const status = reduceOrder(orderHistory())!;
    expect(status).toMatchObject({
      state: 'PACKED',
      shipmentCount: 0,
      shipments: [],
      partiallyDelivered: false,
    });
    expect(status.decidingShipmentId).toBeUndefined();
  });

  it('gives every shipment at least the order production progress', () => {
    const status = reduceOrder([...orderHistory(), trackingEvent('INFO_RECEIVED', 35, shipment('shp-a'))])!;
    expect(status.shipments[0]).toMatchObject({
      shipmentId: 'shp-a',
      state: 'INFO_RECEIVED',
      milestone: 'PACKED',
    });
  });

  it('derives a partly delivered order from its least-advanced shipment', () => {
    const status = reduceOrder([
      ...orderHistory(),
      trackingEvent('PACKED', 31, shipment('shp-a')),
      trackingEvent('PACKED', 31, shipment('shp-b')),
      trackingEvent('DELIVERED', 90, shipment('shp-a')),
      trackingEvent('IN_TRANSIT', 60, shipment('shp-b')),
    ])!;
    expect(status).toMatchObject({
      state: 'IN_TRANSIT',
      milestone: 'IN_TRANSIT',
      shipmentCount: 2,
      deliveredCount: 1,
      partiallyDelivered: true,
      decidingShipmentId: 'shp-b',
    });
    expect(status.shipments.map((s) => [s.shipmentId, s.state])).toEqual([
      ['shp-a', 'DELIVERED'],
      ['shp-b', 'IN_TRANSIT'],
    ]);
  });

  it('shows the most recent exception of any shipment on the order', () => {
    const status = reduceOrder([
      ...orderHistory(),
      trackingEvent('IN_TRANSIT', 50, shipment('shp-a')),
      trackingEvent('OUT_FOR_DELIVERY', 50, shipment('shp-b')),
      trackingEvent('EXCEPTION', 60, { ...shipment('shp-a'), reason: 'DAMAGED' }),
      trackingEvent('DELIVERY_ATTEMPTED', 70, { ...shipment('shp-b'), reason: 'RECIPIENT_UNAVAILABLE' }),
    ])!;
    expect(status).toMatchObject({
      state: 'DELIVERY_ATTEMPTED',
      milestone: 'IN_TRANSIT',
      activeException: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE', shipmentId: 'shp-b' },
      decidingShipmentId: 'shp-b',
    });
  });

  it('is DELIVERED once every shipment is, decided by the last delivery', () => {
    const last = trackingEvent('DELIVERED', 95, shipment('shp-b'));
    const status = reduceOrder([...orderHistory(), trackingEvent('DELIVERED', 90, shipment('shp-a')), last])!;
    expect(status).toMatchObject({
      state: 'DELIVERED',
      deliveredCount: 2,
      partiallyDelivered: false,
      decidingEventId: last.eventId,
    });
  });

  it('stops counting a shipment whose label was voided', () => {
    const status = reduceOrder([
      ...orderHistory(),
      trackingEvent('PACKED', 31, shipment('shp-a')),
      trackingEvent('CANCELLED', 32, { ...shipment('shp-a'), reason: 'OTHER' }),
      trackingEvent('PICKED_UP', 40, shipment('shp-b')),
    ])!;
    expect(status).toMatchObject({ state: 'PICKED_UP', shipmentCount: 1, decidingShipmentId: 'shp-b' });
    expect(status.shipments.find((s) => s.shipmentId === 'shp-a')).toMatchObject({
      state: 'CANCELLED',
      voided: true,
    });
  });

  it('falls back to the order track, keeping its progress, when every label was voided', () => {
    const status = reduceOrder([
      ...orderHistory(),
      trackingEvent('PACKED', 31, shipment('shp-a')),
      trackingEvent('CANCELLED', 32, shipment('shp-a')),
    ])!;
    expect(status).toMatchObject({ state: 'PACKED', milestone: 'PACKED', shipmentCount: 0 });
  });

  it('is CANCELLED when the whole order is cancelled', () => {
    const status = reduceOrder([
      ...orderHistory(),
      trackingEvent('PACKED', 31, shipment('shp-a')),
      trackingEvent('CANCELLED', 40),
    ])!;
    expect(status).toMatchObject({ state: 'CANCELLED', shipmentCount: 1 });
    expect(status.shipments[0]).toMatchObject({ state: 'CANCELLED', voided: false });
  });

  it('reduces one shipment the same way the order does', () => {
    fc.assert(
      fc.property(eventSetArb(), fc.constantFrom(...SHIPMENT_IDS), (events, shipmentId) => {
        const fromOrder = reduceOrder(events)!.shipments.find((s) => s.shipmentId === shipmentId);
        expect(reduceShipment(shipmentId, events)).toStrictEqual(fromOrder);
      }),
    );
  });

  it('derives one order status from its shipments', () => {
    fc.assert(
      fc.property(eventSetArb({ maxLength: 30 }), (events) => {
        const order = reduceOrder(events)!;
        const ids = [
          ...new Set(events.flatMap((event) => (event.shipmentId ? [event.shipmentId] : []))),
        ].sort();
        expect(order.shipments.map((s) => s.shipmentId)).toEqual(ids);

        const counting = order.shipments.filter((s) => !s.voided);
        expect(order.shipmentCount).toBe(counting.length);
        if (counting.length === 0) return;

        const delivered = counting.filter((s) => s.state === 'DELIVERED').length;
        expect(order.deliveredCount).toBe(delivered);
        expect(order.partiallyDelivered).toBe(delivered > 0 && delivered < counting.length);
        expect(order.state === 'DELIVERED').toBe(delivered === counting.length);
        expect(order.milestoneRank).toBe(Math.min(...counting.map((s) => s.milestoneRank)));

        const decider = counting.find((s) => s.shipmentId === order.decidingShipmentId)!;
        expect(decider).toBeDefined();
        expect(order.state).toBe(decider.state);
        expect(order.decidingEventId).toBe(decider.decidingEventId);
        if (counting.some((s) => s.activeException) && delivered < counting.length) {
          expect(order.activeException).toBeDefined();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never moves order progress backwards when a late event for a known shipment or the order arrives', () => {
    fc.assert(
      fc.property(eventSetArb(), trackingEventArb(), (events, late) => {
        const known = new Set(events.map((event) => event.shipmentId));
        fc.pre(late.shipmentId === undefined || known.has(late.shipmentId));
        const before = reduceOrder(events)!;
        const after = reduceOrder([...events, late])!;
        expect(after.milestoneRank).toBeGreaterThanOrEqual(before.milestoneRank);
        for (const shipmentBefore of before.shipments) {
          const shipmentAfter = after.shipments.find((s) => s.shipmentId === shipmentBefore.shipmentId)!;
          expect(shipmentAfter.milestoneRank).toBeGreaterThanOrEqual(shipmentBefore.milestoneRank);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the order time fields on the deciding event', () => {
    fc.assert(
      fc.property(eventSetArb({ minutes: minutesArb }), (events) => {
        const order = reduceOrder(events)!;
        const deciding = events.find((event) => event.eventId === order.decidingEventId)!;
        expect(order.occurredAt).toBe(deciding.occurredAt);
        expect(order.recordedAt).toBe(deciding.recordedAt);
      }),
    );
  });
});
