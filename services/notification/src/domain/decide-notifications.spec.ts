import {
  decideOrderConfirmation,
  decideStatusNotifications,
  NO_PROGRESS,
  type ObservedStatus,
  type OrderProgress,
} from './decide-notifications';

const NOW = new Date('2026-12-01T12:00:00Z');
const policy = {
  now: NOW,
  maxEventAgeMs: 48 * 3_600_000,
  coalesceMs: 5_000,
  feedbackDelayMs: 72 * 3_600_000,
};
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const day = (iso: string) => new Date(`${iso}T18:00:00Z`);

function status(partial: Partial<ObservedStatus> & Pick<ObservedStatus, 'state'>): ObservedStatus {
  const ranks: Record<string, number> = {
    ORDER_RECEIVED: 1,
    PACKED: 4,
    PICKED_UP: 5,
    IN_TRANSIT: 6,
    OUT_FOR_DELIVERY: 7,
    AVAILABLE_FOR_PICKUP: 7,
    DELIVERED: 8,
  };
  const milestone = partial.milestone ?? (partial.state in ranks ? partial.state : null);
  return {
    milestone,
    milestoneRank: milestone ? ranks[milestone]! : 0,
    exception: null,
    occurredAt: minutesAgo(10),
    estimatedFrom: null,
    estimatedTo: null,
    late: false,
    ...partial,
  };
}

function decide(observed: ObservedStatus, previous: OrderProgress = NO_PROGRESS) {
  const decision = decideStatusNotifications(observed, previous, policy);
  if (decision.ignored !== undefined) throw new Error(`ignored: ${decision.ignored}`);
  return decision;
}

describe('decideStatusNotifications', () => {
  it('tells the first carrier scan as "shipped", held for the coalescing window', () => {
    const { intents } = decide(status({ state: 'PICKED_UP' }));
    expect(intents).toEqual([
      expect.objectContaining({
        kind: 'shipped',
        dedupeKey: 'shipped',
        rank: 5,
        skip: null,
        sendAfter: new Date(NOW.getTime() + 5_000),
      }),
    ]);
  });

  it('counts a first scan that is already in transit as shipped, and in-transit after shipped as nothing', () => {
    const first = decide(status({ state: 'IN_TRANSIT' }));
    expect(first.intents.map((i) => i.kind)).toEqual(['shipped']);
    const again = decide(status({ state: 'IN_TRANSIT', occurredAt: minutesAgo(5) }), first.progress);
    expect(again.intents).toEqual([]);
  });

  it('says nothing about production milestones', () => {
    expect(decide(status({ state: 'PACKED' })).intents).toEqual([]);
  });

  it('schedules the feedback request the configured time after delivery', () => {
    const deliveredAt = minutesAgo(30);
    const { intents } = decide(status({ state: 'DELIVERED', occurredAt: deliveredAt }));
    expect(intents.map((i) => [i.kind, i.sendAfter.toISOString()])).toEqual([
      ['delivered', new Date(NOW.getTime() + 5_000).toISOString()],
      ['feedback_request', new Date(deliveredAt.getTime() + 72 * 3_600_000).toISOString()],
    ]);
  });

  it('tells an exception with its state and reason, once per state and reason', () => {
    const observed = status({
      state: 'DELIVERY_ATTEMPTED',
      milestone: 'OUT_FOR_DELIVERY',
      exception: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' },
    });
    const { intents } = decide(observed);
    expect(intents).toEqual([
      expect.objectContaining({
        kind: 'exception',
        dedupeKey: 'exception:DELIVERY_ATTEMPTED:RECIPIENT_UNAVAILABLE',
        triggerState: 'DELIVERY_ATTEMPTED',
        triggerReason: 'RECIPIENT_UNAVAILABLE',
        rank: 7,
      }),
    ]);
  });

  it('raises a delay when the window moves to a later day or the order becomes late, not for the same window', () => {
    const shipped = decide(status({ state: 'PICKED_UP', estimatedTo: day('2026-12-03') }));
    expect(shipped.progress.announcedWindowTo).toEqual(day('2026-12-03'));
    const sameDay = decide(
      status({
        state: 'IN_TRANSIT',
        occurredAt: minutesAgo(8),
        estimatedTo: new Date('2026-12-03T20:00:00Z'),
      }),
      shipped.progress,
    );
    expect(sameDay.intents).toEqual([]);
    const later = decide(
      status({ state: 'IN_TRANSIT', occurredAt: minutesAgo(6), estimatedTo: day('2026-12-05') }),
      sameDay.progress,
    );
    expect(later.intents).toEqual([
      expect.objectContaining({ kind: 'delay', dedupeKey: 'delay:2026-12-05' }),
    ]);
    const late = decide(
      status({ state: 'IN_TRANSIT', occurredAt: minutesAgo(4), estimatedTo: day('2026-12-05'), late: true }),
      later.progress,
    );
    expect(late.intents).toEqual([expect.objectContaining({ kind: 'delay' })]);
    const stillLate = decide(
      status({ state: 'IN_TRANSIT', occurredAt: minutesAgo(2), estimatedTo: day('2026-12-05'), late: true }),
      late.progress,
    );
    expect(stillLate.intents).toEqual([]);
  });

  it('ignores a status older than the one known, so a straggler never moves messages backwards', () => {
    const delivered = decide(status({ state: 'DELIVERED', occurredAt: minutesAgo(5) }));
    expect(
      decideStatusNotifications(
        status({ state: 'IN_TRANSIT', occurredAt: minutesAgo(60) }),
        delivered.progress,
        policy,
      ),
    ).toEqual({
      ignored: 'older than the status already known',
    });
  });

  it('records a status older than the maximum age instead of sending it', () => {
    const { intents } = decide(status({ state: 'OUT_FOR_DELIVERY', occurredAt: minutesAgo(49 * 60) }));
    expect(intents[0]!.skip).toBe(
      'the status occurred 49 h ago, more than NOTIFICATION_MAX_EVENT_AGE_MS allows',
    );
  });

  it('withdraws pending messages on cancellation and says nothing afterwards', () => {
    const cancelled = decide(status({ state: 'CANCELLED', milestone: 'PACKED', occurredAt: minutesAgo(8) }));
    expect(cancelled).toMatchObject({ intents: [], cancelsPending: true, progress: { cancelled: true } });
    expect(
      decide(status({ state: 'PACKED', occurredAt: minutesAgo(4) }), cancelled.progress).intents,
    ).toEqual([]);
  });
});

describe('decideOrderConfirmation', () => {
  it('confirms a new order', () => {
    expect(decideOrderConfirmation(minutesAgo(1), NO_PROGRESS, policy).intent).toMatchObject({
      kind: 'order_confirmation',
      skip: null,
    });
  });

  it('records, not sends, a confirmation that arrives after a later status or a cancellation', () => {
    const later = { ...NO_PROGRESS, notifiedRank: 5 };
    expect(decideOrderConfirmation(minutesAgo(1), later, policy).intent.skip).toBe(
      'superseded: a later status was already notified',
    );
    expect(
      decideOrderConfirmation(minutesAgo(1), { ...NO_PROGRESS, cancelled: true }, policy).intent.skip,
    ).toBe('the order was cancelled');
  });
});
