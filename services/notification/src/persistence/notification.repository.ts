import { Injectable } from '@nestjs/common';
import { rowsOf } from '@tracking/db';
import { In, type EntityManager } from 'typeorm';
import { NO_PROGRESS, type OrderProgress } from '../domain/decide-notifications';
import { withDefaults, type MerchantSettings } from '../domain/merchant-settings';
import {
  BuyerContactEntity,
  DeliveryEntity,
  DeliveryLogEntity,
  MerchantSettingsEntity,
  NotificationEntity,
  OrderProgressEntity,
  SmsOptOutEntity,
  type DeliveryStatus,
  type NotificationStatus,
} from './entities';

interface DeliveryRecord {
  id: string;
  notification_id: string;
  order_id: string;
  merchant_id: string;
  channel: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  held_for_quiet_hours: boolean;
  provider_message_id: string | null;
  last_error: string | null;
  completed_at: Date | null;
  created_at: Date;
}

function toDelivery(record: DeliveryRecord): DeliveryEntity {
  return Object.assign(new DeliveryEntity(), {
    id: record.id,
    notificationId: record.notification_id,
    orderId: record.order_id,
    merchantId: record.merchant_id,
    channel: record.channel,
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: record.next_attempt_at,
    heldForQuietHours: record.held_for_quiet_hours,
    providerMessageId: record.provider_message_id,
    lastError: record.last_error,
    completedAt: record.completed_at,
    createdAt: record.created_at,
  } satisfies DeliveryEntity);
}

function progressOf(entity: OrderProgressEntity): OrderProgress {
  return {
    state: entity.state as OrderProgress['state'],
    milestoneRank: entity.milestoneRank,
    statusOccurredAt: entity.statusOccurredAt,
    estimatedFrom: entity.estimatedFrom,
    estimatedTo: entity.estimatedTo,
    late: entity.late,
    announcedWindowTo: entity.announcedWindowTo,
    lateAnnounced: entity.lateAnnounced,
    notifiedRank: entity.notifiedRank,
    cancelled: entity.cancelled,
  };
}

const DELIVERY_UPDATE_COLUMNS = {
  status: 'status',
  nextAttemptAt: 'next_attempt_at',
  providerMessageId: 'provider_message_id',
  lastError: 'last_error',
  completedAt: 'completed_at',
} as const;

@Injectable()
export class NotificationRepository {
  // ---- merchant settings ------------------------------------------------------------------------

  async settingsOf(manager: EntityManager, merchantId: string): Promise<MerchantSettings> {
    const row = await manager.findOne(MerchantSettingsEntity, { where: { merchantId } });
    return withDefaults(row?.settings);
  }

  async settingsOfMany(
    manager: EntityManager,
    merchantIds: readonly string[],
  ): Promise<Map<string, MerchantSettings>> {
    const rows =
      merchantIds.length === 0
        ? []
        : await manager.find(MerchantSettingsEntity, {
            where: { merchantId: In([...new Set(merchantIds)]) },
          });
    const stored = new Map(rows.map((row) => [row.merchantId, row.settings]));
    return new Map(merchantIds.map((id) => [id, withDefaults(stored.get(id))]));
  }

  /** Locks the merchant's settings row (creating it) so concurrent PUTs apply one after the other. */
  async lockSettings(manager: EntityManager, merchantId: string): Promise<MerchantSettings | null> {
    const [row] = (await manager.query(
      `SELECT settings FROM notification.merchant_settings WHERE merchant_id = $1 FOR UPDATE`,
      [merchantId],
    )) as Array<{ settings: MerchantSettings }>;
    return row ? withDefaults(row.settings) : null;
  }

  async saveSettings(manager: EntityManager, merchantId: string, settings: MerchantSettings): Promise<void> {
    await manager.query(
      `INSERT INTO notification.merchant_settings (merchant_id, settings, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (merchant_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
      [merchantId, JSON.stringify(settings)],
    );
  }

  // ---- buyers --------------------------------------------------------------------------------

  /** The first order.received wins: a redelivery or replay of it changes nothing. */
  async insertContactIfAbsent(manager: EntityManager, contact: BuyerContactEntity): Promise<void> {
    await manager.createQueryBuilder().insert().into(BuyerContactEntity).values(contact).orIgnore().execute();
  }

  async contactsOf(
    manager: EntityManager,
    orderIds: readonly string[],
  ): Promise<Map<string, BuyerContactEntity>> {
    if (orderIds.length === 0) return new Map();
    const rows = await manager.find(BuyerContactEntity, { where: { orderId: In([...new Set(orderIds)]) } });
    return new Map(rows.map((row) => [row.orderId, row]));
  }

  async contactOf(manager: EntityManager, orderId: string): Promise<BuyerContactEntity | null> {
    return manager.findOne(BuyerContactEntity, { where: { orderId } });
  }

  /** A reply from the buyer's phone is consent (or its withdrawal) for every order with that number. */
  async recordSmsConsent(
    manager: EntityManager,
    phone: string,
    granted: boolean,
    source: string,
    at: Date,
  ): Promise<number> {
    const rows = await rowsOf<{ order_id: string }>(
      manager,
      `UPDATE notification.buyer_contacts
          SET sms_consent_granted = $2, sms_consent_source = $3, sms_consent_recorded_at = $4
        WHERE phone = $1
       RETURNING order_id`,
      [phone, granted, source, at],
    );
    return rows.length;
  }

  async optOut(manager: EntityManager, phone: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO notification.sms_opt_outs (phone, opted_out_at) VALUES ($1, $2)
       ON CONFLICT (phone) DO UPDATE SET opted_out_at = GREATEST(notification.sms_opt_outs.opted_out_at, EXCLUDED.opted_out_at)`,
      [phone, at],
    );
  }

  async optIn(manager: EntityManager, phone: string): Promise<void> {
    await manager.query(`DELETE FROM notification.sms_opt_outs WHERE phone = $1`, [phone]);
  }

  async optOutsOf(manager: EntityManager, phones: readonly string[]): Promise<Map<string, Date>> {
    if (phones.length === 0) return new Map();
    const rows = await manager.find(SmsOptOutEntity, { where: { phone: In([...new Set(phones)]) } });
    return new Map(rows.map((row) => [row.phone, row.optedOutAt]));
  }

  /** False when the provider already delivered this reply (it retries callbacks). */
  async recordSmsReply(
    manager: EntityManager,
    providerMessageId: string,
    phone: string,
    action: string,
  ): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO notification.sms_replies (provider_message_id, phone, action) VALUES ($1, $2, $3)
       ON CONFLICT (provider_message_id) DO NOTHING RETURNING provider_message_id`,
      [providerMessageId, phone, action],
    )) as unknown[];
    return rows.length > 0;
  }

  // ---- order progress -------------------------------------------------------------------------

  /** The order's progress, locked for this transaction, so two status events for one order serialize. */
  async lockProgress(manager: EntityManager, orderId: string, merchantId: string): Promise<OrderProgress> {
    const lock = () =>
      manager
        .createQueryBuilder(OrderProgressEntity, 'p')
        .where('p.orderId = :orderId', { orderId })
        .setLock('pessimistic_write')
        .getOne();
    // The order is usually known already: one statement then, two more only the first time.
    let row = await lock();
    if (!row) {
      await manager.query(
        `INSERT INTO notification.order_progress (order_id, merchant_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`,
        [orderId, merchantId],
      );
      row = await lock();
    }
    return row ? progressOf(row) : { ...NO_PROGRESS };
  }

  async saveProgress(manager: EntityManager, orderId: string, progress: OrderProgress): Promise<void> {
    await manager.update(OrderProgressEntity, { orderId }, { ...progress });
  }

  async progressOfMany(
    manager: EntityManager,
    orderIds: readonly string[],
  ): Promise<Map<string, OrderProgress>> {
    if (orderIds.length === 0) return new Map();
    const rows = await manager.find(OrderProgressEntity, { where: { orderId: In([...new Set(orderIds)]) } });
    return new Map(rows.map((row) => [row.orderId, progressOf(row)]));
  }

  // ---- notifications -------------------------------------------------------------------------

  /** False when the order already has a notification with this key: the "never twice" rule. */
  async insertNotification(manager: EntityManager, notification: NotificationEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(NotificationEntity)
      .values(notification)
      .orIgnore()
      .updateEntity(false)
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async pendingNotificationsOf(manager: EntityManager, orderId: string): Promise<NotificationEntity[]> {
    return manager
      .createQueryBuilder(NotificationEntity, 'n')
      .where('n.orderId = :orderId AND n.status = :status', { orderId, status: 'PENDING' })
      .orderBy('n.createdAt')
      .setLock('pessimistic_write')
      .getMany();
  }

  async setNotificationStatus(
    manager: EntityManager,
    ids: readonly string[],
    status: NotificationStatus,
    detail: string | null,
  ): Promise<void> {
    if (ids.length === 0) return;
    await manager.update(NotificationEntity, { id: In([...ids]) }, { status, statusDetail: detail });
  }

  async postponeNotification(manager: EntityManager, id: string, until: Date): Promise<void> {
    await manager.update(NotificationEntity, { id }, { sendAfter: until });
  }

  /** Due notifications, locked; another replica skips them rather than waiting. */
  async claimDueNotifications(
    manager: EntityManager,
    now: Date,
    limit: number,
  ): Promise<NotificationEntity[]> {
    return manager
      .createQueryBuilder(NotificationEntity, 'n')
      .where('n.status = :status AND n.sendAfter <= :now', { status: 'PENDING', now })
      .orderBy('n.sendAfter')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  async notificationsOf(
    manager: EntityManager,
    ids: readonly string[],
  ): Promise<Map<string, NotificationEntity>> {
    if (ids.length === 0) return new Map();
    const rows = await manager.find(NotificationEntity, { where: { id: In([...new Set(ids)]) } });
    return new Map(rows.map((row) => [row.id, row]));
  }

  async notificationsOfOrder(
    manager: EntityManager,
    merchantId: string,
    orderId: string,
  ): Promise<NotificationEntity[]> {
    return manager.find(NotificationEntity, { where: { merchantId, orderId }, order: { createdAt: 'ASC' } });
  }

  // ---- deliveries ----------------------------------------------------------------------------

  async insertDeliveries(manager: EntityManager, deliveries: readonly DeliveryEntity[]): Promise<void> {
    if (deliveries.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(DeliveryEntity)
      .values([...deliveries])
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  /**
   * Buyer messages still waiting for their first attempt (held for quiet hours, usually) that the
   * `superseding` notifications make stale: of the same order, of a rank no higher, and either
   * from before the batch or earlier in it than the one superseding them. Each stale delivery
   * comes once, with the earliest notification that supersedes it. Locked for the caller.
   */
  async supersedableDeliveries<N extends Pick<NotificationEntity, 'id' | 'orderId' | 'rank'>>(
    manager: EntityManager,
    batch: readonly Pick<NotificationEntity, 'id'>[],
    superseding: readonly N[],
  ): Promise<Array<{ delivery: DeliveryEntity; supersededBy: N }>> {
    const positions = new Map(batch.map((notification, index) => [notification.id, index]));
    const rows = await rowsOf<DeliveryRecord & { superseded_by: string }>(
      manager,
      `SELECT d.*, newer.id AS superseded_by
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) AS newer(id, order_id, rank, position)
         JOIN notification.deliveries d ON d.order_id = newer.order_id
         JOIN notification.notifications n ON n.id = d.notification_id
         LEFT JOIN unnest($5::uuid[], $6::int[]) AS mine(id, position) ON mine.id = d.notification_id
        WHERE d.status = 'PENDING' AND d.attempts = 0 AND d.channel IN ('email', 'sms')
          AND d.notification_id <> newer.id AND n.rank <= newer.rank AND n.kind <> 'feedback_request'
          AND (mine.position IS NULL OR mine.position < newer.position)
        ORDER BY newer.position
        FOR UPDATE OF d SKIP LOCKED`,
      [
        superseding.map((n) => n.id),
        superseding.map((n) => n.orderId),
        superseding.map((n) => n.rank),
        // One from outside the batch comes after all of it.
        superseding.map((n) => positions.get(n.id) ?? batch.length),
        batch.map((n) => n.id),
        batch.map((n) => positions.get(n.id)!),
      ],
    );
    const byId = new Map(superseding.map((n) => [n.id, n]));
    const stale = new Map<string, { delivery: DeliveryEntity; supersededBy: N }>();
    for (const row of rows) {
      if (!stale.has(row.id))
        stale.set(row.id, { delivery: toDelivery(row), supersededBy: byId.get(row.superseded_by)! });
    }
    return [...stale.values()];
  }

  /**
   * Leases due deliveries to this replica and counts the attempt. Counting at the claim, not at
   * the outcome, means a delivery whose send crashes the process still uses up its attempts.
   */
  async claimDueDeliveries(
    manager: EntityManager,
    limit: number,
    leaseMs: number,
  ): Promise<DeliveryEntity[]> {
    const rows = await rowsOf<DeliveryRecord>(
      manager,
      `WITH due AS (
         SELECT id FROM notification.deliveries
          WHERE status = 'PENDING' AND next_attempt_at <= now() AND locked_until <= now()
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED)
       UPDATE notification.deliveries d
          SET locked_until = now() + make_interval(secs => $2::double precision / 1000), attempts = d.attempts + 1
         FROM due WHERE d.id = due.id
       RETURNING d.*`,
      [limit, leaseMs],
    );
    return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
  }

  /**
   * Gives deliveries claimed by this replica back unsent: due at once for any replica, and the
   * attempt their claim counted taken back, since nothing reached the channel's provider for good.
   */
  async releaseClaims(manager: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE notification.deliveries
          SET locked_until = '-infinity', attempts = GREATEST(attempts - 1, 0)
        WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`,
      [[...ids]],
    );
  }

  /**
   * Puts dead-lettered deliveries back in the queue with a fresh set of attempts; returns those it
   * took. One already put back (pending, sent, or failed since) is left alone, so a replay that runs
   * twice sends nothing twice.
   */
  async requeueDeadLettered(manager: EntityManager, ids: readonly string[], now: Date): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await rowsOf<{ id: string }>(
      manager,
      `UPDATE notification.deliveries
          SET status = 'PENDING', attempts = 0, next_attempt_at = $2, locked_until = '-infinity',
              held_for_quiet_hours = false, completed_at = NULL,
              last_error = 'put back by a dead-letter replay after: ' || coalesce(last_error, 'no reason recorded')
        WHERE id = ANY($1::uuid[]) AND status = 'DEAD_LETTERED'
       RETURNING id`,
      [[...new Set(ids)], now],
    );
    return rows.map((row) => row.id);
  }

  async updateDelivery(
    manager: EntityManager,
    id: string,
    change: Partial<
      Pick<DeliveryEntity, 'status' | 'nextAttemptAt' | 'providerMessageId' | 'lastError' | 'completedAt'>
    > & {
      releaseLease?: boolean;
    },
  ): Promise<void> {
    const { releaseLease, ...fields } = change;
    // One statement, lease included: recording outcomes is the dispatcher's busiest write.
    const params: unknown[] = [id];
    const assignments = Object.entries(fields).flatMap(([field, value]) => {
      if (value === undefined) return [];
      params.push(value);
      return [
        `${DELIVERY_UPDATE_COLUMNS[field as keyof typeof DELIVERY_UPDATE_COLUMNS]} = $${params.length}`,
      ];
    });
    if (releaseLease) assignments.push(`locked_until = '-infinity'`);
    if (assignments.length === 0) return;
    await manager.query(`UPDATE notification.deliveries SET ${assignments.join(', ')} WHERE id = $1`, params);
  }

  async deliveriesOfOrder(
    manager: EntityManager,
    merchantId: string,
    orderId: string,
  ): Promise<DeliveryEntity[]> {
    return manager.find(DeliveryEntity, { where: { merchantId, orderId }, order: { createdAt: 'ASC' } });
  }

  // ---- delivery log --------------------------------------------------------------------------

  async insertLog(manager: EntityManager, entries: readonly DeliveryLogEntity[]): Promise<void> {
    if (entries.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(DeliveryLogEntity)
      .values([...entries])
      .updateEntity(false)
      .execute();
  }

  async logOfOrder(
    manager: EntityManager,
    merchantId: string,
    orderId: string,
  ): Promise<DeliveryLogEntity[]> {
    return manager.find(DeliveryLogEntity, { where: { merchantId, orderId }, order: { recordedAt: 'ASC' } });
  }
}
