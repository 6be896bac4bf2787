import Negotiator from 'negotiator';
import { SUPPORTED_LOCALES, type PageLocale } from './messages/catalogue';

/**
 * The page's language from Accept-Language, q-values honoured ("de, ru;q=0.5" is Russian,
 * "vi-VN" is Vietnamese, "ru;q=0" refuses Russian); English when nothing the page speaks is
 * acceptable or the header is missing.
 */
export function negotiatePageLocale(acceptLanguage: string | undefined): PageLocale {
  const chosen = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language(
    SUPPORTED_LOCALES,
  );
  return (SUPPORTED_LOCALES as readonly string[]).includes(chosen ?? '') ? (chosen as PageLocale) : 'en';
}
