import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { NotificationConfig } from '../../config/notification.config';
import { refusedAddress, refusedHost } from '../../domain/webhook-target';
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

/** The resolver's shape (dns.lookup with `all`), so a test can say what a name resolves to. */
export type ResolveAll = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const resolveWithDns: ResolveAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

class RefusedTarget extends Error {}

/**
 * A lookup for the connection itself: every address the name resolves to is checked, and the
 * connection goes only to checked ones. Checking a name first and letting the request resolve it
 * again would leave a window for a name whose answer changes in between (DNS rebinding).
 */
function checkedLookup(resolve: ResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : undefined;
    resolve(hostname, { all: true, ...(family ? { family } : {}) }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const what = refusedAddress(address);
        if (what) return callback(new RefusedTarget(`${hostname} resolves to ${address}, ${what}`), '', 0);
      }
      if (options.all)
        return (callback as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Merchant webhooks, signed per Standard Webhooks. Always configured: each merchant sets its URL.
 * Unless WEBHOOK_ALLOW_PRIVATE_TARGETS is set, an endpoint on an internal address (loopback,
 * private, link-local, metadata, ...) is refused for good, whether the URL names the address or a
 * name that resolves to it: a merchant's URL must not reach into the network we run in.
 */
export class MerchantWebhookChannel implements NotificationChannel<'webhook'> {
  readonly id = 'webhook' as const;
  readonly configured = true;
  readonly configurationHint = 'set webhook.url in the merchant settings';
  private readonly lookup?: LookupFunction;

  constructor(
    private readonly config: Pick<
      NotificationConfig,
      'NOTIFICATION_SEND_TIMEOUT_MS' | 'WEBHOOK_ALLOW_PRIVATE_TARGETS'
    >,
    resolve: ResolveAll = resolveWithDns,
  ) {
    if (!config.WEBHOOK_ALLOW_PRIVATE_TARGETS) this.lookup = checkedLookup(resolve);
  }

  async send(message: WebhookMessage, signal: AbortSignal): Promise<SendReceipt> {
    const url = new URL(message.url);
    const refusal = this.lookup ? refusedHost(url.hostname) : undefined;
    if (refusal) throw refused(refusal);
    let status: number;
    try {
      status = await this.post(url, message, signal);
    } catch (error) {
      if (error instanceof RefusedTarget) throw refused(error.message);
      throw new DeliveryFailure(
        `merchant endpoint did not answer: ${error instanceof Error ? error.message : String(error)}`,
        { permanent: false, cause: error },
      );
    }
    if (status >= 200 && status < 300) return { providerMessageId: message.id };
    throw new DeliveryFailure(`merchant endpoint answered ${status}`, {
      permanent: isPermanentWebhookStatus(status),
    });
  }

  /** The status of the endpoint's answer; its body is not read. Redirects are not followed. */
  private post(url: URL, message: WebhookMessage, signal: AbortSignal): Promise<number> {
    const body = Buffer.from(message.body);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'parcel-tracking-notification/1',
            ...webhookHeaders(message.secret, message.id, message.timestamp, message.body),
          },
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.NOTIFICATION_SEND_TIMEOUT_MS)]),
          ...(this.lookup ? { lookup: this.lookup } : {}),
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

function refused(reason: string): DeliveryFailure {
  return new DeliveryFailure(`webhook URL refused: ${reason}; internal addresses are not reachable`, {
    permanent: true,
  });
}
