import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PlatformConfig } from '@tracking/config';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';
import { setLoggingDefaults } from './create-logger';
import { buildLoggerOptions } from './logger-options';
import { isOperationalRequest } from './operational-paths';

export interface LoggingModuleOptions {
  /** Where lines go; stdout unless a test captures them. */
  destination?: DestinationStream;
}

/** A caller's request id is kept only if it cannot smuggle anything into the logs. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers['x-request-id'];
  const id = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  response.setHeader('x-request-id', id);
  return id;
}

function requestLogLevel(request: IncomingMessage, response: ServerResponse, error?: Error): LevelWithSilent {
  if (isOperationalRequest(request.url)) return 'debug';
  if (error || response.statusCode >= 500) return 'error';
  // A client's mistake is the client's: recorded, but never paged on.
  return 'info';
}

export function buildPinoParams(config: PlatformConfig, options: LoggingModuleOptions = {}): Params {
  setLoggingDefaults({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const pinoOptions = {
    ...buildLoggerOptions({ level: config.LOG_LEVEL, service: () => config.SERVICE_NAME }),
    genReqId: requestId,
    customLogLevel: requestLogLevel,
    customAttributeKeys: { reqId: 'request_id' },
    // Lines written while handling a request carry its id; the full request is logged once, at its end.
    quietReqLogger: true,
  };
  return { pinoHttp: options.destination ? [pinoOptions, options.destination] : pinoOptions };
}

/**
 * JSON logs for a Nest service: level from LOG_LEVEL, the service name, the active trace and
 * the request id on every line, personal data redacted. Services still call
 * `app.useLogger(app.get(Logger))` (nestjs-pino) so Nest's own messages go the same way.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingModuleOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [PlatformConfig],
          useFactory: (config: PlatformConfig) => buildPinoParams(config, options),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
