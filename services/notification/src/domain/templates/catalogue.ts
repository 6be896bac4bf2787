import type { CanonicalReasonCode } from '@tracking/events';
import type { SupportedLocale } from '../locale';
import type { MessageKind } from '../message-kinds';
import { en } from './en';
import { ru } from './ru';
import { vi } from './vi';

/** One message in one language. `html` is the body inside the shared layout; `sms` is without the link. */
export interface MessageTemplate {
  subject: string;
  html: string;
  text: string;
  sms: string;
}

/** The words around the messages: layout, labels of states and reasons, date phrases. */
export interface LocaleLabels {
  greetingNamed: string;
  greetingAnonymous: string;
  trackButton: string;
  footer: string;
  /** Appended to every SMS after the link: every message has a way out. */
  smsOptOut: string;
  /** `{date}` is the latest day when only that is known. */
  windowBy: string;
  exceptionStates: Record<
    'DELIVERY_ATTEMPTED' | 'EXCEPTION' | 'RETURNING' | 'RETURNED' | 'EXPIRED' | 'NOT_RECOGNIZED',
    string
  >;
  reasons: Record<CanonicalReasonCode, string>;
}

export interface LocaleCatalogue {
  labels: LocaleLabels;
  messages: Record<MessageKind, MessageTemplate>;
}

export const CATALOGUES: Record<SupportedLocale, LocaleCatalogue> = { en, vi, ru };

/** The parts of a message a merchant may override, per kind and language. */
export const TEMPLATE_PARTS = ['subject', 'html', 'text', 'sms'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];
