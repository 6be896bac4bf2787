import { buyerReach } from './buyer-reach';
import { messageLocale } from './locale';

describe('messageLocale', () => {
  it('takes the buyer’s language, English for one without templates, the merchant’s default without any', () => {
    expect(messageLocale('vi-VN', 'en')).toBe('vi');
    expect(messageLocale('ru_RU', 'en')).toBe('ru');
    expect(messageLocale('de-DE', 'ru')).toBe('en');
    expect(messageLocale('', 'ru')).toBe('ru');
    expect(messageLocale(null, 'vi')).toBe('vi');
  });
});

describe('buyerReach', () => {
  const contact = {
    email: 'ada@example.com',
    phone: '+447700900123',
    emailChosen: true,
    smsChosen: true,
    smsConsentGranted: true,
    smsConsentRecordedAt: new Date('2026-11-01T10:00:00Z'),
  };

  it('reaches a buyer on the channels they chose', () => {
    expect(buyerReach('email', contact, undefined)).toEqual({ reachable: true });
    expect(buyerReach('sms', contact, undefined)).toEqual({ reachable: true });
  });

  it('needs recorded consent for SMS, and a STOP withdraws it until consent is recorded again', () => {
    expect(buyerReach('sms', { ...contact, smsConsentGranted: false }, undefined)).toMatchObject({
      reachable: false,
    });
    expect(buyerReach('sms', contact, new Date('2026-11-02T10:00:00Z'))).toEqual({
      reachable: false,
      detail: 'the buyer replied STOP to SMS',
    });
    expect(buyerReach('sms', contact, new Date('2026-10-30T10:00:00Z'))).toEqual({ reachable: true });
  });

  it('says why a buyer cannot be reached', () => {
    expect(buyerReach('email', { ...contact, email: null }, undefined)).toEqual({
      reachable: false,
      detail: 'the buyer gave no email address',
    });
    expect(buyerReach('sms', { ...contact, smsChosen: false }, undefined)).toEqual({
      reachable: false,
      detail: 'the buyer did not choose SMS updates',
    });
    expect(buyerReach('email', undefined, undefined)).toMatchObject({ reachable: false });
  });
});
