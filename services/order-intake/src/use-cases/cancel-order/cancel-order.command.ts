export interface CancelOrderCommand {
  merchantId: string;
  orderId: string;
  reason?: string;
  /** Who asked, for the audit trail on the event: the merchant's credential subject. */
  requestedBy: string;
}
