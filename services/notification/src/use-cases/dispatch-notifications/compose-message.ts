import type { OutgoingMessage } from '../../channels/channel';
import type { OrderProgress } from '../../domain/decide-notifications';
import { ERASED } from '../../domain/buyer-reach';
import { messageLocale } from '../../domain/locale';
import { feedbackUrlOf, senderNameOf, type MerchantSettings } from '../../domain/merchant-settings';
import type { Channel, MessageKind } from '../../domain/message-kinds';
import { renderEmail, renderSms, type MessageFacts } from '../../domain/render-message';
import type { BuyerContactEntity, DeliveryEntity, NotificationEntity } from '../../persistence/entities';
import { maskEmail, maskPhone, maskUrl } from '../notification-ledger';

export interface Composition {
  message: OutgoingMessage;
  /** Masked, for the delivery log. */
  recipient: string;
}

export interface CompositionInput {
  delivery: DeliveryEntity;
  notification: NotificationEntity;
  contact: BuyerContactEntity | undefined;
  settings: MerchantSettings;
  progress: OrderProgress | undefined;
  trackingBaseUrl: string;
  now: Date;
}

export function trackingUrlOf(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${token}`;
}

function factsOf(input: CompositionInput, contact: BuyerContactEntity, trackingToken: string): MessageFacts {
  const { notification, settings, progress } = input;
  const kind = notification.kind as MessageKind;
  const locale = messageLocale(contact.locale, settings.defaultLocale);
  const trackingUrl = trackingUrlOf(input.trackingBaseUrl, trackingToken);
  const orderNumber = contact.externalOrderId ?? '';
  return {
    kind,
    locale,
    buyerLocaleTag: contact.locale,
    timeZone: contact.timeZone ?? settings.timeZone,
    firstName: contact.firstName ?? '',
    merchantName: senderNameOf(settings, notification.merchantId),
    orderNumber,
    trackingUrl,
    feedbackUrl: feedbackUrlOf(settings, trackingUrl, orderNumber),
    // The window as known now, not when the message was decided: a confirmation held through
    // quiet hours carries the estimate of the morning.
    windowFrom:
      kind === 'delivered' || kind === 'feedback_request' ? null : (progress?.estimatedFrom ?? null),
    windowTo: kind === 'delivered' || kind === 'feedback_request' ? null : (progress?.estimatedTo ?? null),
    exceptionState: kind === 'exception' ? notification.triggerState : null,
    reason: notification.triggerReason,
    override: settings.templates[kind]?.[locale],
  };
}

/** The merchant webhook's body: the facts of the notification, no buyer contact data. */
export function webhookBody(input: CompositionInput): string {
  const { notification, contact, progress } = input;
  return JSON.stringify({
    type: `notification.${notification.kind}`,
    timestamp: input.now.toISOString(),
    data: {
      notificationId: notification.id,
      orderId: notification.orderId,
      externalOrderId: contact?.externalOrderId ?? null,
      kind: notification.kind,
      state: notification.triggerState,
      reason: notification.triggerReason,
      occurredAt: notification.occurredAt.toISOString(),
      estimatedDelivery: progress?.estimatedTo
        ? { from: progress.estimatedFrom?.toISOString() ?? null, to: progress.estimatedTo.toISOString() }
        : null,
      late: progress?.late ?? false,
      // Null once the buyer is erased: the token opened their page.
      trackingUrl: contact?.trackingToken
        ? trackingUrlOf(input.trackingBaseUrl, contact.trackingToken)
        : null,
    },
  });
}

/**
 * The message one delivery sends, rendered at send time from what is known then; or why it cannot
 * be built (no contact, no webhook URL any more).
 */
export function composeMessage(input: CompositionInput): Composition | { unavailable: string } {
  const channel = input.delivery.channel as Channel;
  if (channel === 'webhook') {
    const { url, secret } = input.settings.webhook;
    if (!url || !secret) return { unavailable: 'the merchant removed its webhook URL' };
    return {
      message: {
        channel,
        message: { url, secret, id: input.delivery.id, timestamp: input.now, body: webhookBody(input) },
      },
      recipient: maskUrl(url),
    };
  }
  const contact = input.contact;
  if (!contact) return { unavailable: 'no contact details known for the order' };
  if (contact.erasedAt) return { unavailable: ERASED };
  if (!contact.trackingToken) return { unavailable: 'no contact details known for the order' };
  const facts = factsOf(input, contact, contact.trackingToken);
  if (channel === 'email') {
    if (!contact.email) return { unavailable: 'the buyer gave no email address' };
    const email = renderEmail(facts);
    return {
      message: {
        channel,
        message: {
          to: contact.email,
          fromName: facts.merchantName,
          replyTo: input.settings.replyTo,
          subject: email.subject,
          html: email.html,
          text: email.text,
          messageKey: input.delivery.id,
        },
      },
      recipient: maskEmail(contact.email),
    };
  }
  if (!contact.phone) return { unavailable: 'the buyer gave no phone number' };
  const sms = renderSms(facts);
  return {
    message: { channel, message: { to: contact.phone, body: sms.body } },
    recipient: maskPhone(contact.phone),
  };
}
