import { Webhook } from 'standardwebhooks';
import { isPermanentSmtpFailure } from './email/smtp-email.channel';
import { isValidProviderSignature, providerSignature } from './sms/twilio-signature';
import { isPermanentWebhookStatus } from './webhook/merchant-webhook.channel';
import { newWebhookSecret, webhookHeaders } from './webhook/standard-webhooks';

describe('Standard Webhooks signing', () => {
  it('is verified by the reference implementation, and not with another secret or a changed body', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'notification.shipped', data: { orderId: 'o-1' } });
    const headers = webhookHeaders(secret, 'msg_1', new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('o-1', 'o-2'), headers)).toThrow();
  });

  it('matches the reference implementation byte for byte', () => {
    const secret = newWebhookSecret();
    const at = new Date('2026-12-01T12:00:00Z');
    expect(webhookHeaders(secret, 'msg_2', at, '{}')['webhook-signature']).toBe(
      new Webhook(secret).sign('msg_2', at, '{}'),
    );
  });
});

describe('SMS provider request signature', () => {
  // The example in Twilio's documentation of request validation.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params: Array<[string, string]> = [
    ['CallSid', 'CA1234567890ABCDE'],
    ['Caller', '+14158675310'],
    ['Digits', '1234'],
    ['From', '+14158675310'],
    ['To', '+18005551212'],
  ];

  it('matches the documented example', () => {
    expect(providerSignature('12345', url, params)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(
      isValidProviderSignature('12345', url, [...params].reverse(), 'GvWf1cFY/Q7PnoempGyD5oXAezc='),
    ).toBe(true);
    expect(isValidProviderSignature('12345', url, params, undefined)).toBe(false);
    expect(isValidProviderSignature('54321', url, params, 'GvWf1cFY/Q7PnoempGyD5oXAezc=')).toBe(false);
  });
});

describe('failure classification', () => {
  it.each([
    [{ responseCode: 550, command: 'RCPT TO' }, true],
    [{ responseCode: 554, command: 'DATA' }, true],
    [{ responseCode: 451, command: 'DATA' }, false],
    [{ responseCode: 421 }, false],
    [{ responseCode: 535, command: 'AUTH PLAIN' }, false],
    [{ code: 'ECONNECTION' }, false],
    [{ code: 'ETIMEDOUT' }, false],
    [{ code: 'EENVELOPE' }, true],
  ])('SMTP %p is permanent: %p', (error, permanent) => {
    expect(isPermanentSmtpFailure(error)).toBe(permanent);
  });

  it.each([
    [400, true],
    [404, true],
    [410, true],
    [301, true],
    [408, false],
    [429, false],
    [500, false],
    [503, false],
  ])('webhook status %p is permanent: %p', (status, permanent) => {
    expect(isPermanentWebhookStatus(status)).toBe(permanent);
  });
});
