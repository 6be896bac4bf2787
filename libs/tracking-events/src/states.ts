import { ProductionStepRecorded_StepType } from './generated/tracking/v1/production_events';
import { ReasonCode, TrackingState } from './generated/tracking/v1/states';

/** A canonical tracking state: the generated enum without its proto3 zero value. */
export type CanonicalState = Exclude<TrackingState, 'TRACKING_STATE_UNSPECIFIED'>;

/** A reason code carried with the non-milestone states: the generated enum without its zero value. */
export type CanonicalReasonCode = Exclude<ReasonCode, 'REASON_CODE_UNSPECIFIED'>;

/**
 * Progress ranks. An order's progress is the highest rank it reached; OUT_FOR_DELIVERY and
 * AVAILABLE_FOR_PICKUP share rank 7 because both are the last leg, ending at a door or a counter.
 */
export const MILESTONE_RANKS = {
  ORDER_RECEIVED: 1,
  IN_PRODUCTION: 2,
  PRODUCTION_COMPLETED: 3,
  PACKED: 4,
  PICKED_UP: 5,
  IN_TRANSIT: 6,
  OUT_FOR_DELIVERY: 7,
  AVAILABLE_FOR_PICKUP: 7,
  DELIVERED: 8,
} as const satisfies Partial<Record<CanonicalState, number>>;

/** The states that move progress. */
export type MilestoneState = keyof typeof MILESTONE_RANKS;

/** The states that change what buyer and seller see without moving progress. */
export type ExceptionState = Exclude<CanonicalState, MilestoneState>;

export type StateKind = 'milestone' | 'exception';

export interface StateDefinition {
  readonly kind: StateKind;
  /** 1..8 for milestones, 0 for the other states. */
  readonly rank: number;
  /** Nothing that happens after a terminal state changes the state (see reducer.ts). */
  readonly terminal: boolean;
  /** Whether the merchant or the buyer has to do something, or at least be told. */
  readonly requiresAttention: boolean;
  /** How the state reads on the tracking page and in notifications (English; clients localize by state). */
  readonly label: string;
}

function milestone(state: MilestoneState, label: string, terminal = false): StateDefinition {
  return { kind: 'milestone', rank: MILESTONE_RANKS[state], terminal, requiresAttention: false, label };
}

function exception(
  label: string,
  options: { terminal?: boolean; requiresAttention: boolean },
): StateDefinition {
  return {
    kind: 'exception',
    rank: 0,
    terminal: options.terminal ?? false,
    requiresAttention: options.requiresAttention,
    label,
  };
}

/** One entry per canonical state; a state added to the proto without an entry here fails to compile. */
export const STATE_DEFINITIONS: { readonly [S in CanonicalState]: StateDefinition } = {
  ORDER_RECEIVED: milestone('ORDER_RECEIVED', 'Order received'),
  IN_PRODUCTION: milestone('IN_PRODUCTION', 'In production'),
  PRODUCTION_COMPLETED: milestone('PRODUCTION_COMPLETED', 'Production completed'),
  PACKED: milestone('PACKED', 'Packed'),
  PICKED_UP: milestone('PICKED_UP', 'Picked up by carrier'),
  IN_TRANSIT: milestone('IN_TRANSIT', 'In transit'),
  OUT_FOR_DELIVERY: milestone('OUT_FOR_DELIVERY', 'Out for delivery'),
  AVAILABLE_FOR_PICKUP: milestone('AVAILABLE_FOR_PICKUP', 'Available for pickup'),
  DELIVERED: milestone('DELIVERED', 'Delivered', true),
  DELIVERY_ATTEMPTED: exception('Delivery attempted', { requiresAttention: true }),
  EXCEPTION: exception('Exception', { requiresAttention: true }),
  RETURNING: exception('Returning to sender', { requiresAttention: true }),
  RETURNED: exception('Returned to sender', { terminal: true, requiresAttention: true }),
  EXPIRED: exception('No recent carrier update', { requiresAttention: true }),
  CANCELLED: exception('Cancelled', { terminal: true, requiresAttention: false }),
  NOT_RECOGNIZED: exception('Tracking number not recognized', { requiresAttention: true }),
  INFO_RECEIVED: exception('Label created, awaiting carrier', { requiresAttention: false }),
};

/** Every canonical state, in proto order. */
export const CANONICAL_STATES = Object.keys(STATE_DEFINITIONS) as readonly CanonicalState[];

/** The milestones in rank order. */
export const MILESTONE_STATES = CANONICAL_STATES.filter(isMilestone);

export const EXCEPTION_STATES = CANONICAL_STATES.filter(isExceptionState);

export const TERMINAL_STATES = CANONICAL_STATES.filter(isTerminal);

export const REASON_LABELS: { readonly [R in CanonicalReasonCode]: string } = {
  ADDRESS_ISSUE: 'Address issue',
  RECIPIENT_UNAVAILABLE: 'Recipient unavailable',
  REFUSED: 'Refused by recipient',
  CUSTOMS_HOLD: 'Held in customs',
  DAMAGED: 'Damaged',
  LOST: 'Lost',
  WEATHER_FORCE_MAJEURE: 'Weather or force majeure',
  CARRIER_DELAY: 'Carrier delay',
  STORAGE_PERIOD_EXPIRED: 'Storage period expired',
  QC_FAILED: 'Failed quality control',
  OTHER: 'Other',
};

export const REASON_CODES = Object.keys(REASON_LABELS) as readonly CanonicalReasonCode[];

export function isCanonicalState(value: unknown): value is CanonicalState {
  return typeof value === 'string' && Object.hasOwn(STATE_DEFINITIONS, value);
}

export function isReasonCode(value: unknown): value is CanonicalReasonCode {
  return typeof value === 'string' && Object.hasOwn(REASON_LABELS, value);
}

export function isMilestone(state: CanonicalState): state is MilestoneState {
  return STATE_DEFINITIONS[state].kind === 'milestone';
}

export function isExceptionState(state: CanonicalState): state is ExceptionState {
  return STATE_DEFINITIONS[state].kind === 'exception';
}

export function isTerminal(state: CanonicalState): boolean {
  return STATE_DEFINITIONS[state].terminal;
}

/** 1..8 for milestones, 0 for the states that do not move progress. */
export function milestoneRank(state: CanonicalState): number {
  return STATE_DEFINITIONS[state].rank;
}

export function stateLabel(state: CanonicalState): string {
  return STATE_DEFINITIONS[state].label;
}

export function reasonLabel(reason: CanonicalReasonCode): string {
  return REASON_LABELS[reason];
}

export type ProductionStepType = Exclude<ProductionStepRecorded_StepType, 'STEP_TYPE_UNSPECIFIED'>;

export interface ProductionStepMapping {
  readonly state: CanonicalState;
  readonly reason?: CanonicalReasonCode;
}

/**
 * What each production step means in the canonical vocabulary. production-status writes the
 * result into the event, so consumers never keep a copy of this table. A voided label voids
 * its shipment (CANCELLED with the shipment id), so the order is no longer derived from a
 * parcel that will never move; a reprint after a failed QC clears the exception because it
 * is production progress at the same rank.
 */
export const PRODUCTION_STEP_STATES: { readonly [S in ProductionStepType]: ProductionStepMapping } = {
  PRODUCTION_STARTED: { state: 'IN_PRODUCTION' },
  PRODUCTION_COMPLETED: { state: 'PRODUCTION_COMPLETED' },
  QC_FAILED: { state: 'EXCEPTION', reason: 'QC_FAILED' },
  PACKED: { state: 'PACKED' },
  LABEL_VOIDED: { state: 'CANCELLED', reason: 'OTHER' },
  CANCELLED_IN_PRODUCTION: { state: 'CANCELLED' },
};
