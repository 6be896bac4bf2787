import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_TENANT_KINDS, type TenantKind } from '@tracking/auth';

/** What a handler takes from the request, as its parameter decorators declare it. */
export type RequestPart = 'body' | 'query' | 'param' | 'headers' | 'request';

/** A class a parameter is declared with: a DTO, or a built-in such as String. */
export type DtoClass = abstract new (...args: never[]) => unknown;

export interface HttpRoute {
  /** Upper case, as sent: `GET`, `POST`. */
  method: string;
  /** The route template as Express matches it: `/v1/orders/:orderId`. */
  path: string;
  /** `METHOD path`, the key tests list routes by. */
  key: string;
  pathParams: string[];
  /** The Nest handler behind the route; absent for a route mounted on Express directly. */
  handler?: {
    name: string;
    isPublic: boolean;
    /** Kinds of credential the route admits; undefined when any tenant's credential will do. */
    tenantKinds?: TenantKind[];
    reads: Set<RequestPart>;
    /** The DTO class of a whole-body or whole-query parameter, for generating inputs shaped like it. */
    bodyType?: DtoClass;
    queryType?: DtoClass;
  };
}

const PART_BY_PARAMTYPE: Partial<Record<RouteParamtypes, RequestPart>> = {
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.PARAM]: 'param',
  [RouteParamtypes.HEADERS]: 'headers',
  [RouteParamtypes.REQUEST]: 'request',
  [RouteParamtypes.RAW_BODY]: 'body',
};

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}

type Handler = NonNullable<HttpRoute['handler']>;

/** Every HTTP handler Nest knows, by `METHOD path`, with what it reads and who may call it. */
function nestHandlers(app: INestApplication): Map<string, Handler> {
  const handlers = new Map<string, Handler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller) continue;
      const controllerPaths = asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[]);
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const method = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof method !== 'function') continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, method) as RequestMethod | undefined;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, method) as string | string[] | undefined;
        if (requestMethod === undefined || methodPaths === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
          string,
          unknown
        >;
        const parameterTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ??
          []) as DtoClass[];
        const reads = new Set<RequestPart>();
        const dtoOf: Partial<Record<RequestPart, DtoClass>> = {};
        for (const [key, arg] of Object.entries(args)) {
          const part = PART_BY_PARAMTYPE[Number(key.split(':', 1)[0]) as RouteParamtypes];
          if (!part) continue;
          reads.add(part);
          const { index, data } = arg as { index: number; data?: unknown };
          const type = parameterTypes[index];
          if (
            data === undefined &&
            type &&
            !([Object, String, Number, Boolean] as DtoClass[]).includes(type)
          ) {
            dtoOf[part] = type;
          }
        }
        const handler: Handler = {
          name: `${controller.name}.${name}`,
          isPublic: Boolean(
            Reflect.getMetadata(IS_PUBLIC, method) ?? Reflect.getMetadata(IS_PUBLIC, controller),
          ),
          tenantKinds: (Reflect.getMetadata(REQUIRED_TENANT_KINDS, method) ??
            Reflect.getMetadata(REQUIRED_TENANT_KINDS, controller)) as TenantKind[] | undefined,
          reads,
          bodyType: dtoOf.body,
          queryType: dtoOf.query,
        };
        for (const controllerPath of controllerPaths) {
          for (const methodPath of asArray(methodPaths)) {
            handlers.set(`${RequestMethod[requestMethod]} ${joinPath(controllerPath, methodPath)}`, handler);
          }
        }
      }
    }
  }
  return handlers;
}

/**
 * The routes the running application answers, read from its Express router: a route added to any
 * controller is in this list without anyone adding it to a test. Each carries what Nest knows of
 * its handler, so a test can give it the credential it needs and the input it reads.
 */
export function httpRoutesOf(app: INestApplication): HttpRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: RouterLayer[] } };
  const stack = express.router?.stack ?? [];
  const handlers = nestHandlers(app);
  const routes = new Map<string, HttpRoute>();
  for (const layer of stack) {
    // Nest's not-found handler answers every path and method under a wildcard: not a route of the app.
    if (!layer.route || asArray(layer.route.path).some((path) => path.includes('*'))) continue;
    for (const path of asArray(layer.route.path)) {
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (!enabled || method === '_all') continue;
        const upper = method.toUpperCase();
        const key = `${upper} ${joinPath(path)}`;
        routes.set(key, {
          method: upper,
          path: joinPath(path),
          key,
          pathParams: [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!),
          handler: handlers.get(key),
        });
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.key.localeCompare(b.key));
}
