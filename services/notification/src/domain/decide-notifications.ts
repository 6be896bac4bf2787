import { isCanonicalState, type CanonicalState } from '@tracking/events';
import {
  BUYER_FACING_EXCEPTIONS,
  MERCHANT_ONLY_EXCEPTIONS,
  MILESTONE_MESSAGES,
  rankOf,
  type MessageKind,
} from './message-kinds';

/** What this service keeps of an order's status between events: enough to decide the next message. */
export interface OrderProgress {
  state: CanonicalState | null;
  milestoneRank: number;
  /** When the deciding event of the last status happened (source clock). */
  statusOccurredAt: Date | null;
  estimatedFrom: Date | null;
  estimatedTo: Date | null;
  late: boolean;
  /** The latest delivery window a message carried: a later one is a delay worth telling. */
  announcedWindowTo: Date | null;
  lateAnnounced: boolean;
  /** The highest rank of any message created for the order: messages never go backwards. */
  notifiedRank: number;
  cancelled: boolean;
}

export const NO_PROGRESS: OrderProgress = {
  state: null,
  milestoneRank: 0,
  statusOccurredAt: null,
  estimatedFrom: null,
  estimatedTo: null,
  late: false,
  announcedWindowTo: null,
  lateAnnounced: false,
  notifiedRank: 0,
  cancelled: false,
};

/** A tracking.status-changed event, as far as notifications care. */
export interface ObservedStatus {
  state: CanonicalState;
  milestone: CanonicalState | null;
  milestoneRank: number;
  exception: { state: CanonicalState; reason: string | null } | null;
  occurredAt: Date;
  estimatedFrom: Date | null;
  estimatedTo: Date | null;
  late: boolean;
}

export interface NotificationIntent {
  kind: MessageKind;
  /** One notification per order and key, ever: the unique key a replay runs into. */
  dedupeKey: string;
  triggerState: CanonicalState;
  triggerReason: string | null;
  rank: number;
  occurredAt: Date;
  sendAfter: Date;
  /** Recorded but never sent, with the reason (the status is too old to be news). */
  skip: string | null;
}

export interface DecisionPolicy {
  now: Date;
  maxEventAgeMs: number;
  coalesceMs: number;
  feedbackDelayMs: number;
}

export type StatusDecision =
  | { ignored: string }
  | { ignored?: undefined; progress: OrderProgress; intents: NotificationIntent[]; cancelsPending: boolean };

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function staleness(occurredAt: Date, policy: DecisionPolicy): string | null {
  const age = policy.now.getTime() - occurredAt.getTime();
  if (age <= policy.maxEventAgeMs) return null;
  const hours = Math.round(age / 3_600_000);
  return `the status occurred ${hours} h ago, more than NOTIFICATION_MAX_EVENT_AGE_MS allows`;
}

/**
 * Which messages a status change calls for. Pure: the same status and the same progress give the
 * same intents, and the unique key of each intent makes a replay of the status harmless.
 *
 * - A status older than the one already known (a lower milestone, or the same one occurring
 *   earlier) changes nothing: the reducer never moves backwards, so it is a replay or a straggler.
 * - An active exception is told with its reason; otherwise a milestone the buyer cares about, once,
 *   and never one below a milestone already told; with nothing else to say, a delivery window that
 *   moved to a later day (or an order that became late) is a delay.
 * - A status older than NOTIFICATION_MAX_EVENT_AGE_MS is recorded as skipped, not sent.
 */
export function decideStatusNotifications(
  status: ObservedStatus,
  previous: OrderProgress,
  policy: DecisionPolicy,
): StatusDecision {
  if (
    previous.statusOccurredAt &&
    (status.milestoneRank < previous.milestoneRank ||
      (status.milestoneRank === previous.milestoneRank && status.occurredAt < previous.statusOccurredAt))
  ) {
    return { ignored: 'older than the status already known' };
  }
  const progress: OrderProgress = {
    ...previous,
    state: status.state,
    milestoneRank: status.milestoneRank,
    statusOccurredAt: status.occurredAt,
    estimatedFrom: status.estimatedFrom ?? previous.estimatedFrom,
    estimatedTo: status.estimatedTo ?? previous.estimatedTo,
    late: status.late,
  };
  if (status.state === 'CANCELLED') {
    return { progress: { ...progress, cancelled: true }, intents: [], cancelsPending: true };
  }
  if (previous.cancelled) return { progress, intents: [], cancelsPending: false };

  const skip = staleness(status.occurredAt, policy);
  const sendAfter = new Date(policy.now.getTime() + policy.coalesceMs);
  const intent = (
    kind: MessageKind,
    dedupeKey: string,
    triggerState: CanonicalState,
    triggerReason: string | null,
    at = sendAfter,
  ): NotificationIntent => ({
    kind,
    dedupeKey,
    triggerState,
    triggerReason,
    rank: rankOf(kind, status.milestoneRank),
    occurredAt: status.occurredAt,
    sendAfter: at,
    skip,
  });

  const intents: NotificationIntent[] = [];
  const exception = status.exception;
  if (
    exception &&
    (BUYER_FACING_EXCEPTIONS.has(exception.state) || MERCHANT_ONLY_EXCEPTIONS.has(exception.state))
  ) {
    const reason = exception.reason ?? 'NO_REASON';
    intents.push(
      intent('exception', `exception:${exception.state}:${reason}`, exception.state, exception.reason),
    );
  } else if (status.milestone) {
    const kind = MILESTONE_MESSAGES[status.milestone];
    if (kind && rankOf(kind, status.milestoneRank) > previous.notifiedRank) {
      intents.push(intent(kind, kind, status.milestone, null));
      if (kind === 'delivered') {
        const due = Math.max(sendAfter.getTime(), status.occurredAt.getTime() + policy.feedbackDelayMs);
        intents.push(intent('feedback_request', 'feedback_request', 'DELIVERED', null, new Date(due)));
      }
    }
  }

  const windowTo = status.estimatedTo;
  if (intents.length === 0 && status.milestoneRank < 8) {
    const becameLate = status.late && !previous.lateAnnounced;
    const movedLater =
      windowTo !== null &&
      previous.announcedWindowTo !== null &&
      dayOf(windowTo) > dayOf(previous.announcedWindowTo);
    if (becameLate || movedLater) {
      const key = windowTo ? `delay:${dayOf(windowTo)}` : 'delay:late';
      intents.push(intent('delay', key, status.state, status.exception?.reason ?? null));
    }
  }

  const told = intents.length > 0;
  return {
    progress: {
      ...progress,
      announcedWindowTo:
        told || previous.announcedWindowTo === null
          ? (windowTo ?? previous.announcedWindowTo)
          : previous.announcedWindowTo,
      lateAnnounced: previous.lateAnnounced || (told && status.late),
      notifiedRank: Math.max(previous.notifiedRank, ...intents.map((candidate) => candidate.rank)),
    },
    intents,
    cancelsPending: false,
  };
}

/**
 * The order confirmation, decided when the order arrives. The order's statuses travel on another
 * topic and may have come first: after a later message, or a cancellation, the confirmation is
 * recorded as not sent rather than sent out of turn.
 */
export function decideOrderConfirmation(
  receivedAt: Date,
  previous: OrderProgress,
  policy: DecisionPolicy,
): { intent: NotificationIntent; progress: OrderProgress } {
  const overtaken = previous.cancelled
    ? 'the order was cancelled'
    : previous.notifiedRank > 1
      ? 'superseded: a later status was already notified'
      : null;
  const intent: NotificationIntent = {
    kind: 'order_confirmation',
    dedupeKey: 'order_confirmation',
    triggerState: 'ORDER_RECEIVED',
    triggerReason: null,
    rank: 1,
    occurredAt: receivedAt,
    sendAfter: new Date(policy.now.getTime() + policy.coalesceMs),
    skip: staleness(receivedAt, policy) ?? overtaken,
  };
  return { intent, progress: { ...previous, notifiedRank: Math.max(previous.notifiedRank, 1) } };
}

/** Reads the status-changed payload; undefined when it names no state this service knows. */
export function observedStatusOf(
  order:
    | {
        state: string;
        milestone: string;
        milestoneRank: number;
        activeException?: { state: string; reason: string } | undefined;
        occurredAt?: string | undefined;
      }
    | undefined,
  extra: {
    estimatedDeliveryFrom?: string | undefined;
    estimatedDeliveryTo?: string | undefined;
    late: boolean;
  },
  fallbackOccurredAt: Date,
): ObservedStatus | undefined {
  if (!order || !isCanonicalState(order.state)) return undefined;
  const exception =
    order.activeException && isCanonicalState(order.activeException.state)
      ? {
          state: order.activeException.state,
          reason:
            order.activeException.reason && order.activeException.reason !== 'REASON_CODE_UNSPECIFIED'
              ? order.activeException.reason
              : null,
        }
      : null;
  const date = (value: string | undefined): Date | null => {
    if (!value) return null;
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? null : parsed;
  };
  return {
    state: order.state,
    milestone: isCanonicalState(order.milestone) ? order.milestone : null,
    milestoneRank: order.milestoneRank,
    exception,
    occurredAt: date(order.occurredAt) ?? fallbackOccurredAt,
    estimatedFrom: date(extra.estimatedDeliveryFrom),
    estimatedTo: date(extra.estimatedDeliveryTo),
    late: extra.late,
  };
}
