import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MerchantSettings } from '../domain/merchant-settings';

export const NOTIFICATION_SCHEMA = 'notification';

export type NotificationStatus = 'PENDING' | 'EXPANDED' | 'SUPERSEDED' | 'SKIPPED';
export type DeliveryStatus = 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED' | 'SUPERSEDED' | 'DEAD_LETTERED';
export type LogOutcome = 'SENT' | 'FAILED' | 'SKIPPED';

@Entity({ name: 'merchant_settings', schema: NOTIFICATION_SCHEMA })
export class MerchantSettingsEntity {
  @PrimaryColumn('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('jsonb')
  settings!: MerchantSettings;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

/**
 * What is needed to reach the buyer of one order. Personal data. Filled in two halves that come in
 * either order: the order's (order.received: order number, locale, time zone) and the contact's
 * (order.buyer-contact-recorded: name, addresses, choices, consent, tracking token). After an
 * erasure the row stays, emptied of the contact half, as the marker that keeps it empty.
 */
@Entity({ name: 'buyer_contacts', schema: NOTIFICATION_SCHEMA })
export class BuyerContactEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text', { name: 'external_order_id', nullable: true })
  externalOrderId!: string | null;

  @Column('text', { name: 'tracking_token', nullable: true })
  trackingToken!: string | null;

  @Column('text', { name: 'first_name', nullable: true })
  firstName!: string | null;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('text', { nullable: true })
  locale!: string | null;

  @Column('text', { name: 'time_zone', nullable: true })
  timeZone!: string | null;

  @Column('boolean', { name: 'email_chosen' })
  emailChosen!: boolean;

  @Column('boolean', { name: 'sms_chosen' })
  smsChosen!: boolean;

  @Column('boolean', { name: 'sms_consent_granted' })
  smsConsentGranted!: boolean;

  @Column('timestamptz', { name: 'sms_consent_recorded_at', nullable: true })
  smsConsentRecordedAt!: Date | null;

  @Column('text', { name: 'sms_consent_source', nullable: true })
  smsConsentSource!: string | null;

  /** When order.received came: null until it does. */
  @Column('timestamptz', { name: 'received_at', nullable: true })
  receivedAt!: Date | null;

  /** When the contact details came: null until they do, and again once erased. */
  @Column('timestamptz', { name: 'contact_recorded_at', nullable: true })
  contactRecordedAt!: Date | null;

  @Column('timestamptz', { name: 'erased_at', nullable: true })
  erasedAt!: Date | null;

  @Column('text', { name: 'erasure_request_id', nullable: true })
  erasureRequestId!: string | null;
}

@Entity({ name: 'order_progress', schema: NOTIFICATION_SCHEMA })
export class OrderProgressEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text', { nullable: true })
  state!: string | null;

  @Column('integer', { name: 'milestone_rank' })
  milestoneRank!: number;

  @Column('timestamptz', { name: 'status_occurred_at', nullable: true })
  statusOccurredAt!: Date | null;

  @Column('timestamptz', { name: 'estimated_from', nullable: true })
  estimatedFrom!: Date | null;

  @Column('timestamptz', { name: 'estimated_to', nullable: true })
  estimatedTo!: Date | null;

  @Column('boolean')
  late!: boolean;

  @Column('timestamptz', { name: 'announced_window_to', nullable: true })
  announcedWindowTo!: Date | null;

  @Column('boolean', { name: 'late_announced' })
  lateAnnounced!: boolean;

  @Column('integer', { name: 'notified_rank' })
  notifiedRank!: number;

  @Column('boolean')
  cancelled!: boolean;
}

/** One message decided for an order: at most one per (order, dedupe key), ever. */
@Entity({ name: 'notifications', schema: NOTIFICATION_SCHEMA })
export class NotificationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text')
  kind!: string;

  @Column('text', { name: 'dedupe_key' })
  dedupeKey!: string;

  @Column('text', { name: 'trigger_state' })
  triggerState!: string;

  @Column('text', { name: 'trigger_reason', nullable: true })
  triggerReason!: string | null;

  @Column('integer')
  rank!: number;

  @Column('text')
  status!: NotificationStatus;

  @Column('text', { name: 'status_detail', nullable: true })
  statusDetail!: string | null;

  @Column('uuid', { name: 'source_event_id' })
  sourceEventId!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('timestamptz', { name: 'send_after' })
  sendAfter!: Date;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}

/** One message on one channel, with its attempts. */
@Entity({ name: 'deliveries', schema: NOTIFICATION_SCHEMA })
export class DeliveryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'notification_id' })
  notificationId!: string;

  @Column('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text')
  channel!: string;

  @Column('text')
  status!: DeliveryStatus;

  @Column('integer')
  attempts!: number;

  @Column('timestamptz', { name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @Column('boolean', { name: 'held_for_quiet_hours' })
  heldForQuietHours!: boolean;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}

/** The delivery log: one entry per outcome, each also published as notification.dispatched. */
@Entity({ name: 'delivery_log', schema: NOTIFICATION_SCHEMA })
export class DeliveryLogEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'notification_id' })
  notificationId!: string;

  @Column('uuid', { name: 'delivery_id', nullable: true })
  deliveryId!: string | null;

  @Column('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text')
  kind!: string;

  @Column('text')
  channel!: string;

  @Column('text')
  outcome!: LogOutcome;

  /** False for a failed attempt that will be retried. */
  @Column('boolean')
  final!: boolean;

  @Column('text', { nullable: true })
  detail!: string | null;

  /** Masked (`a***@example.com`, `+4477*****123`): evidence of where it went, not the address. */
  @Column('text', { nullable: true })
  recipient!: string | null;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  @Column('integer')
  attempt!: number;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt!: Date;
}

@Entity({ name: 'sms_opt_outs', schema: NOTIFICATION_SCHEMA })
export class SmsOptOutEntity {
  @PrimaryColumn('text')
  phone!: string;

  @Column('timestamptz', { name: 'opted_out_at' })
  optedOutAt!: Date;
}
