import type { NotificationConfig } from '../../config/notification.config';
import { DeliveryFailure, type NotificationChannel, type SendReceipt, type WebhookMessage } from '../channel';
import { webhookHeaders } from './standard-webhooks';

/**
 * Whether a merchant endpoint's answer is final. 2xx is delivered. 410 Gone, and any other 4xx but
 * 408 (timeout) and 429 (slow down), is the endpoint refusing this request: sending the same bytes
 * again cannot succeed. A redirect is refused too: the signature names the URL's owner, so we do
 * not follow it elsewhere. Network failures and 5xx are retried.
 */
export function isPermanentWebhookStatus(status: number): boolean {
  if (status >= 300 && status < 400) return true;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Merchant webhooks, signed per Standard Webhooks. Always configured: each merchant sets its URL. */
export class MerchantWebhookChannel implements NotificationChannel<'webhook'> {
  readonly id = 'webhook' as const;
  readonly configured = true;
  readonly configurationHint = 'set webhook.url in the merchant settings';

  constructor(private readonly config: Pick<NotificationConfig, 'NOTIFICATION_SEND_TIMEOUT_MS'>) {}

  async send(message: WebhookMessage, signal: AbortSignal): Promise<SendReceipt> {
    let response: Response;
    try {
      response = await fetch(message.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'parcel-tracking-notification/1',
          ...webhookHeaders(message.secret, message.id, message.timestamp, message.body),
        },
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.NOTIFICATION_SEND_TIMEOUT_MS)]),
      });
    } catch (error) {
      throw new DeliveryFailure(
        `merchant endpoint did not answer: ${error instanceof Error ? error.message : String(error)}`,
        { permanent: false, cause: error },
      );
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return { providerMessageId: message.id };
    throw new DeliveryFailure(`merchant endpoint answered ${response.status}`, {
      permanent: isPermanentWebhookStatus(response.status),
    });
  }
}
