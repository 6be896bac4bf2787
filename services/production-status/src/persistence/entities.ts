import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProductionReport } from '../domain/production-event';

export const PRODUCTION_STATUS_SCHEMA = 'production_status';

export type StepStatus = 'APPLIED' | 'AWAITING_ORDER' | 'DEAD_LETTERED';

@Entity({ name: 'orders', schema: PRODUCTION_STATUS_SCHEMA })
export class OrderEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text', { name: 'fulfillment_centre_id', nullable: true })
  fulfillmentCentreId!: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @Column('timestamptz', { name: 'packed_at', nullable: true })
  packedAt!: Date | null;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;
}

@Entity({ name: 'production_steps', schema: PRODUCTION_STATUS_SCHEMA })
export class ProductionStepEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'fulfillment_centre_id' })
  fulfillmentCentreId!: string;

  @Column('text', { name: 'centre_event_id' })
  centreEventId!: string;

  @Column('text')
  step!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt!: Date;

  @Column('text')
  status!: StepStatus;

  @Column('text', { name: 'status_reason', nullable: true })
  statusReason!: string | null;

  @Column('text', { nullable: true })
  state!: string | null;

  @Column('text', { name: 'reason_code', nullable: true })
  reasonCode!: string | null;

  @Column('uuid', { name: 'voided_shipment_id', nullable: true })
  voidedShipmentId!: string | null;

  @Column('jsonb')
  report!: ProductionReport;
}

@Entity({ name: 'shipments', schema: PRODUCTION_STATUS_SCHEMA })
export class ShipmentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text')
  carrier!: string;

  @Column('text', { name: 'tracking_number' })
  trackingNumber!: string;

  @Column('text', { name: 'service_level', nullable: true })
  serviceLevel!: string | null;

  @Column('integer', { name: 'package_count' })
  packageCount!: number;

  @Column('integer', { name: 'weight_grams', nullable: true })
  weightGrams!: number | null;

  @Column('timestamptz', { name: 'packed_at' })
  packedAt!: Date;

  @Column('timestamptz', { name: 'voided_at', nullable: true })
  voidedAt!: Date | null;
}
