import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { ValidationFailedError, type FieldViolation } from '@tracking/errors';
import { newWebhookSecret } from '../../channels/webhook/standard-webhooks';
import { NotificationConfig } from '../../config/notification.config';
import { SUPPORTED_LOCALES } from '../../domain/locale';
import {
  defaultMerchantSettings,
  type MerchantSettings,
  type TemplateOverrides,
} from '../../domain/merchant-settings';
import { MESSAGE_KINDS } from '../../domain/message-kinds';
import { isValidTimeZone } from '../../domain/quiet-hours';
import { TEMPLATE_PARTS } from '../../domain/templates/catalogue';
import { templateProblems } from '../../domain/templates/template';
import { refusedHost } from '../../domain/webhook-target';
import { NotificationRepository } from '../../persistence/notification.repository';
import type { UpdateSettingsCommand } from './update-settings.command';

/** What the template language cannot say: a message whose HTML and text parts disagree. */
function templateViolations(templates: TemplateOverrides): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const kind of MESSAGE_KINDS) {
    for (const locale of SUPPORTED_LOCALES) {
      const override = templates[kind]?.[locale];
      if (!override) continue;
      const field = `templates.${kind}.${locale}`;
      for (const part of TEMPLATE_PARTS) {
        const source = override[part];
        if (source === undefined) continue;
        for (const problem of templateProblems(source))
          violations.push({ field: `${field}.${part}`, reason: problem });
      }
      if ((override.html === undefined) !== (override.text === undefined)) {
        violations.push({
          field: override.html === undefined ? `${field}.html` : `${field}.text`,
          reason: 'html and text are overridden together, so both parts of the email say the same',
        });
      }
    }
  }
  return violations;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A name that resolves to an internal address is caught when sending, on every address it has. */
function refusedHostOf(url: string): string | undefined {
  try {
    return refusedHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

@Injectable()
export class ManageSettingsUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: NotificationRepository,
    private readonly config: NotificationConfig,
  ) {}

  get(merchantId: string): Promise<MerchantSettings> {
    return this.unitOfWork.run((tx) => this.repository.settingsOf(tx.manager, merchantId));
  }

  /** Replaces the merchant's settings; nothing changes when any field is refused. */
  async update(command: UpdateSettingsCommand): Promise<MerchantSettings> {
    const { request } = command;
    const defaults = defaultMerchantSettings();
    const violations: FieldViolation[] = [];
    const timeZone = request.timeZone ?? defaults.timeZone;
    if (!isValidTimeZone(timeZone)) {
      violations.push({ field: 'timeZone', reason: 'must be an IANA time zone, e.g. Europe/London' });
    }
    const quietHours = request.quietHours === undefined ? defaults.quietHours : request.quietHours;
    if (quietHours && quietHours.start === quietHours.end) {
      violations.push({
        field: 'quietHours',
        reason: 'start and end must differ; send null for no quiet hours',
      });
    }
    const feedbackUrl = request.feedbackUrl ?? null;
    if (feedbackUrl !== null && !isHttpUrl(feedbackUrl.replace(/\{\{\s*orderNumber\s*\}\}/g, 'order'))) {
      violations.push({
        field: 'feedbackUrl',
        reason: 'must be an http(s) URL; {{orderNumber}} may appear in it',
      });
    }
    const messages = { ...defaults.messages };
    for (const kind of MESSAGE_KINDS) {
      const given = request.messages?.[kind];
      if (given) messages[kind] = { enabled: given.enabled, channels: [...given.channels] };
    }
    const webhookUrl = request.webhook?.url ?? null;
    const usingWebhook = MESSAGE_KINDS.filter((kind) => messages[kind].channels.includes('webhook'));
    if (usingWebhook.length > 0 && !webhookUrl) {
      violations.push({
        field: 'webhook.url',
        reason: `required while messages use the webhook channel (${usingWebhook.join(', ')})`,
      });
    }
    const refusal = webhookUrl && !this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS && refusedHostOf(webhookUrl);
    if (refusal) {
      violations.push({
        field: 'webhook.url',
        reason: `${refusal}: webhooks may not reach private, loopback, link-local or metadata addresses`,
      });
    }
    const templates = (request.templates ?? {}) as TemplateOverrides;
    violations.push(...templateViolations(templates));
    if (violations.length > 0) {
      throw new ValidationFailedError(
        `${violations.length === 1 ? 'A setting is' : 'Settings are'} not valid: ${[...new Set(violations.map((v) => v.field))].join(', ')}`,
        violations,
      );
    }

    return this.unitOfWork.run(async (tx) => {
      const current = await this.repository.lockSettings(tx.manager, command.merchantId);
      const currentSecret = current?.webhook.secret ?? null;
      const secret =
        request.webhook?.secret ??
        (request.webhook?.rotateSecret
          ? newWebhookSecret()
          : (currentSecret ?? (webhookUrl ? newWebhookSecret() : null)));
      const settings: MerchantSettings = {
        senderName: request.senderName?.trim() || null,
        replyTo: request.replyTo ?? null,
        defaultLocale: request.defaultLocale ?? defaults.defaultLocale,
        timeZone,
        quietHours: quietHours ? { start: quietHours.start, end: quietHours.end } : null,
        feedbackRequestDelayMinutes: request.feedbackRequestDelayMinutes ?? null,
        feedbackUrl,
        messages,
        webhook: { url: webhookUrl, secret },
        templates: JSON.parse(JSON.stringify(templates)) as TemplateOverrides,
      };
      await this.repository.saveSettings(tx.manager, command.merchantId, settings);
      return settings;
    });
  }
}
