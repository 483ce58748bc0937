import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import {
  DomainError,
  type ErrorDetail,
  httpMappingFor,
  toEnvelope,
  translateDatabaseError,
} from './errors.js';
import { keyRequired } from '../domain/idempotency/idempotency.errors.js';
import type { QuotaState } from './quota.js';
import { addRateLimitFields } from './rate-limit-fields.js';

/**
 * Required headers whose absence has its own code: the schema declares them required (so the contract is
 * truthful), and clients keep getting the specific code rather than a generic VALIDATION_FAILED.
 */
const MISSING_HEADER_ERRORS: Record<string, () => DomainError> = {
  'idempotency-key': keyRequired,
};

function missingHeaderError(error: FastifyError): DomainError | undefined {
  if ((error as { validationContext?: string }).validationContext !== 'headers') return undefined;
  const names = new Set((error.validation ?? []).map((v) => v.instancePath.replace(/^\//, '')));
  const [only] = names;
  return names.size === 1 && only !== undefined ? MISSING_HEADER_ERRORS[only]?.() : undefined;
}

/** Wires the error envelope into Fastify: every error path, unknown routes included, answers in it. */

function detailPath(context: string | undefined, instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (!context || context === 'body') return path;
  return path ? `${context}.${path}` : context;
}

function validationDetails(error: FastifyError): ErrorDetail[] {
  const context = (error as { validationContext?: string }).validationContext;
  const details: ErrorDetail[] = [];
  for (const v of error.validation ?? []) {
    const keys = (v.params as { keys?: unknown }).keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys) {
        const base = detailPath(context, v.instancePath);
        details.push({ path: base ? `${base}.${String(key)}` : String(key), message: 'Unknown field' });
      }
    } else {
      details.push({ path: detailPath(context, v.instancePath), message: v.message ?? 'Invalid value' });
    }
  }
  return details;
}

/** Converts anything thrown during a request into a DomainError; unknown errors become INTERNAL_ERROR. */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const fe = error as Partial<FastifyError>;
  if (hasZodFastifySchemaValidationErrors(error) || (fe.validation && fe.statusCode === 400)) {
    const headerError = missingHeaderError(error as FastifyError);
    if (headerError) return headerError;
    return new DomainError(
      'VALIDATION_FAILED',
      'The request is invalid',
      validationDetails(error as FastifyError),
    );
  }
  if (!isResponseSerializationError(error)) {
    const translated = translateDatabaseError(error);
    if (translated) return translated;
    switch (fe.statusCode) {
      case 400:
        return new DomainError('MALFORMED_REQUEST', fe.message ?? 'The request could not be read');
      case 413:
        return new DomainError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts');
      case 415:
        return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type; send application/json');
      case 429:
        return new DomainError('RATE_LIMITED', 'Too many requests; slow down and retry later');
      case 503:
        return new DomainError('SERVICE_UNAVAILABLE', 'The service is unavailable; retry later');
      default:
        break;
    }
  }
  return new DomainError('INTERNAL_ERROR', 'An unexpected error occurred');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: DomainError): FastifyReply {
  const envelope = toEnvelope(error, request.id);
  // A budget a service keeps (orders per restaurant) reports itself as the request limiter does.
  const budget = error.extra?.rateLimit as QuotaState | undefined;
  if (budget) {
    void reply.header('retry-after', String(budget.resetSeconds));
    addRateLimitFields(reply, budget);
  }
  return reply.status(envelope.status).type('application/json; charset=utf-8').send(envelope);
}

/**
 * Fastify's `frameworkErrors`: errors the router raises before any route or hook runs (a path segment over
 * `maxParamLength`, malformed percent-encoding), answered in the envelope with a request id like any other.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const domainError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new DomainError('URI_TOO_LONG', 'A path segment is longer than the server accepts (100 characters)')
      : error.code === 'FST_ERR_BAD_URL'
        ? new DomainError('MALFORMED_REQUEST', 'The request path is not valid percent-encoding')
        : toDomainError(error);
  request.log.info({ code: domainError.code, framework_code: error.code }, 'request rejected');
  // No route context yet, so the app's onSend hooks do not run: set the request id header here.
  void reply.header('x-request-id', request.id);
  void sendError(request, reply, domainError);
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request before Fastify saw it (request line or
 * headers over 16 KB → 431, a request that took too long to arrive → 408, anything unparsable → 400). There is
 * no request object, so the envelope is written to the socket directly with a fresh request id, and the
 * connection is closed as Node does.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const domainError =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new DomainError(
          'HEADERS_TOO_LARGE',
          'The request line or headers are larger than the server accepts (16 KB)',
        )
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new DomainError('REQUEST_TIMEOUT', 'The request did not arrive in time')
        : new DomainError('MALFORMED_REQUEST', 'The request could not be parsed as HTTP');
  const requestId = randomUUID();
  const envelope = toEnvelope(domainError, requestId);
  const body = JSON.stringify(envelope);
  this.log.info({ code: domainError.code, parser_code: err.code, request_id: requestId }, 'request rejected');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${envelope.status} ${STATUS_CODES[envelope.status] ?? ''}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** Route templates per method, so an unmatched request can be told apart as 404 or 405. */
function createRouteIndex() {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  return {
    add(url: string, methods: string[]) {
      // CORS preflight ('OPTIONS *') and HEAD mirrors say nothing about which methods a path serves.
      const served = methods.filter((m) => m !== 'OPTIONS' && m !== 'HEAD');
      if (url.includes('*') || served.length === 0) return;
      const source = url
        .split('/')
        .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      const pattern = new RegExp(`^${source}/?$`);
      const existing = routes.find((r) => r.pattern.source === pattern.source);
      if (existing) served.forEach((m) => existing.methods.add(m));
      else routes.push({ pattern, methods: new Set(served) });
    },
    allowedMethods(path: string): string[] {
      const allowed = new Set<string>();
      for (const r of routes) if (r.pattern.test(path)) r.methods.forEach((m) => allowed.add(m));
      return [...allowed].sort();
    },
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  const index = createRouteIndex();
  app.addHook('onRoute', (route) => {
    index.add(route.url, Array.isArray(route.method) ? route.method : [route.method]);
  });

  app.setErrorHandler((error, request, reply) => {
    const domainError = toDomainError(error);
    const { status } = httpMappingFor(domainError.code);
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: domainError.code }, 'request rejected');
    }
    return sendError(request, reply, domainError);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = index.allowedMethods(path);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      void reply.header('allow', allowed.join(', '));
      return sendError(
        request,
        reply,
        new DomainError(
          'METHOD_NOT_ALLOWED',
          `Method ${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
        ),
      );
    }
    return sendError(
      request,
      reply,
      new DomainError('ROUTE_NOT_FOUND', `No route ${request.method} ${path}`),
    );
  });
}
