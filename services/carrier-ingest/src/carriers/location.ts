import { alpha3ToAlpha2, getAlpha2Code, isValid, registerLocale, type LocaleData } from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';
import type { ScanLocation } from './carrier-adapter';

registerLocale(english as LocaleData);

/** Spellings carriers use that the ISO English names do not cover. */
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  UK: 'GB',
  'UNITED STATES OF AMERICA': 'US',
  'VIET NAM': 'VN',
  'KOREA, SOUTH': 'KR',
  'SOUTH KOREA': 'KR',
  'HONG KONG SAR CHINA': 'HK',
  'MAINLAND CHINA': 'CN',
  'PEOPLES REPUBLIC OF CHINA': 'CN',
  "PEOPLE'S REPUBLIC OF CHINA": 'CN',
};

/**
 * ISO 3166-1 alpha-2 for what carriers put in a country field: alpha-2 ("US"), alpha-3
 * ("USA", as AfterShip's country_iso3) or an English name ("UNITED STATES", "Germany").
 * Undefined for blanks and for anything that is not a country.
 */
export function toCountryCode(value: string | undefined | null): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const upper = text.toUpperCase();
  if (Object.hasOwn(COUNTRY_ALIASES, upper)) return COUNTRY_ALIASES[upper];
  if (/^[A-Z]{2}$/.test(upper)) return isValid(upper) ? upper : undefined;
  if (/^[A-Z]{3}$/.test(upper)) return alpha3ToAlpha2(upper);
  return getAlpha2Code(text, 'en');
}

function clean(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

function coordinate(value: number | undefined, limit: number): number | undefined {
  return value !== undefined && Number.isFinite(value) && Math.abs(value) <= limit ? value : undefined;
}

/** A ScanLocation without empty fields, or undefined when nothing is known. */
export function buildLocation(fields: {
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  latitude?: number;
  longitude?: number;
}): ScanLocation | undefined {
  const location: ScanLocation = {};
  const city = clean(fields.city);
  const region = clean(fields.region);
  const postalCode = clean(fields.postalCode);
  const countryCode = toCountryCode(fields.country);
  const latitude = coordinate(fields.latitude, 90);
  const longitude = coordinate(fields.longitude, 180);
  if (city) location.city = city;
  if (region) location.region = region;
  if (postalCode) location.postalCode = postalCode;
  if (countryCode) location.countryCode = countryCode;
  if (latitude !== undefined && longitude !== undefined) {
    location.latitude = latitude;
    location.longitude = longitude;
  }
  return Object.keys(location).length > 0 ? location : undefined;
}
