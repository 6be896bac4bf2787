/** The languages templates exist in. English is the fallback for every other language. */
export const SUPPORTED_LOCALES = ['en', 'vi', 'ru'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export function isSupportedLocale(value: unknown): value is SupportedLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * The language of a buyer's messages: the primary subtag of their BCP 47 locale when templates
 * exist in it ("vi-VN" is Vietnamese); the merchant's default when the buyer gave no locale;
 * English for a language there are no templates in (a German buyer reads English better than
 * the merchant's Vietnamese).
 */
export function messageLocale(
  buyerLocale: string | null | undefined,
  merchantDefault: SupportedLocale,
): SupportedLocale {
  const primary = buyerLocale?.trim().toLowerCase().split(/[-_]/)[0];
  if (!primary) return merchantDefault;
  return isSupportedLocale(primary) ? primary : 'en';
}
