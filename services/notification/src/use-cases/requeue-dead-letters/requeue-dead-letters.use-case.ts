import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import type { DeadLetter } from '@tracking/kafka';
import { NotificationRepository } from '../../persistence/notification.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function deliveryIdOf(letter: DeadLetter): string | undefined {
  try {
    const { deliveryId } = JSON.parse(letter.value.toString('utf8')) as { deliveryId?: unknown };
    return typeof deliveryId === 'string' && UUID.test(deliveryId) ? deliveryId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replays the dispatcher's dead letters. They are not messages to republish: the dispatcher gave
 * up on a delivery row of its own, so a replay puts that row back in the queue, with a fresh set
 * of attempts, and the dispatcher sends it as any other (same Message-ID, same webhook-id). Only
 * rows still dead-lettered are taken: running a replay twice sends nothing twice.
 */
@Injectable()
export class RequeueDeadLettersUseCase {
  private readonly log = new Logger('DeadLetterReplay');

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: NotificationRepository,
  ) {}

  /** How many of the letters' deliveries went back in the queue. */
  async execute(letters: readonly DeadLetter[]): Promise<number> {
    const deliveryIds = letters.flatMap((letter) => deliveryIdOf(letter) ?? []);
    if (deliveryIds.length < letters.length) {
      this.log.warn(`${letters.length - deliveryIds.length} dead letters name no delivery; left alone`);
    }
    const requeued = await this.unitOfWork.run((tx) =>
      this.repository.requeueDeadLettered(tx.manager, deliveryIds, new Date()),
    );
    return requeued.length;
  }
}
