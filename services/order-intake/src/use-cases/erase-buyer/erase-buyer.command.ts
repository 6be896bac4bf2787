/** Which of a merchant's orders lose their buyer's personal data: one order, or a buyer's every order. */
export type EraseBuyerCommand =
  { merchantId: string; orderId: string } | { merchantId: string; buyer: { email?: string; phone?: string } };
