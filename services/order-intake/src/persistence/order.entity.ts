import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type {
  Buyer,
  LineItem,
  OrderLifecycle,
  ProductionProgress,
  ShippingAddress,
  StorefrontPlatform,
} from '../domain/order';

export const ORDER_INTAKE_SCHEMA = 'order_intake';

@Entity({ name: 'orders', schema: ORDER_INTAKE_SCHEMA })
@Index('orders_merchant_external_id_key', ['merchantId', 'externalOrderId'], { unique: true })
export class OrderEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'merchant_id' })
  merchantId!: string;

  @Column('text', { name: 'external_order_id' })
  externalOrderId!: string;

  @Column('text', { name: 'storefront_platform' })
  storefrontPlatform!: StorefrontPlatform;

  @Column('timestamptz', { name: 'placed_at' })
  placedAt!: Date;

  @Column('jsonb')
  buyer!: Buyer;

  @Column('jsonb', { name: 'shipping_address' })
  shippingAddress!: ShippingAddress;

  @Column('jsonb', { name: 'line_items' })
  lineItems!: LineItem[];

  @Column('text', { name: 'fulfillment_center_id', nullable: true })
  fulfillmentCenterId!: string | null;

  @Column('date', { name: 'promised_delivery_date', nullable: true })
  promisedDeliveryDate!: string | null;

  @Index('orders_tracking_token_key', { unique: true })
  @Column('text', { name: 'tracking_token' })
  trackingToken!: string;

  @Column('text', { name: 'submission_fingerprint' })
  submissionFingerprint!: string;

  @Column('text')
  lifecycle!: OrderLifecycle;

  @Column('text')
  progress!: ProductionProgress;

  @Column('timestamptz', { name: 'packed_at', nullable: true })
  packedAt!: Date | null;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;

  @Column('text', { name: 'cancellation_reason', nullable: true })
  cancellationReason!: string | null;

  /** Set once the buyer's personal data was erased: the order keeps its facts, not its buyer. */
  @Column('timestamptz', { name: 'erased_at', nullable: true })
  erasedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;
}
