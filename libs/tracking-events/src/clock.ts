/**
 * Every time that comes in from outside (an order's placedAt, a centre's step, a person's manual
 * status, a consent's recordedAt) is taken on the source's clock, and sources' clocks drift from
 * ours. Up to this much is skew and is kept as sent, so the information lag stays measurable;
 * beyond it the time is a mistake (a wrong zone, a wrong date) and is refused with the reason,
 * because one wrong time moves a status the reducer then can never move back.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

export interface OccurrenceProblem {
  cause: 'OCCURRED_IN_FUTURE' | 'OCCURRED_BEFORE_ORDER';
  reason: string;
}

/**
 * Whether a reported time is plausible: not ahead of our clock, and not before the moment it must
 * follow (the order's placement), each beyond the tolerance.
 */
export function occurrenceProblem(
  occurredAt: Date,
  now: Date,
  follows?: { at: Date; what: string },
): OccurrenceProblem | undefined {
  const tolerance = `${CLOCK_SKEW_TOLERANCE_MS / 60_000} minutes`;
  if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_TOLERANCE_MS) {
    return {
      cause: 'OCCURRED_IN_FUTURE',
      reason: `${occurredAt.toISOString()} is in the future (more than ${tolerance} ahead of ${now.toISOString()})`,
    };
  }
  if (follows && occurredAt.getTime() < follows.at.getTime() - CLOCK_SKEW_TOLERANCE_MS) {
    return {
      cause: 'OCCURRED_BEFORE_ORDER',
      reason: `${occurredAt.toISOString()} is before ${follows.what} at ${follows.at.toISOString()} (more than ${tolerance})`,
    };
  }
  return undefined;
}
