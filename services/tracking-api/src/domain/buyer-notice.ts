/**
 * What the tracking page must tell the buyer before anything else: that the order is delayed
 * (with the reason and the new window), late, cancelled or on its way back. Pure: decided from
 * the public view alone, so the full page and its live re-render always agree.
 */
import type { CanonicalReasonCode, CanonicalState } from '@tracking/events';
import type { PublicView } from './order-projection';

export type BuyerNotice =
  | { kind: 'cancelled'; reason: CanonicalReasonCode | null }
  | { kind: 'returning' | 'returned'; reason: CanonicalReasonCode | null }
  | {
      kind: 'delayed';
      state: CanonicalState;
      reason: CanonicalReasonCode | null;
      window: { from: string; to: string } | null;
    }
  | { kind: 'late'; window: { from: string; to: string }; lastUpdateAt: string };

export function buyerNotice(view: PublicView): BuyerNotice | null {
  const { state, exception } = view.status;
  const reason = exception?.reason ?? null;
  if (state === 'CANCELLED') return { kind: 'cancelled', reason };
  if (state === 'RETURNED') return { kind: 'returned', reason };
  if (state === 'RETURNING') return { kind: 'returning', reason };
  // A label waiting for its first scan is the normal course of things, not a delay.
  if (exception && exception.state !== 'INFO_RECEIVED') {
    const window = view.estimatedDelivery;
    return {
      kind: 'delayed',
      state: exception.state,
      reason,
      window: window ? { from: window.from, to: window.to } : null,
    };
  }
  if (view.estimatedDelivery?.late) {
    const { from, to } = view.estimatedDelivery;
    const lastUpdateAt = view.history.at(-1)?.occurredAt ?? view.status.occurredAt;
    return { kind: 'late', window: { from, to }, lastUpdateAt };
  }
  return null;
}
