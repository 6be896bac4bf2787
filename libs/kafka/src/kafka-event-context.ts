import type { TransactionContext } from '@tracking/db';

/**
 * What an `@EventPattern` handler gets as `@Ctx()`. `tx` is the transaction that also records the
 * event in the inbox: the handler's writes and any outbox rows it appends commit with it, or not
 * at all, so a redelivery never applies an effect twice.
 */
export class KafkaEventContext {
  constructor(
    readonly tx: TransactionContext,
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly key: string | null,
    /** Message headers decoded as UTF-8 (first value where a name repeats). */
    readonly headers: Readonly<Record<string, string>>,
    /** Attempt number of this delivery in this process, from 1; later ones followed retriable failures. */
    readonly attempt: number,
  ) {}
}
