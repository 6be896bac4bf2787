import { negotiatePageLocale } from './page-locale';

describe('negotiatePageLocale', () => {
  it.each([
    ['vi-VN,vi;q=0.9,en;q=0.8', 'vi'],
    ['ru-RU', 'ru'],
    ['de-DE, ru;q=0.5, en;q=0.3', 'ru'],
    ['fr;q=1, vi;q=0.1', 'vi'],
    ['ru;q=0, en', 'en'],
    ['en-GB', 'en'],
  ])('chooses by Accept-Language and its q-values: %s is %s', (header, locale) => {
    expect(negotiatePageLocale(header)).toBe(locale);
  });

  it.each([[undefined], [''], ['de-DE'], ['*'], ['not a header;;q=x']])(
    'falls back to English for %p',
    (header) => {
      expect(negotiatePageLocale(header)).toBe('en');
    },
  );
});
