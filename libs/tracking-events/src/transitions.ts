import {
  CANONICAL_STATES,
  MILESTONE_STATES,
  isTerminal,
  milestoneRank,
  type CanonicalState,
  type ExceptionState,
  type MilestoneState,
} from './states';

/** The allowed moves out of one state. */
export interface StateTransition<S extends string> {
  readonly to: readonly S[];
}

/** A transition table: the mapped type makes a state without an entry fail to compile. */
export type Transitions<S extends string> = { readonly [K in S]: StateTransition<S> };

const CARRIER_MILESTONES: readonly MilestoneState[] = MILESTONE_STATES.filter(
  (state) => milestoneRank(state) >= milestoneRank('PICKED_UP'),
);

/** Milestones above `state`, and its rank sibling (OUT_FOR_DELIVERY <-> AVAILABLE_FOR_PICKUP). */
function onwardFrom(state: MilestoneState): MilestoneState[] {
  return MILESTONE_STATES.filter((other) => other !== state && milestoneRank(other) >= milestoneRank(state));
}

const CARRIER_TROUBLE: readonly ExceptionState[] = [
  'DELIVERY_ATTEMPTED',
  'EXCEPTION',
  'RETURNING',
  'RETURNED',
  'EXPIRED',
  'CANCELLED',
];

/**
 * The lifecycle the canonical model expects, used to check a timeline for anomalies and to
 * document the model; the reducer does not refuse events that break it, because carriers skip
 * and reorder scans and a status must still come out (see reducer.ts). A property test checks
 * that every move the reducer makes along a walk of this graph is itself in the graph.
 *
 * - Milestones only move forward, and any number of them may be skipped: a silent fulfillment
 *   centre or a carrier without a pickup scan is normal.
 * - Production can fail QC or be cancelled; tracking-number states (INFO_RECEIVED,
 *   NOT_RECOGNIZED) appear only once a label exists.
 * - An exception clears back onto any milestone from production on; RETURNING comes back
 *   after another exception clears, because a parcel on its way back stays on its way back.
 * - DELIVERED, RETURNED and CANCELLED are terminal: no moves out.
 */
export const TRACKING_TRANSITIONS: Transitions<CanonicalState> = {
  ORDER_RECEIVED: { to: [...onwardFrom('ORDER_RECEIVED'), 'EXCEPTION', 'CANCELLED'] },
  IN_PRODUCTION: { to: [...onwardFrom('IN_PRODUCTION'), 'EXCEPTION', 'CANCELLED'] },
  PRODUCTION_COMPLETED: { to: [...onwardFrom('PRODUCTION_COMPLETED'), 'EXCEPTION', 'CANCELLED'] },
  PACKED: {
    to: [...onwardFrom('PACKED'), 'INFO_RECEIVED', 'NOT_RECOGNIZED', 'EXCEPTION', 'EXPIRED', 'CANCELLED'],
  },
  PICKED_UP: { to: [...onwardFrom('PICKED_UP'), ...CARRIER_TROUBLE] },
  IN_TRANSIT: { to: [...onwardFrom('IN_TRANSIT'), ...CARRIER_TROUBLE] },
  OUT_FOR_DELIVERY: { to: [...onwardFrom('OUT_FOR_DELIVERY'), ...CARRIER_TROUBLE] },
  AVAILABLE_FOR_PICKUP: { to: [...onwardFrom('AVAILABLE_FOR_PICKUP'), ...CARRIER_TROUBLE] },
  DELIVERED: { to: [] },
  INFO_RECEIVED: {
    to: ['PACKED', ...CARRIER_MILESTONES, 'NOT_RECOGNIZED', ...CARRIER_TROUBLE],
  },
  NOT_RECOGNIZED: {
    to: ['PACKED', ...CARRIER_MILESTONES, 'INFO_RECEIVED', ...CARRIER_TROUBLE],
  },
  DELIVERY_ATTEMPTED: {
    to: [...CARRIER_MILESTONES, ...CARRIER_TROUBLE.filter((state) => state !== 'DELIVERY_ATTEMPTED')],
  },
  EXCEPTION: {
    to: [
      ...onwardFrom('ORDER_RECEIVED'),
      'INFO_RECEIVED',
      'NOT_RECOGNIZED',
      ...CARRIER_TROUBLE.filter((state) => state !== 'EXCEPTION'),
    ],
  },
  RETURNING: {
    to: [...CARRIER_MILESTONES, ...CARRIER_TROUBLE.filter((state) => state !== 'RETURNING')],
  },
  EXPIRED: {
    to: [
      ...CARRIER_MILESTONES,
      'INFO_RECEIVED',
      'NOT_RECOGNIZED',
      ...CARRIER_TROUBLE.filter((s) => s !== 'EXPIRED'),
    ],
  },
  RETURNED: { to: [] },
  CANCELLED: { to: [] },
};

/** The state every order starts in. */
export const INITIAL_STATE: CanonicalState = 'ORDER_RECEIVED';

export function canTransition(from: CanonicalState, to: CanonicalState): boolean {
  return TRACKING_TRANSITIONS[from].to.includes(to);
}

export interface TransitionGraphReport {
  /** Targets that are not states of the table: the table is wrong. */
  readonly errors: readonly string[];
  /** States no walk from the initial state reaches, and non-terminal states with no way out. */
  readonly warnings: readonly string[];
}

/**
 * Walks a transition table from its initial state. Takes the table as plain data so a broken
 * table can be checked as well as the real one.
 */
export function checkTransitionGraph(
  table: Readonly<Record<string, StateTransition<string>>>,
  initial: string,
  terminal: (state: string) => boolean = () => false,
): TransitionGraphReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const states = new Set(Object.keys(table));
  if (!states.has(initial)) errors.push(`initial state ${initial} has no entry`);

  for (const [from, { to }] of Object.entries(table)) {
    for (const target of to) {
      if (!states.has(target)) errors.push(`${from} -> ${target}: ${target} is not a state`);
      if (target === from) errors.push(`${from} -> ${from}: a state does not move to itself`);
    }
    if (terminal(from) && to.length > 0) errors.push(`${from} is terminal but has moves to ${to.join(', ')}`);
    if (!terminal(from) && to.length === 0) warnings.push(`${from} is not terminal but has no way out`);
  }

  const reached = new Set<string>();
  const queue = states.has(initial) ? [initial] : [];
  while (queue.length > 0) {
    const state = queue.shift() as string;
    if (reached.has(state)) continue;
    reached.add(state);
    for (const target of table[state]?.to ?? []) if (states.has(target)) queue.push(target);
  }
  for (const state of states)
    if (!reached.has(state)) warnings.push(`${state} is unreachable from ${initial}`);

  return { errors, warnings };
}

/** The real table's report; a spec keeps it empty. */
export function checkTrackingTransitions(): TransitionGraphReport {
  return checkTransitionGraph(TRACKING_TRANSITIONS, INITIAL_STATE, (state) =>
    (CANONICAL_STATES as readonly string[]).includes(state) ? isTerminal(state as CanonicalState) : false,
  );
}
