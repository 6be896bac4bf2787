import type { SupportedLocale } from './locale';
import { MESSAGE_KIND_DEFINITIONS, MESSAGE_KINDS, type Channel, type MessageKind } from './message-kinds';
import type { QuietHours } from './quiet-hours';
import type { TemplatePart } from './templates/catalogue';

export interface MessageSetting {
  enabled: boolean;
  channels: Channel[];
}

export type TemplateOverride = Partial<Record<TemplatePart, string>>;
export type TemplateOverrides = Partial<
  Record<MessageKind, Partial<Record<SupportedLocale, TemplateOverride>>>
>;

/** What a merchant decides about its buyers' notifications (GET/PUT /v1/settings). */
export interface MerchantSettings {
  /** The From display name and {{merchantName}}; the merchant id until set. */
  senderName: string | null;
  replyTo: string | null;
  /** The language for buyers who gave no locale. */
  defaultLocale: SupportedLocale;
  /** Quiet hours are read in this zone when the buyer's cannot be told from the shipping address. */
  timeZone: string;
  /** In the buyer's time zone; null sends at any hour. */
  quietHours: QuietHours | null;
  /** Null uses FEEDBACK_REQUEST_DELAY_MS. */
  feedbackRequestDelayMinutes: number | null;
  /** Where the feedback request points; `{{orderNumber}}` is replaced. Null: the tracking page. */
  feedbackUrl: string | null;
  messages: Record<MessageKind, MessageSetting>;
  webhook: { url: string | null; secret: string | null };
  templates: TemplateOverrides;
}

export function defaultMessageSettings(): Record<MessageKind, MessageSetting> {
  return Object.fromEntries(
    MESSAGE_KINDS.map((kind) => [
      kind,
      { enabled: true, channels: [...MESSAGE_KIND_DEFINITIONS[kind].defaultChannels] },
    ]),
  ) as Record<MessageKind, MessageSetting>;
}

/**
 * The settings of a merchant that never saved any. Quiet hours are on by default (21:00 to 08:00
 * in the buyer's zone): a message at 3 a.m. costs more goodwill than one that waits till morning.
 */
export function defaultMerchantSettings(): MerchantSettings {
  return {
    senderName: null,
    replyTo: null,
    defaultLocale: 'en',
    timeZone: 'UTC',
    quietHours: { start: '21:00', end: '08:00' },
    feedbackRequestDelayMinutes: null,
    feedbackUrl: null,
    messages: defaultMessageSettings(),
    webhook: { url: null, secret: null },
    templates: {},
  };
}

/** Reads stored settings written by any earlier version: kinds added since get their defaults. */
export function withDefaults(stored: Partial<MerchantSettings> | null | undefined): MerchantSettings {
  const defaults = defaultMerchantSettings();
  if (!stored) return defaults;
  return {
    ...defaults,
    ...stored,
    messages: { ...defaults.messages, ...stored.messages },
    webhook: { ...defaults.webhook, ...stored.webhook },
    templates: stored.templates ?? {},
  };
}

export function senderNameOf(settings: MerchantSettings, merchantId: string): string {
  return settings.senderName?.trim() || merchantId;
}

export function feedbackUrlOf(settings: MerchantSettings, trackingUrl: string, orderNumber: string): string {
  if (!settings.feedbackUrl) return trackingUrl;
  return settings.feedbackUrl.replace(/\{\{\s*orderNumber\s*\}\}/g, encodeURIComponent(orderNumber));
}
