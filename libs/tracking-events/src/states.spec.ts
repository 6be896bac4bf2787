import { ReasonCode, TrackingState } from './generated/tracking/v1/states';
import {
  CANONICAL_STATES,
  EXCEPTION_STATES,
  MILESTONE_STATES,
  PRODUCTION_STEP_STATES,
  REASON_CODES,
  STATE_DEFINITIONS,
  TERMINAL_STATES,
  isCanonicalState,
  isReasonCode,
  milestoneRank,
  stateLabel,
} from './states';

// Spelled out on purpose: these names are stored by every consumer and sent to storefronts.
const DESIGN_STATES = [
  'ORDER_RECEIVED',
  'IN_PRODUCTION',
  'PRODUCTION_COMPLETED',
  'PACKED',
  'PICKED_UP',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'AVAILABLE_FOR_PICKUP',
  'DELIVERED',
  'DELIVERY_ATTEMPTED',
  'EXCEPTION',
  'RETURNING',
  'RETURNED',
  'EXPIRED',
  'CANCELLED',
  'NOT_RECOGNIZED',
  'INFO_RECEIVED',
];

const DESIGN_REASONS = [
  'ADDRESS_ISSUE',
  'RECIPIENT_UNAVAILABLE',
  'REFUSED',
  'CUSTOMS_HOLD',
  'DAMAGED',
  'LOST',
  'WEATHER_FORCE_MAJEURE',
  'CARRIER_DELAY',
  'STORAGE_PERIOD_EXPIRED',
  'QC_FAILED',
  'OTHER',
];

describe('canonical states', () => {
  it('are exactly the states of the design, spelled the same in the proto enum', () => {
    expect(CANONICAL_STATES).toEqual(DESIGN_STATES);
    expect(Object.values(TrackingState)).toEqual(['TRACKING_STATE_UNSPECIFIED', ...DESIGN_STATES]);
  });

  it('has exactly the reason codes of the design plus an unspecified zero', () => {
    expect(REASON_CODES).toEqual(DESIGN_REASONS);
    expect(Object.values(ReasonCode)).toEqual(['REASON_CODE_UNSPECIFIED', ...DESIGN_REASONS]);
  });

  it('ranks milestones 1 to 8 in design order, with out-for-delivery and pickup sharing rank 7', () => {
    expect(MILESTONE_STATES.map((state) => [state, milestoneRank(state)])).toEqual([
      ['ORDER_RECEIVED', 1],
      ['IN_PRODUCTION', 2],
      ['PRODUCTION_COMPLETED', 3],
      ['PACKED', 4],
      ['PICKED_UP', 5],
      ['IN_TRANSIT', 6],
      ['OUT_FOR_DELIVERY', 7],
      ['AVAILABLE_FOR_PICKUP', 7],
      ['DELIVERED', 8],
    ]);
  });

  it('gives the non-milestone states rank 0', () => {
    expect(EXCEPTION_STATES.map(milestoneRank)).toEqual(EXCEPTION_STATES.map(() => 0));
    expect([...MILESTONE_STATES, ...EXCEPTION_STATES].sort()).toEqual([...CANONICAL_STATES].sort());
  });

  it('treats delivered, returned and cancelled as terminal', () => {
    expect(TERMINAL_STATES).toEqual(['DELIVERED', 'RETURNED', 'CANCELLED']);
  });

  it('labels every state for people', () => {
    for (const state of CANONICAL_STATES) expect(stateLabel(state)).toMatch(/^[A-Z][a-z]/);
    expect(new Set(Object.values(STATE_DEFINITIONS).map((definition) => definition.label)).size).toBe(
      CANONICAL_STATES.length,
    );
  });

  it('recognizes canonical names and nothing else', () => {
    expect(isCanonicalState('IN_TRANSIT')).toBe(true);
    expect(isCanonicalState('TRACKING_STATE_UNSPECIFIED')).toBe(false);
    expect(isCanonicalState('in_transit')).toBe(false);
    expect(isCanonicalState('toString')).toBe(false);
    expect(isReasonCode('CUSTOMS_HOLD')).toBe(true);
    expect(isReasonCode('REASON_CODE_UNSPECIFIED')).toBe(false);
  });

  it('maps every production step to a canonical state', () => {
    expect(PRODUCTION_STEP_STATES.QC_FAILED).toEqual({ state: 'EXCEPTION', reason: 'QC_FAILED' });
    expect(PRODUCTION_STEP_STATES.CANCELLED_IN_PRODUCTION.state).toBe('CANCELLED');
    for (const mapping of Object.values(PRODUCTION_STEP_STATES))
      expect(isCanonicalState(mapping.state)).toBe(true);
  });
});
