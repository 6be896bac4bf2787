import { loadConfig } from '@tracking/config';
import { NotificationConfig } from './notification.config';

const BASE = {
  DATABASE_URL: 'postgres://localhost/tracking',
  KAFKA_BROKERS: 'localhost:9092',
  AUTH_JWKS_URL: 'https://id.example/jwks.json',
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(NotificationConfig, { ...BASE, ...env });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('NotificationConfig', () => {
  it('starts with no channel configured, on the documented defaults', () => {
    const config = loadConfig(NotificationConfig, BASE);
    expect(config).toMatchObject({
      SERVICE_NAME: 'notification',
      PORT: 3004,
      PUBLIC_TRACKING_BASE_URL: 'http://localhost:3006/t',
      NOTIFICATION_COALESCE_MS: 5_000,
      NOTIFICATION_MAX_EVENT_AGE_MS: 172_800_000,
      FEEDBACK_REQUEST_DELAY_MS: 259_200_000,
      NOTIFICATION_MAX_ATTEMPTS: 8,
    });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.SMS_PROVIDER_BASE_URL).toBeUndefined();
  });

  it('refuses a half-configured channel, naming what is missing', () => {
    expect(problems({ SMTP_URL: 'smtp://mail.example:587' })).toContain('EMAIL_FROM (not set)');
    expect(problems({ SMTP_URL: 'http://mail.example', EMAIL_FROM: 'a@b.example' })).toContain(
      'SMTP_URL (invalid)',
    );
    const sms = problems({ SMS_PROVIDER_BASE_URL: 'https://api.twilio.com' });
    expect(sms).toContain('SMS_ACCOUNT_SID (not set)');
    expect(sms).toContain('SMS_AUTH_TOKEN (not set)');
    expect(sms).toContain('SMS_FROM (not set)');
    expect(
      problems({
        SMS_PROVIDER_BASE_URL: 'https://api.twilio.com',
        SMS_ACCOUNT_SID: 'AC1',
        SMS_AUTH_TOKEN: 't',
        SMS_MESSAGING_SERVICE_SID: 'MG1',
      }),
    ).toBe('');
  });

  it('refuses malformed numbers', () => {
    expect(problems({ NOTIFICATION_COALESCE_MS: 'soon' })).toContain('NOTIFICATION_COALESCE_MS (invalid)');
    expect(problems({ NOTIFICATION_MAX_ATTEMPTS: '0' })).toContain('NOTIFICATION_MAX_ATTEMPTS');
  });

  it('keeps merchant webhooks off internal addresses unless told otherwise', () => {
    expect(loadConfig(NotificationConfig, BASE).WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(false);
    expect(
      loadConfig(NotificationConfig, { ...BASE, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' })
        .WEBHOOK_ALLOW_PRIVATE_TARGETS,
    ).toBe(true);
    expect(problems({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'sometimes' })).toContain(
      'WEBHOOK_ALLOW_PRIVATE_TARGETS',
    );
  });
});
