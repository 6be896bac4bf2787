import fc from 'fast-check';
import { reduceTrack, type TrackingEvent } from './reducer';
import {
  CANONICAL_STATES,
  REASON_CODES,
  TERMINAL_STATES,
  isMilestone,
  milestoneRank,
  type CanonicalState,
} from './states';
import {
  INITIAL_STATE,
  TRACKING_TRANSITIONS,
  canTransition,
  checkTrackingTransitions,
  checkTransitionGraph,
} from './transitions';

function reachableFrom(initial: CanonicalState): Set<CanonicalState> {
  const seen = new Set<CanonicalState>();
  const queue: CanonicalState[] = [initial];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    if (seen.has(state)) continue;
    seen.add(state);
    queue.push(...TRACKING_TRANSITIONS[state].to);
  }
  return seen;
}

describe('tracking transitions', () => {
  it('passes its own graph check with no errors or warnings', () => {
    expect(checkTrackingTransitions()).toEqual({ errors: [], warnings: [] });
  });

  it('only moves to known states', () => {
    for (const state of CANONICAL_STATES) {
      for (const target of TRACKING_TRANSITIONS[state].to) expect(CANONICAL_STATES).toContain(target);
    }
  });

  it('reaches every state from ORDER_RECEIVED', () => {
    expect([...reachableFrom(INITIAL_STATE)].sort()).toEqual([...CANONICAL_STATES].sort());
  });

  it('never moves back to ORDER_RECEIVED', () => {
    for (const state of CANONICAL_STATES) expect(canTransition(state, 'ORDER_RECEIVED')).toBe(false);
  });

  it('lets nothing out of a terminal state', () => {
    for (const state of TERMINAL_STATES) expect(TRACKING_TRANSITIONS[state].to).toEqual([]);
  });

  it('reaches a terminal state from every state', () => {
    for (const state of CANONICAL_STATES) {
      const reachable = reachableFrom(state);
      expect(TERMINAL_STATES.some((terminal) => reachable.has(terminal))).toBe(true);
    }
  });

  it('moves milestones only forward', () => {
    for (const from of CANONICAL_STATES.filter(isMilestone)) {
      for (const to of TRACKING_TRANSITIONS[from].to.filter(isMilestone)) {
        expect(milestoneRank(to)).toBeGreaterThanOrEqual(milestoneRank(from));
      }
    }
  });

  it('reports unknown targets as errors and unreachable or dead-end states as warnings', () => {
    const report = checkTransitionGraph(
      {
        START: { to: ['MIDDLE', 'NOWHERE'] },
        MIDDLE: { to: ['END'] },
        END: { to: [] },
        ORPHAN: { to: ['END'] },
        STUCK: { to: [] },
      },
      'START',
      (state) => state === 'END',
    );
    expect(report.errors).toEqual(['START -> NOWHERE: NOWHERE is not a state']);
    expect(report.warnings).toEqual([
      'STUCK is not terminal but has no way out',
      'ORPHAN is unreachable from START',
      'STUCK is unreachable from START',
    ]);
  });

  it('reports a terminal state that has moves out', () => {
    const report = checkTransitionGraph(
      { A: { to: ['B'] }, B: { to: ['A'] } },
      'A',
      (state) => state === 'B',
    );
    expect(report.errors).toEqual(['B is terminal but has moves to A']);
  });

  it('makes only allowed moves in the reducer when events follow a walk of the graph', () => {
    const walkArb = fc
      .array(fc.tuple(fc.nat(), fc.constantFrom(...REASON_CODES)), { minLength: 1, maxLength: 30 })
      .map((choices) => {
        const events: TrackingEvent[] = [];
        let state: CanonicalState = INITIAL_STATE;
        events.push({ eventId: 'e000', state, occurredAt: at(0), recordedAt: at(0) });
        for (const [index, [pick, reason]] of choices.entries()) {
          const moves = TRACKING_TRANSITIONS[state].to;
          if (moves.length === 0) break;
          state = moves[pick % moves.length] as CanonicalState;
          const eventId = `e${String(index + 1).padStart(3, '0')}`;
          events.push({ eventId, state, reason, occurredAt: at(index + 1), recordedAt: at(index + 1) });
        }
        return events;
      });

    fc.assert(
      fc.property(walkArb, (events) => {
        let previous = reduceTrack(events.slice(0, 1))!.state;
        for (let length = 2; length <= events.length; length += 1) {
          const current = reduceTrack(events.slice(0, length))!.state;
          if (current !== previous && !canTransition(previous, current)) {
            throw new Error(`reducer moved ${previous} -> ${current}, which the table does not allow`);
          }
          previous = current;
        }
      }),
      { numRuns: 500 },
    );
  });
});

function at(minutes: number): string {
  return new Date(Date.UTC(2026, 10, 20) + minutes * 60_000).toISOString();
}
