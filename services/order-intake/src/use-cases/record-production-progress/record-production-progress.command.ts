import type { ProductionProgress } from '../../domain/order';

export interface RecordProductionProgressCommand {
  orderId: string;
  merchantId: string;
  /** A production milestone, or CANCELLED when the fulfillment centre stopped the order. */
  reported: ProductionProgress | 'CANCELLED';
  occurredAt: Date;
  reason?: string;
}
