import type { OrderSubmission } from '../../domain/order';

export interface SubmitOrderCommand {
  merchantId: string;
  submission: OrderSubmission;
}
