import { isReasonCode } from '@tracking/events';
import type { SupportedLocale } from './locale';
import type { TemplateOverride } from './merchant-settings';
import type { MessageKind } from './message-kinds';
import { smsLength, withoutVietnameseDiacritics, type SmsLength } from './sms-segments';
import { CATALOGUES, type LocaleLabels, type MessageTemplate } from './templates/catalogue';
import { escapeHtml, renderTemplate, type TemplateValues } from './templates/template';

/** Everything one message says, resolved: the same input renders the same message. */
export interface MessageFacts {
  kind: MessageKind;
  locale: SupportedLocale;
  /** The buyer's own BCP 47 tag, for date formats (en-GB writes "3 Dec", en-US "Dec 3"). */
  buyerLocaleTag: string | null;
  timeZone: string;
  firstName: string;
  merchantName: string;
  orderNumber: string;
  trackingUrl: string;
  feedbackUrl: string;
  windowFrom: Date | null;
  windowTo: Date | null;
  exceptionState: string | null;
  reason: string | null;
  override: TemplateOverride | undefined;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface RenderedSms {
  body: string;
  length: SmsLength;
}

function dateLocale(facts: MessageFacts): string {
  const tag = facts.buyerLocaleTag?.trim();
  if (tag && tag.toLowerCase().split(/[-_]/)[0] === facts.locale) {
    try {
      return Intl.getCanonicalLocales(tag.replace('_', '-'))[0] ?? facts.locale;
    } catch {
      return facts.locale;
    }
  }
  return facts.locale;
}

/** "3–5 Dec", "by 5 Dec", or "" when no window is known, in the buyer's language and zone. */
export function formatDeliveryWindow(facts: MessageFacts, labels: LocaleLabels): string {
  const { windowFrom: from, windowTo: to } = facts;
  if (!to) return '';
  const format = new Intl.DateTimeFormat(dateLocale(facts), {
    day: 'numeric',
    month: 'short',
    timeZone: facts.timeZone,
  });
  if (!from) return labels.windowBy.replace('{date}', format.format(to));
  const sameDay = format.format(from) === format.format(to);
  return sameDay ? format.format(to) : format.formatRange(from, to);
}

function valuesOf(facts: MessageFacts): TemplateValues {
  const labels = CATALOGUES[facts.locale].labels;
  const firstName = facts.firstName.trim();
  const base = { firstName, merchantName: facts.merchantName };
  const state = facts.exceptionState as keyof LocaleLabels['exceptionStates'] | null;
  return {
    greeting: renderTemplate(firstName ? labels.greetingNamed : labels.greetingAnonymous, base),
    firstName,
    merchantName: facts.merchantName,
    orderNumber: facts.orderNumber,
    trackingUrl: facts.trackingUrl,
    feedbackUrl: facts.feedbackUrl,
    deliveryWindow: formatDeliveryWindow(facts, labels),
    exceptionState:
      state && Object.hasOwn(labels.exceptionStates, state) ? labels.exceptionStates[state] : '',
    reason: isReasonCode(facts.reason) ? labels.reasons[facts.reason] : '',
  };
}

function templateOf(facts: MessageFacts): MessageTemplate {
  return { ...CATALOGUES[facts.locale].messages[facts.kind], ...facts.override };
}

function layoutHtml(facts: MessageFacts, subject: string, body: string, values: TemplateValues): string {
  const labels = CATALOGUES[facts.locale].labels;
  const footer = renderTemplate(labels.footer, values, escapeHtml);
  return [
    '<!doctype html>',
    `<html lang="${facts.locale}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#1f2933">',
    '<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff">',
    `<p style="font-size:13px;color:#6b7280;margin:0 0 16px">${escapeHtml(facts.merchantName)}</p>`,
    body,
    `<p style="margin:24px 0"><a href="${escapeHtml(facts.trackingUrl)}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:4px;text-decoration:none;display:inline-block">${escapeHtml(labels.trackButton)}</a></p>`,
    `<p style="font-size:12px;color:#6b7280">${footer}</p>`,
    '</div></body></html>',
  ].join('\n');
}

/** The email: an HTML part in the shared layout and a plain-text part that says the same. */
export function renderEmail(facts: MessageFacts): RenderedEmail {
  const template = templateOf(facts);
  const values = valuesOf(facts);
  const labels = CATALOGUES[facts.locale].labels;
  const subject = renderTemplate(template.subject, values).replace(/\s+/g, ' ').trim();
  const body = renderTemplate(template.html, values, escapeHtml);
  const text = [
    renderTemplate(template.text, values).trim(),
    '',
    `${labels.trackButton}: ${facts.trackingUrl}`,
    '',
    '-- ',
    renderTemplate(labels.footer, values),
  ].join('\n');
  return { subject, html: layoutHtml(facts, subject, body, values), text };
}

/** Typography that would push a message out of GSM-7 for nothing (Intl puts thin spaces and en dashes in ranges). */
function plainPunctuation(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/[\u00A0\u2000-\u200A\u202F\u205F]/g, ' ')
    .replace(/ {2,}/g, ' ');
}

/**
 * The SMS: the message, the tracking link (always, even if an override forgot it) and the opt-out
 * words, in one segment where the language allows. Tried in turn until one fits: the message as
 * written; Vietnamese without diacritics (GSM-7: 160 characters instead of 70); without the
 * delivery window, which the tracking page shows anyway. Cyrillic is UCS-2 whatever is done, so a
 * Russian message with a link takes two segments; then the fullest text of the fewest segments wins.
 */
export function renderSms(facts: MessageFacts): RenderedSms {
  const template = templateOf(facts);
  const labels = CATALOGUES[facts.locale].labels;
  const full = valuesOf(facts);
  const compose = (values: TemplateValues, plain: boolean): RenderedSms => {
    let message = renderTemplate(template.sms, values).replace(/\s+/g, ' ').trim();
    if (!message.includes(facts.trackingUrl)) message = `${message} ${facts.trackingUrl}`;
    let body = plainPunctuation(`${message} ${labels.smsOptOut}`);
    if (plain) body = withoutVietnameseDiacritics(body);
    return { body, length: smsLength(body) };
  };
  const vietnamese = facts.locale === 'vi';
  const candidates = [
    compose(full, false),
    ...(vietnamese ? [compose(full, true)] : []),
    compose({ ...full, deliveryWindow: '' }, false),
    ...(vietnamese ? [compose({ ...full, deliveryWindow: '' }, true)] : []),
  ];
  return candidates.reduce((best, candidate) =>
    candidate.length.segments < best.length.segments ? candidate : best,
  );
}
