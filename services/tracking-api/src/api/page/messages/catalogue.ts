import type { CanonicalReasonCode, CanonicalState, ExceptionState } from '@tracking/events';
import { en } from './en';
import { ru } from './ru';
import { vi } from './vi';

/** The exception states a "delayed" notice explains when the event carried no reason code. */
export type ExplainedException = Extract<
  ExceptionState,
  'DELIVERY_ATTEMPTED' | 'EXCEPTION' | 'EXPIRED' | 'NOT_RECOGNIZED'
>;

/**
 * Every word on the tracking page, in one language. `{name}` placeholders are filled (and
 * escaped) by the page. The maps are keyed by the canonical vocabulary, so a state or reason
 * code added to libs/tracking-events fails to compile here until every language has it.
 */
export interface PageMessages {
  title: string;
  orderNumber: string;
  greeting: string;
  greetingAnonymous: string;
  states: Readonly<Record<CanonicalState, string>>;
  reasons: Readonly<Record<CanonicalReasonCode, string>>;
  /** Why a delivery is delayed when the carrier gave no reason code, by exception state. */
  unexplained: Readonly<Record<ExplainedException, string>>;
  estimatedDelivery: string;
  deliveredOn: string;
  leftAt: string;
  lastSeenIn: string;
  progress: string;
  delayedTitle: string;
  delayReason: string;
  newWindow: string;
  noNewWindowYet: string;
  lateTitle: string;
  lateBody: string;
  lastUpdate: string;
  cancelledTitle: string;
  returningTitle: string;
  returnedTitle: string;
  contactShop: string;
  shipments: string;
  parcelOf: string;
  trackingNumber: string;
  carrierLink: string;
  history: string;
  noHistory: string;
  timesShownIn: string;
  liveUpdates: string;
  notFoundTitle: string;
  notFoundBody: string;
}

export const SUPPORTED_LOCALES = ['en', 'vi', 'ru'] as const;
export type PageLocale = (typeof SUPPORTED_LOCALES)[number];

export const PAGE_MESSAGES: Readonly<Record<PageLocale, PageMessages>> = { en, vi, ru };
