import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError, TrackingError, ValidationFailedError } from '@tracking/errors';
import { textViolations } from '@tracking/http';
import type { CarrierAdapter } from '../carriers/carrier-adapter';
import { CARRIER_ADAPTERS } from '../carriers/carrier-adapters.provider';
import { CARRIER_SETTINGS, type CarrierSettings } from '../config/carrier-settings';
import { carrierMetrics } from '../domain/metrics';
import { WebhookDeliveryEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';
import { WebhookProcessor } from './webhook-processor';

export type WebhookReceipt = { outcome: 'accepted'; deliveryId: string } | { outcome: 'replayed' };

// Headers kept with the raw body: what a later investigation of the delivery may need.
const KEPT_HEADERS = /^(content-type|user-agent|x-.*|aftership-.*|ups-.*|fdx-.*|dhl-.*)$/;

@Injectable()
export class ReceiveWebhookUseCase {
  constructor(
    @Inject(CARRIER_ADAPTERS) private readonly adapters: ReadonlyMap<string, CarrierAdapter>,
    @Inject(CARRIER_SETTINGS) private readonly settings: ReadonlyMap<string, CarrierSettings>,
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
    private readonly processor: WebhookProcessor,
  ) {}

  /**
   * Verifies the signature over the raw bytes before anything is parsed, then stores the raw
   * delivery durably and returns: processing happens after the answer. A delivery that fails
   * verification is stored nowhere; the same signed delivery twice is a replay. A verified
   * delivery holding text PostgreSQL cannot store is refused (422) and stored nowhere either:
   * accepted, it could never be applied, and the carrier would never hear why.
   */
  async execute(
    carrierId: string,
    rawBody: Buffer,
    headers: Record<string, string | undefined>,
    now = new Date(),
  ): Promise<WebhookReceipt> {
    const adapter = this.adapters.get(carrierId);
    if (!adapter) throw new NotFoundError('carrier', carrierId);
    const secret = this.settings.get(carrierId)?.webhookSecret;
    const verification = secret
      ? adapter.verifyWebhook({ rawBody, headers }, secret, now)
      : { valid: false as const, reason: `webhooks from ${adapter.displayName} are not configured here` };
    if (!verification.valid) {
      carrierMetrics.webhooks().inc({ carrier: carrierId, outcome: 'rejected' });
      throw new TrackingError('UNAUTHENTICATED', `webhook signature refused: ${verification.reason}`);
    }
    refuseUnstorableText(rawBody);

    const delivery = Object.assign(new WebhookDeliveryEntity(), {
      id: randomUUID(),
      carrier: carrierId,
      replayKey: verification.replayKey,
      rawBody,
      headers: Object.fromEntries(
        Object.entries(headers).filter(
          (entry): entry is [string, string] => entry[1] !== undefined && KEPT_HEADERS.test(entry[0]),
        ),
      ),
      receivedAt: now,
      status: 'RECEIVED',
      startedAttempts: 0,
      finishedAttempts: 0,
      lockedUntil: null,
      error: null,
      processedAt: null,
    } satisfies WebhookDeliveryEntity);
    const stored = await this.unitOfWork.run(async (tx) => {
      const fresh = await this.repository.insertDelivery(tx.manager, delivery);
      if (fresh) tx.afterCommit(() => this.processor.wake());
      return fresh;
    });
    carrierMetrics.webhooks().inc({ carrier: carrierId, outcome: stored ? 'accepted' : 'replayed' });
    return stored ? { outcome: 'accepted', deliveryId: delivery.id } : { outcome: 'replayed' };
  }
}

/**
 * Every carrier posts JSON. A raw NUL byte is never valid JSON (it must be escaped even inside a
 * string), so it is refused as such; escaped NULs and lone surrogates parse, and are found by the
 * project's one text rule with the field they are in. A body that is not JSON for other reasons
 * is kept: the adapter dead-letters it with the reason, where an operator can look at it.
 */
function refuseUnstorableText(rawBody: Buffer): void {
  if (rawBody.includes(0)) {
    throw new ValidationFailedError('the webhook body is not valid JSON', [
      { field: 'body', reason: 'must not contain a NUL byte (0x00)' },
    ]);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return;
  }
  const violations = textViolations(payload);
  if (violations.length > 0) {
    throw new ValidationFailedError('the webhook holds text that cannot be stored', violations);
  }
}
