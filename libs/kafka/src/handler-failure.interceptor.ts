import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  IntrinsicException,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { KafkaEventContext } from './kafka-event-context';

const failures = new WeakMap<KafkaEventContext, unknown>();

/**
 * Nest's RPC exception layer replaces whatever a handler throws with
 * `{ status: 'error', message: 'Internal server error' }` before the transport sees it, so the
 * transport could not tell a retriable failure from a poison message. This interceptor, global
 * and a no-op outside Kafka events, keeps the original error beside the event's context. It
 * rethrows an intrinsic exception so Nest does not log the failure a second time: the
 * transport logs it once, with its outcome.
 */
@Injectable()
export class HandlerFailureInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const eventContext =
      context.getType() === 'rpc' ? context.switchToRpc().getContext<unknown>() : undefined;
    if (!(eventContext instanceof KafkaEventContext)) return next.handle();
    return next.handle().pipe(
      catchError((error: unknown) => {
        failures.set(eventContext, error);
        return throwError(() => new HandlerFailed());
      }),
    );
  }
}

class HandlerFailed extends IntrinsicException {
  constructor() {
    super('Kafka event handler failed; the transport reports the cause');
  }
}

/** The error the handler threw for this event, if the interceptor saw one. */
export function takeHandlerFailure(context: KafkaEventContext): unknown {
  const failure = failures.get(context);
  failures.delete(context);
  return failure;
}
