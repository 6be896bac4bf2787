import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Observable, throwError } from 'rxjs';
import { PROBLEM_CONTENT_TYPE, renderProblem } from './problem-details';

/** pino-http puts its logger on the request and logs `res.err` with the request's completion line. */
type LoggedRequest = Request & { log?: unknown };
type LoggedResponse = Response & { err?: Error };

/**
 * Renders every error of an HTTP request as RFC 9457 problem+json. Server faults are logged
 * with the error (once, on the request's own log line when request logging is on); client
 * mistakes are not errors of ours and are not logged at error level.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  constructor(private readonly jsonLimit = '1mb') {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // Kafka handlers inherit the app's filters; their transport needs the original error
    // (its code and canRetry decide between retrying and dead-lettering).
    if (host.getType() !== 'http') return throwError(() => exception);

    const request = host.switchToHttp().getRequest<LoggedRequest>();
    const response = host.switchToHttp().getResponse<LoggedResponse>();
    const instance = (request.originalUrl ?? request.url ?? '/').split('?', 1)[0]!;
    const { problem, retryAfter } = renderProblem(exception, instance, this.jsonLimit);

    if (problem.status >= 500) this.logServerFault(exception, request, response);

    if (response.headersSent) {
      // A streaming response (the live tracking stream) failed midway: all we can do is end it.
      response.end();
      return;
    }
    if (problem.status === 401 && !response.getHeader('WWW-Authenticate')) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="tracking"');
    }
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(problem.status).setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    response.send(JSON.stringify(problem));
  }

  private logServerFault(exception: unknown, request: LoggedRequest, response: LoggedResponse): void {
    const error = exception instanceof Error ? exception : new Error(String(exception));
    if (request.log) {
      response.err = error;
      return;
    }
    this.logger.error(`${request.method} ${request.originalUrl} failed: ${error.message}`, error.stack);
  }
}
