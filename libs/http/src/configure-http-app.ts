import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { histogram } from '@tracking/telemetry';
import type { NextFunction, Request, Response } from 'express';
import { unparseableRequestResponse } from './problem-details';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RequestValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Largest JSON body accepted, in body-parser notation. */
  jsonLimit?: string;
  /**
   * Media types a request body may have. JSON by default; a service that receives forms (an
   * SMS provider's status callbacks) lists them here and parses them itself.
   */
  acceptedMediaTypes?: string[];
  /**
   * Text media types whose body arrives as a string (e.g. `text/csv` for spreadsheet exports),
   * bounded by `textLimit`. Each is also accepted.
   */
  textMediaTypes?: string[];
  textLimit?: string;
}

const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

function matchesMediaType(contentType: string, accepted: string[]): boolean {
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return accepted.some((pattern) => {
    if (!pattern.includes('*')) return pattern === mediaType;
    const [type, subtype] = pattern.split('/') as [string, string];
    const suffix = subtype.replace('*', '');
    return mediaType.startsWith(`${type}/`) && mediaType.endsWith(suffix);
  });
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Without this a text/plain or form body would parse as `{}` and come back as a confusing 422
 * listing every required field; the client's actual mistake is the media type.
 */
function requireAcceptedMediaType(accepted: string[]) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (!hasBody(request)) return next();
    const contentType = request.headers['content-type'];
    if (contentType && matchesMediaType(contentType, accepted)) return next();
    next(
      new UnsupportedMediaTypeException(
        `Send the request body as ${accepted.join(' or ')}${contentType ? ` (got ${contentType})` : ' with a Content-Type header'}.`,
      ),
    );
  };
}

function recordRequestDuration() {
  const duration = histogram(
    'http_server_request_duration_seconds',
    'Time to answer an HTTP request, by route template and status',
    ['method', 'route', 'status_code'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = duration.startTimer();
    response.once('finish', () => {
      // The route template, never the raw path: raw paths carry ids and would explode the series count.
      const route = (request.route as { path?: string } | undefined)?.path;
      stop({
        method: request.method,
        route: route ? `${request.baseUrl}${route}` : 'unmatched',
        status_code: String(response.statusCode),
      });
    });
    next();
  };
}

/**
 * The HTTP edge every service shares: problem+json errors, validated DTOs, a bounded JSON body,
 * request metrics and graceful shutdown. Call it after NestFactory.create and before listen.
 */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions = {}): INestApplication {
  const jsonLimit = options.jsonLimit ?? '1mb';
  const textMediaTypes = options.textMediaTypes ?? [];
  const accepted = [...(options.acceptedMediaTypes ?? JSON_MEDIA_TYPES), ...textMediaTypes];
  const express = app as NestExpressApplication;

  express.disable('x-powered-by');
  express.use(recordRequestDuration());
  express.use(requireAcceptedMediaType(accepted));
  // Registered before Nest's own parser, which then leaves JSON alone (it skips a parser already applied).
  express.useBodyParser('json', { limit: jsonLimit, type: JSON_MEDIA_TYPES });
  if (textMediaTypes.length > 0) {
    express.useBodyParser('text', { limit: options.textLimit ?? jsonLimit, type: textMediaTypes });
  }

  // Node answers what its parser refuses (an oversized URL or header) itself, with a bare status.
  (app.getHttpServer() as Server).on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client reset has no one left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(unparseableRequestResponse(error.code));
  });
  app.useGlobalFilters(new ProblemDetailsFilter(jsonLimit));
  app.useGlobalPipes(new RequestValidationPipe());
  app.enableShutdownHooks();
  return app;
}
