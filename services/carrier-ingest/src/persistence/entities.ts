import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProofOfDelivery, ScanLocation, TrackingReport } from '../carriers/carrier-adapter';

export const CARRIER_INGEST_SCHEMA = 'carrier_ingest';

export type ScanSource = 'WEBHOOK' | 'POLL' | 'MANUAL' | 'SYSTEM';
export type DeliveryStatus = 'RECEIVED' | 'PROCESSED' | 'DEAD_LETTERED';

@Entity({ name: 'shipments', schema: CARRIER_INGEST_SCHEMA })
export class ShipmentEntity {
  @PrimaryColumn('uuid', { name: 'shipment_id' })
  shipmentId!: string;

  @Column('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text')
  carrier!: string;

  @Column('text', { name: 'tracking_number' })
  trackingNumber!: string;

  @Column('text', { name: 'service_level', nullable: true })
  serviceLevel!: string | null;

  @Column('timestamptz', { name: 'registered_at' })
  registeredAt!: Date;

  /** The number passed the format and check-digit test for its declared carrier. */
  @Column('boolean', { name: 'number_valid' })
  numberValid!: boolean;

  @Column('text')
  state!: string;

  @Column('text', { name: 'state_reason', nullable: true })
  stateReason!: string | null;

  @Column('timestamptz', { name: 'state_occurred_at' })
  stateOccurredAt!: Date;

  @Column('timestamptz', { name: 'first_scan_at', nullable: true })
  firstScanAt!: Date | null;

  @Column('timestamptz', { name: 'last_update_at' })
  lastUpdateAt!: Date;

  @Column('timestamptz', { name: 'not_found_since', nullable: true })
  notFoundSince!: Date | null;

  @Column('timestamptz', { name: 'not_picked_up_raised_at', nullable: true })
  notPickedUpRaisedAt!: Date | null;

  @Column('timestamptz', { name: 'voided_at', nullable: true })
  voidedAt!: Date | null;

  /** Set once nothing more is expected: delivered, returned, expired, cancelled or voided. */
  @Column('timestamptz', { name: 'tracking_closed_at', nullable: true })
  trackingClosedAt!: Date | null;

  @Column('timestamptz', { name: 'next_poll_at', nullable: true })
  nextPollAt!: Date | null;

  @Column('integer', { name: 'poll_failures' })
  pollFailures!: number;

  @Column('text', { name: 'last_poll_error', nullable: true })
  lastPollError!: string | null;
}

@Entity({ name: 'scans', schema: CARRIER_INGEST_SCHEMA })
export class ScanEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'shipment_id' })
  shipmentId!: string;

  @Column('text', { name: 'dedupe_key' })
  dedupeKey!: string;

  @Column('text')
  source!: ScanSource;

  @Column('text')
  state!: string;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { name: 'raw_code' })
  rawCode!: string;

  @Column('text', { name: 'raw_description' })
  rawDescription!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('text', { name: 'occurred_at_text' })
  occurredAtText!: string;

  @Column('text', { name: 'occurred_at_resolution' })
  occurredAtResolution!: string;

  @Column('jsonb', { nullable: true })
  location!: ScanLocation | null;

  @Column('jsonb', { name: 'proof_of_delivery', nullable: true })
  proofOfDelivery!: ProofOfDelivery | null;

  @Column('text', { name: 'carrier_event_id', nullable: true })
  carrierEventId!: string | null;

  @Column('timestamptz', { name: 'carrier_estimated_delivery', nullable: true })
  carrierEstimatedDelivery!: Date | null;

  @Column('text', { nullable: true })
  note!: string | null;

  @Column('text', { name: 'recorded_by', nullable: true })
  recordedBy!: string | null;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt!: Date;
}

@Entity({ name: 'webhook_deliveries', schema: CARRIER_INGEST_SCHEMA })
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  carrier!: string;

  @Column('text', { name: 'replay_key' })
  replayKey!: string;

  @Column('bytea', { name: 'raw_body' })
  rawBody!: Buffer;

  @Column('jsonb')
  headers!: Record<string, string>;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @Column('text')
  status!: DeliveryStatus;

  /** Counted in a transaction of its own before each try, so a try that never ends still counts. */
  @Column('integer', { name: 'started_attempts' })
  startedAttempts!: number;

  @Column('integer', { name: 'finished_attempts' })
  finishedAttempts!: number;

  /** Claimed by a processor until then, or waiting out the backoff after a failed try. */
  @Column('timestamptz', { name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  /** Why the last try failed or why the delivery was dead-lettered; always storable text. */
  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt!: Date | null;
}

@Entity({ name: 'unmatched_reports', schema: CARRIER_INGEST_SCHEMA })
export class UnmatchedReportEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  carrier!: string;

  @Column('text', { name: 'tracking_number' })
  trackingNumber!: string;

  @Column('text')
  source!: ScanSource;

  @Column('jsonb')
  report!: TrackingReport;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;
}
