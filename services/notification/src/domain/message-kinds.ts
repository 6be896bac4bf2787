import type { CanonicalState } from '@tracking/events';

/**
 * What the service tells buyers and merchants about. The names are part of the settings API,
 * the delivery log and the merchant webhook's `type` (`notification.<kind>`): add, never rename.
 */
export const MESSAGE_KINDS = [
  'order_confirmation',
  'shipped',
  'out_for_delivery',
  'available_for_pickup',
  'delivered',
  'exception',
  'delay',
  'feedback_request',
] as const;

export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const CHANNELS = ['email', 'sms', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels that reach the buyer; the webhook reaches the merchant. */
export const BUYER_CHANNELS: readonly Channel[] = ['email', 'sms'];

export interface MessageKindDefinition {
  /**
   * Progress the message speaks of (the canonical milestone rank), for superseding: a pending
   * message is replaced by a newer one of equal or higher rank. Exceptions and delays take the
   * rank of the status that raised them.
   */
  readonly rank: number | 'status';
  /** Sent at night too: a buyer wants to know now that the parcel is at the door or on its way. */
  readonly quietHoursExempt: boolean;
  /** A newer status never replaces it: it is not about the current state. */
  readonly supersedable: boolean;
  readonly defaultChannels: readonly Channel[];
}

export const MESSAGE_KIND_DEFINITIONS: { readonly [K in MessageKind]: MessageKindDefinition } = {
  order_confirmation: { rank: 1, quietHoursExempt: false, supersedable: true, defaultChannels: ['email'] },
  shipped: { rank: 5, quietHoursExempt: false, supersedable: true, defaultChannels: ['email', 'sms'] },
  out_for_delivery: {
    rank: 7,
    quietHoursExempt: true,
    supersedable: true,
    defaultChannels: ['email', 'sms'],
  },
  available_for_pickup: {
    rank: 7,
    quietHoursExempt: false,
    supersedable: true,
    defaultChannels: ['email', 'sms'],
  },
  delivered: { rank: 8, quietHoursExempt: true, supersedable: true, defaultChannels: ['email', 'sms'] },
  exception: {
    rank: 'status',
    quietHoursExempt: false,
    supersedable: true,
    defaultChannels: ['email', 'sms'],
  },
  delay: { rank: 'status', quietHoursExempt: false, supersedable: true, defaultChannels: ['email'] },
  feedback_request: { rank: 9, quietHoursExempt: false, supersedable: false, defaultChannels: ['email'] },
};

/** The milestone message each milestone stands for; the production milestones say nothing to buyers. */
export const MILESTONE_MESSAGES: Partial<Record<CanonicalState, MessageKind>> = {
  PICKED_UP: 'shipped',
  // A carrier whose first scan is already "in transit" has still shipped it.
  IN_TRANSIT: 'shipped',
  OUT_FOR_DELIVERY: 'out_for_delivery',
  AVAILABLE_FOR_PICKUP: 'available_for_pickup',
  DELIVERED: 'delivered',
};

/**
 * Exceptions the buyer is told about. The others concern the merchant alone (a tracking number
 * the carrier does not know, silence from the carrier): they go to the merchant webhook only.
 */
export const BUYER_FACING_EXCEPTIONS: ReadonlySet<CanonicalState> = new Set([
  'DELIVERY_ATTEMPTED',
  'EXCEPTION',
  'RETURNING',
  'RETURNED',
]);

export const MERCHANT_ONLY_EXCEPTIONS: ReadonlySet<CanonicalState> = new Set(['EXPIRED', 'NOT_RECOGNIZED']);

export function isMessageKind(value: unknown): value is MessageKind {
  return typeof value === 'string' && (MESSAGE_KINDS as readonly string[]).includes(value);
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function rankOf(kind: MessageKind, statusRank: number): number {
  const rank = MESSAGE_KIND_DEFINITIONS[kind].rank;
  return rank === 'status' ? statusRank : rank;
}
