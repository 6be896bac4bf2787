import { Controller, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { Public } from '@tracking/auth';
import { TrackingError, ValidationFailedError } from '@tracking/errors';
import { textViolations } from '@tracking/http';
import type { Request } from 'express';
import { isValidProviderSignature, PROVIDER_SIGNATURE_HEADER } from '../channels/sms/twilio-signature';
import { NotificationConfig } from '../config/notification.config';
import { HandleSmsReplyUseCase } from '../use-cases/handle-sms-reply';

export const SMS_FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

const EMPTY_REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const HELP_REPLY =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Order delivery updates. Reply STOP to opt out, START to opt back in.</Message></Response>';

/**
 * Replies to our SMS, as the provider posts them (a form, signed with the account's auth token).
 * Authenticated by that signature, not a bearer token: the provider has no token of ours.
 */
@Controller('v1/sms')
@Public()
export class SmsInboundController {
  constructor(
    private readonly handleReply: HandleSmsReplyUseCase,
    private readonly config: NotificationConfig,
  ) {}

  /** 200 with TwiML (a HELP reply answers with the opt-out words); 401 unsigned; 422 not a message. */
  @Post('inbound')
  @HttpCode(HttpStatus.OK)
  @Header('content-type', 'text/xml; charset=utf-8')
  async inbound(@Req() request: Request): Promise<string> {
    const token = this.config.SMS_AUTH_TOKEN;
    if (!token) throw new TrackingError('UNAUTHENTICATED', 'inbound SMS is not configured (SMS_AUTH_TOKEN)');
    const raw = typeof request.body === 'string' ? request.body : '';
    const params = [...new URLSearchParams(raw).entries()];
    const url =
      this.config.SMS_INBOUND_URL ?? `${request.protocol}://${request.get('host')}${request.originalUrl}`;
    if (!isValidProviderSignature(token, url, params, request.get(PROVIDER_SIGNATURE_HEADER))) {
      throw new TrackingError('UNAUTHENTICATED', `${PROVIDER_SIGNATURE_HEADER} does not match the request`);
    }
    // The form is parsed here, not by the global validation pipe, so the one text rule is applied
    // here too: a NUL in the sender's number would otherwise fail the insert as a 500.
    // Pair by pair, not as one object: a repeated name must not hide its first value, the one read below.
    const badText = params.flatMap(([name, value]) => textViolations({ [name]: value }));
    if (badText.length > 0)
      throw new ValidationFailedError('The message holds text that cannot be stored', badText);
    const field = (name: string) => params.find(([key]) => key === name)?.[1];
    const phone = field('From');
    const providerMessageId = field('MessageSid') ?? field('SmsSid');
    const missing = [
      ...(phone ? [] : [{ field: 'From', reason: 'the sender number is required' }]),
      ...(providerMessageId ? [] : [{ field: 'MessageSid', reason: 'the message id is required' }]),
    ];
    if (missing.length > 0) throw new ValidationFailedError('Not an inbound message', missing);
    const action = await this.handleReply.execute({
      phone: phone!,
      body: field('Body') ?? '',
      providerMessageId: providerMessageId!,
    });
    return action === 'HELP' ? HELP_REPLY : EMPTY_REPLY;
  }
}
