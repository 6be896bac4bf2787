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

/** What the log needs of a notification. */
export type LoggedNotificationRow = Pick<
  NotificationEntity,
  'id' | 'orderId' | 'merchantId' | 'kind' | 'triggerState' | 'triggerReason'
>;

/** The status detail of a notification waiting for its buyer's contact details. */
export const AWAITING_CONTACT = 'waiting for the buyer’s contact details';

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

  /**
   * The order's half of its buyer's record, from order.received. The first one wins: a
   * redelivery or a replay under a new event id changes nothing.
   */
  async recordOrderHalf(
    manager: EntityManager,
    order: Pick<
      BuyerContactEntity,
      'orderId' | 'merchantId' | 'externalOrderId' | 'locale' | 'timeZone' | 'receivedAt'
    >,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO notification.buyer_contacts
              (order_id, merchant_id, external_order_id, locale, time_zone, received_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (order_id) DO UPDATE
          SET external_order_id = EXCLUDED.external_order_id,
              locale = coalesce(EXCLUDED.locale, notification.buyer_contacts.locale),
              time_zone = EXCLUDED.time_zone,
              received_at = EXCLUDED.received_at
        WHERE notification.buyer_contacts.received_at IS NULL`,
      [
        order.orderId,
        order.merchantId,
        order.externalOrderId,
        order.locale,
        order.timeZone,
        order.receivedAt,
      ],
    );
  }

  /**
   * The contact's half, from order.buyer-contact-recorded. The first one wins, as for the order;
   * and an erased buyer stays erased: the marker row refuses a redelivered or replayed contact.
   */
  async recordContactHalf(
    manager: EntityManager,
    contact: Pick<
      BuyerContactEntity,
      | 'orderId'
      | 'merchantId'
      | 'trackingToken'
      | 'firstName'
      | 'email'
      | 'phone'
      | 'locale'
      | 'emailChosen'
      | 'smsChosen'
      | 'smsConsentGranted'
      | 'smsConsentRecordedAt'
      | 'smsConsentSource'
      | 'contactRecordedAt'
    >,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO notification.buyer_contacts
              (order_id, merchant_id, tracking_token, first_name, email, phone, locale, email_chosen,
               sms_chosen, sms_consent_granted, sms_consent_recorded_at, sms_consent_source,
               contact_recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (order_id) DO UPDATE
          SET tracking_token = EXCLUDED.tracking_token,
              first_name = EXCLUDED.first_name,
              email = EXCLUDED.email,
              phone = EXCLUDED.phone,
              locale = coalesce(notification.buyer_contacts.locale, EXCLUDED.locale),
              email_chosen = EXCLUDED.email_chosen,
              sms_chosen = EXCLUDED.sms_chosen,
              sms_consent_granted = EXCLUDED.sms_consent_granted,
              sms_consent_recorded_at = EXCLUDED.sms_consent_recorded_at,
              sms_consent_source = EXCLUDED.sms_consent_source,
              contact_recorded_at = EXCLUDED.contact_recorded_at
        WHERE notification.buyer_contacts.contact_recorded_at IS NULL
          AND notification.buyer_contacts.erased_at IS NULL`,
      [
        contact.orderId,
        contact.merchantId,
        contact.trackingToken,
        contact.firstName,
        contact.email,
        contact.phone,
        contact.locale,
        contact.emailChosen,
        contact.smsChosen,
        contact.smsConsentGranted,
        contact.smsConsentRecordedAt,
        contact.smsConsentSource,
        contact.contactRecordedAt,
      ],
    );
  }

  /**
   * Forgets the buyers of these orders: the contact half of each row is emptied and the row kept
   * as the erasure marker (created when nothing came yet, so a contact arriving later is refused);
   * the masked recipients of the delivery log go too. What the merchant's log counts stays:
   * kinds, channels, outcomes, times. A repeated erasure keeps the first one's time and request.
   */
  async eraseBuyers(
    manager: EntityManager,
    erasures: ReadonlyArray<{ orderId: string; merchantId: string; requestId: string; at: Date }>,
  ): Promise<void> {
    if (erasures.length === 0) return;
    await manager.query(
      `INSERT INTO notification.buyer_contacts AS c (order_id, merchant_id, erased_at, erasure_request_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[])
       ON CONFLICT (order_id) DO UPDATE
          SET tracking_token = NULL, first_name = NULL, email = NULL, phone = NULL,
              email_chosen = false, sms_chosen = false, sms_consent_granted = false,
              sms_consent_recorded_at = NULL, sms_consent_source = NULL, contact_recorded_at = NULL,
              erased_at = coalesce(c.erased_at, EXCLUDED.erased_at),
              erasure_request_id = coalesce(c.erasure_request_id, EXCLUDED.erasure_request_id)`,
      [
        erasures.map((erasure) => erasure.orderId),
        erasures.map((erasure) => erasure.merchantId),
        erasures.map((erasure) => erasure.at),
        erasures.map((erasure) => erasure.requestId),
      ],
    );
    // A webhook's recipient is the merchant's own host, not the buyer's: it stays.
    await manager.query(
      `UPDATE notification.delivery_log SET recipient = NULL
        WHERE order_id = ANY($1::uuid[]) AND channel <> 'webhook' AND recipient IS NOT NULL`,
      [erasures.map((erasure) => erasure.orderId)],
    );
  }

  /**
   * Which of these orders' buyers are erased, read so that it holds until this transaction ends:
   * the rows are share-locked, so an erasure under way is waited for and seen, and one that starts
   * later sees what this transaction writes. Every row is locked, not only erased ones, because a
   * row whose erasure is not committed yet would not match a condition on it.
   */
  async erasedAmong(manager: EntityManager, orderIds: readonly string[]): Promise<Set<string>> {
    if (orderIds.length === 0) return new Set();
    const rows = await rowsOf<{ order_id: string; erased: boolean }>(
      manager,
      `SELECT order_id, erased_at IS NOT NULL AS erased FROM notification.buyer_contacts
        WHERE order_id = ANY($1::uuid[]) ORDER BY order_id FOR SHARE`,
      [[...new Set(orderIds)]],
    );
    return new Set(rows.filter((row) => row.erased).map((row) => row.order_id));
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

  /**
   * Notifications that must wait for their buyer's contact details: looked at again after a
   * quarter of the time they have waited (at least a second, at most a minute), so an order whose
   * details never come costs little; `resumeAwaitingContact` brings them forward when the details
   * do come. The detail marks them, and tells the merchant why the message has not gone yet.
   */
  async awaitContact(manager: EntityManager, ids: readonly string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE notification.notifications
          SET status_detail = $3,
              send_after = $2::timestamptz
                + least(greatest(($2::timestamptz - created_at) / 4, interval '1 second'), interval '1 minute')
        WHERE id = ANY($1::uuid[])`,
      [[...ids], now, AWAITING_CONTACT],
    );
  }

  /**
   * Due now, the notifications of these orders that were waiting for their buyer's record, where
   * it is whole now (the same rule as `buyerRecordSettled`). One
   * parked by a dispatcher round that has not committed yet is missed here, and found by that
   * round's own next look (see `awaitContact`): nothing waits for good.
   */
  async resumeAwaitingContact(
    manager: EntityManager,
    orderIds: readonly string[],
    now: Date,
  ): Promise<number> {
    if (orderIds.length === 0) return 0;
    const rows = await rowsOf<{ id: string }>(
      manager,
      `UPDATE notification.notifications n SET status_detail = NULL, send_after = least(n.send_after, $2)
         FROM notification.buyer_contacts c
        WHERE n.order_id = ANY($1::uuid[]) AND n.status = 'PENDING' AND n.status_detail = $3
          AND c.order_id = n.order_id
          AND (c.erased_at IS NOT NULL OR (c.received_at IS NOT NULL AND c.contact_recorded_at IS NOT NULL))
       RETURNING n.id`,
      [[...new Set(orderIds)], now, AWAITING_CONTACT],
    );
    return rows.length;
  }

  /**
   * Withdraws every message of these orders not sent yet, notifications and deliveries, with
   * `detail`; returns what it withdrew, for the log. A delivery in the middle of its send is
   * withdrawn too: the send's outcome is still recorded, for the evidence.
   */
  async withdrawAllPending(
    manager: EntityManager,
    orderIds: readonly string[],
    detail: string,
    now: Date,
  ): Promise<{ notifications: LoggedNotificationRow[]; deliveries: DeliveryEntity[] }> {
    if (orderIds.length === 0) return { notifications: [], deliveries: [] };
    const ids = [...new Set(orderIds)];
    const notifications = await rowsOf<{
      id: string;
      order_id: string;
      merchant_id: string;
      kind: string;
      trigger_state: string;
      trigger_reason: string | null;
    }>(
      manager,
      `UPDATE notification.notifications SET status = 'SUPERSEDED', status_detail = $2
        WHERE order_id = ANY($1::uuid[]) AND status = 'PENDING'
       RETURNING id, order_id, merchant_id, kind, trigger_state, trigger_reason`,
      [ids, detail],
    );
    const deliveries = await rowsOf<DeliveryRecord>(
      manager,
      `UPDATE notification.deliveries SET status = 'SUPERSEDED', last_error = $2, completed_at = $3
        WHERE order_id = ANY($1::uuid[]) AND status = 'PENDING'
       RETURNING *`,
      [ids, detail, now],
    );
    return {
      notifications: notifications.map((row) => ({
        id: row.id,
        orderId: row.order_id,
        merchantId: row.merchant_id,
        kind: row.kind,
        triggerState: row.trigger_state,
        triggerReason: row.trigger_reason,
      })),
      deliveries: deliveries.map(toDelivery),
    };
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
