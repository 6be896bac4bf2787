import { CLOCK_SKEW_TOLERANCE_MS, occurrenceProblem } from './clock';

const now = new Date('2026-12-04T12:00:00Z');
const placed = { at: new Date('2026-12-04T08:00:00Z'), what: 'the order was placed' };
const shifted = (from: Date, ms: number) => new Date(from.getTime() + ms);

describe('the clock rule for reported times', () => {
  it('keeps a time a few minutes ahead of ours or of the order as skew', () => {
    expect(occurrenceProblem(shifted(now, CLOCK_SKEW_TOLERANCE_MS), now, placed)).toBeUndefined();
    expect(occurrenceProblem(shifted(placed.at, -CLOCK_SKEW_TOLERANCE_MS), now, placed)).toBeUndefined();
  });

  it('refuses a time further in the future, saying by how much it may differ', () => {
    expect(occurrenceProblem(shifted(now, CLOCK_SKEW_TOLERANCE_MS + 1), now)).toEqual({
      cause: 'OCCURRED_IN_FUTURE',
      reason: expect.stringMatching(
        /is in the future \(more than 5 minutes ahead of 2026-12-04T12:00:00.000Z\)/,
      ),
    });
  });

  it('refuses a time before the order was placed, naming when it was', () => {
    expect(occurrenceProblem(new Date('2026-12-03T08:00:00Z'), now, placed)).toEqual({
      cause: 'OCCURRED_BEFORE_ORDER',
      reason: expect.stringMatching(/before the order was placed at 2026-12-04T08:00:00.000Z/),
    });
  });
});
