import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { smsReplyAction, type SmsReplyAction } from '../../domain/sms-keywords';
import { NotificationRepository } from '../../persistence/notification.repository';
import type { HandleSmsReplyCommand } from './handle-sms-reply.command';

/**
 * A buyer's SMS reply. STOP withdraws SMS consent for the number (every order, every merchant: the
 * sending number is ours) and keeps the number on the opt-out list; START records consent again.
 * Messages already planned check consent just before they go, so a STOP holds back those too.
 */
@Injectable()
export class HandleSmsReplyUseCase {
  private readonly log = new Logger(HandleSmsReplyUseCase.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: NotificationRepository,
  ) {}

  async execute(command: HandleSmsReplyCommand, now = new Date()): Promise<SmsReplyAction> {
    const action = smsReplyAction(command.body);
    await this.unitOfWork.run(async (tx) => {
      const first = await this.repository.recordSmsReply(
        tx.manager,
        command.providerMessageId,
        command.phone,
        action,
      );
      if (!first) return;
      if (action === 'STOP') {
        await this.repository.optOut(tx.manager, command.phone, now);
        const orders = await this.repository.recordSmsConsent(
          tx.manager,
          command.phone,
          false,
          'sms-reply:STOP',
          now,
        );
        tx.afterCommit(() => this.log.log(`SMS opt-out recorded (${orders} orders)`));
      } else if (action === 'START') {
        await this.repository.optIn(tx.manager, command.phone);
        const orders = await this.repository.recordSmsConsent(
          tx.manager,
          command.phone,
          true,
          'sms-reply:START',
          now,
        );
        tx.afterCommit(() => this.log.log(`SMS consent recorded again (${orders} orders)`));
      }
    });
    return action;
  }
}
