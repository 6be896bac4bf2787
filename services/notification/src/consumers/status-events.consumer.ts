import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import { ReactToStatusChangeUseCase } from '../use-cases/react-to-status-change';

/** Status changes, as tracking-api derives them, decide every message after the confirmation. */
@Controller()
export class StatusEventsConsumer {
  constructor(private readonly reactToStatusChange: ReactToStatusChangeUseCase) {}

  @EventPattern<string>(TOPICS.status)
  async onStatusChanged(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    if (isEnvelopeOf(event, 'trackingStatusChanged'))
      await this.reactToStatusChange.execute(context.tx, event);
  }
}
