import type { OrderNotifications } from '../../use-cases/list-notifications';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * The delivery log as a merchant reads it: each notification with its deliveries (one per channel),
 * and every logged outcome in order. Recipients are masked; bodies are never kept.
 */
export function toNotificationsResponse({ orderId, notifications, deliveries, log }: OrderNotifications) {
  return {
    orderId,
    notifications: notifications.map((notification) => ({
      notificationId: notification.id,
      kind: notification.kind,
      triggerState: notification.triggerState,
      triggerReason: notification.triggerReason,
      status: notification.status,
      statusDetail: notification.statusDetail,
      occurredAt: iso(notification.occurredAt),
      decidedAt: iso(notification.createdAt),
      sendAfter: iso(notification.sendAfter),
      deliveries: deliveries
        .filter((delivery) => delivery.notificationId === notification.id)
        .map((delivery) => ({
          deliveryId: delivery.id,
          channel: delivery.channel,
          status: delivery.status,
          attempts: delivery.attempts,
          nextAttemptAt: delivery.status === 'PENDING' ? iso(delivery.nextAttemptAt) : null,
          heldForQuietHours: delivery.heldForQuietHours,
          providerMessageId: delivery.providerMessageId,
          lastError: delivery.lastError,
          completedAt: iso(delivery.completedAt),
        })),
    })),
    log: log.map((entry) => ({
      entryId: entry.id,
      notificationId: entry.notificationId,
      deliveryId: entry.deliveryId,
      kind: entry.kind,
      channel: entry.channel,
      outcome: entry.outcome,
      final: entry.final,
      detail: entry.detail,
      recipient: entry.recipient,
      providerMessageId: entry.providerMessageId,
      attempt: entry.attempt,
      at: iso(entry.recordedAt),
    })),
  };
}
