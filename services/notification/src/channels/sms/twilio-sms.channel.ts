import type { NotificationConfig } from '../../config/notification.config';
import { DeliveryFailure, type NotificationChannel, type SendReceipt, type SmsMessage } from '../channel';

/**
 * Error codes of the Twilio Messages API that are about the recipient and will not change on a
 * retry (https://www.twilio.com/docs/api/errors): invalid or unroutable "To", a landline, a
 * number that opted out with the carrier, a region the account may not send to.
 */
const PERMANENT_PROVIDER_CODES = new Set([21211, 21214, 21217, 21219, 21408, 21610, 21612, 21614, 21635]);

interface ProviderError {
  code?: number;
  message?: string;
}

/**
 * SMS through a provider that speaks Twilio's Messages API (Twilio itself, and the many providers
 * and gateways that copy its request format): a form POST to
 * `{base}/2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic authentication.
 */
export class TwilioSmsChannel implements NotificationChannel<'sms'> {
  readonly id = 'sms' as const;
  readonly configured: boolean;
  readonly configurationHint = 'set SMS_PROVIDER_BASE_URL, SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM';
  private readonly endpoint: string;
  private readonly authorization: string;

  constructor(
    private readonly config: Pick<
      NotificationConfig,
      | 'SMS_PROVIDER_BASE_URL'
      | 'SMS_ACCOUNT_SID'
      | 'SMS_AUTH_TOKEN'
      | 'SMS_FROM'
      | 'SMS_MESSAGING_SERVICE_SID'
      | 'NOTIFICATION_SEND_TIMEOUT_MS'
    >,
  ) {
    this.configured = Boolean(
      config.SMS_PROVIDER_BASE_URL && config.SMS_ACCOUNT_SID && config.SMS_AUTH_TOKEN,
    );
    const base = (config.SMS_PROVIDER_BASE_URL ?? '').replace(/\/+$/, '');
    this.endpoint = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.SMS_ACCOUNT_SID ?? '')}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${config.SMS_ACCOUNT_SID}:${config.SMS_AUTH_TOKEN}`).toString('base64')}`;
  }

  async send(message: SmsMessage, signal: AbortSignal): Promise<SendReceipt> {
    if (!this.configured) throw new DeliveryFailure('SMS channel not configured', { permanent: true });
    if (!/^\+[1-9]\d{6,14}$/.test(message.to)) {
      throw new DeliveryFailure('the buyer’s phone number is not E.164', { permanent: true });
    }
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    if (this.config.SMS_MESSAGING_SERVICE_SID)
      form.set('MessagingServiceSid', this.config.SMS_MESSAGING_SERVICE_SID);
    else form.set('From', this.config.SMS_FROM ?? '');
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.NOTIFICATION_SEND_TIMEOUT_MS)]),
        redirect: 'manual',
      });
    } catch (error) {
      throw new DeliveryFailure(
        `SMS provider did not answer: ${error instanceof Error ? error.message : String(error)}`,
        {
          permanent: false,
          cause: error,
        },
      );
    }
    const text = await response.text().catch(() => '');
    let body: (ProviderError & { sid?: string }) | undefined;
    try {
      body = text ? (JSON.parse(text) as ProviderError & { sid?: string }) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok) return { providerMessageId: body?.sid ?? null };
    const code = typeof body?.code === 'number' ? body.code : undefined;
    const detail = `SMS provider answered ${response.status}${code ? ` (error ${code})` : ''}: ${body?.message ?? text.slice(0, 200)}`;
    // 400 is the provider refusing this message (bad or unreachable number); 401/403/404 are our
    // account's settings and 429/5xx the provider's state: those may pass later.
    const permanent = (code !== undefined && PERMANENT_PROVIDER_CODES.has(code)) || response.status === 400;
    throw new DeliveryFailure(detail, { permanent });
  }
}
