export interface HandleSmsReplyCommand {
  /** E.164, as the provider gives it. */
  phone: string;
  body: string;
  /** The provider's id of the inbound message: a repeated callback is applied once. */
  providerMessageId: string;
}
