import type { FastifyInstance, FastifyReply, RouteOptions } from 'fastify';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.js';
import { httpMappingFor } from '../core/errors.js';
import { hasGuard } from './guards.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The domain error codes the route's service can raise (docs/adding-a-domain.md). The codes its guard, its
     * schemas, the body limit and the rate limit imply are added by `registerContract`; these are the rest.
     */
    errors?: readonly ErrorCode[];
    /**
     * Other representations of a success answer, by status and media type (content negotiation on Accept),
     * documented beside the JSON one. The handler sends them itself (`sendRepresentation`).
     */
    representations?: Readonly<Record<number, Readonly<Record<string, z.ZodType>>>>;
  }
}

/**
 * The one error envelope (spec §5), a named component for clients. Some codes carry more fields, listed here
 * so generated clients can read them; the envelope stays open for fields added later.
 */
export const errorEnvelope = z
  .looseObject({
    error: z.string().meta({ description: 'Error class, e.g. NotFoundError' }),
    code: z.enum(ERROR_CODES).meta({ description: 'Stable machine-readable code; branch on this' }),
    message: z.string().meta({ description: 'Human-readable explanation; wording may change' }),
    status: z.number().int().meta({ description: 'The HTTP status, repeated' }),
    timestamp: z.string(),
    request_id: z
      .string()
      .meta({ description: 'Also sent as the X-Request-ID header; quote it in support requests' }),
    details: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          row: z.number().int().optional().meta({ description: 'File imports: the row, 1 being the header row' }),
          column: z.string().optional().meta({ description: 'File imports: the column heading as in the file' }),
        }),
      )
      .optional()
      .meta({
        description:
          'Per-field problems: VALIDATION_FAILED, BULK_VALIDATION_FAILED (products.<row>.<field>, or ' +
          'rows.<row>.<field> with row and column for file imports), IMPORT_FILE_INVALID, PRODUCT_UNAVAILABLE',
      }),
    available: z
      .array(z.object({ product_id: z.uuid(), requested: z.string(), available: z.string() }))
      .optional()
      .meta({ description: 'INSUFFICIENT_INVENTORY: the stock of each short line' }),
  })
  .meta({ id: 'ErrorEnvelope', description: 'Every 4xx and 5xx answer (docs/README.md, "Errors")' });

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  400: 'The request is invalid',
  401: 'Missing or invalid credentials',
  403: 'The caller may not do this',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'The body is larger than the server accepts',
  415: 'Unsupported Content-Type; send application/json',
  422: 'Understood but refused by a business rule',
  429: 'Rate limit exceeded; see Retry-After',
  500: 'Unexpected server error',
  502: 'An upstream service failed',
  503: 'Shutting down or the database is unavailable; retry',
};

/** What a 429 carries (docs/README.md, "Rate limits"); the same RateLimit fields come with every limited answer. */
const RATE_LIMIT_HEADERS = {
  'Retry-After': {
    description: 'Seconds until the exhausted budget resets',
    schema: { type: 'integer' },
  },
  'RateLimit-Policy': {
    description:
      'The budgets that applied (draft-ietf-httpapi-ratelimit-headers), e.g. `"default";q=300;w=60, "restaurant-orders";q=60;w=60`',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'What is left of each: r remaining, t seconds to the reset, e.g. `"default";r=0;t=42`',
    schema: { type: 'string' },
  },
};

/** The response headers the route schemas cannot carry through the zod transform, added to the document. */
function documentRateLimitHeaders(paths: unknown): void {
  for (const operations of Object.values((paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const operation of Object.values(operations)) {
      const tooMany = (operation as { responses?: Record<string, { headers?: unknown }> }).responses?.['429'];
      if (tooMany) tooMany.headers = RATE_LIMIT_HEADERS;
    }
  }
}

/** Codes every documented route can answer with, whatever it declares. */
const ALWAYS: ErrorCode[] = ['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'DATABASE_UNAVAILABLE'];

type RouteSchema = NonNullable<RouteOptions['schema']> & {
  summary?: string;
  description?: string;
  operationId?: string;
  hide?: boolean;
  security?: unknown;
  response?: Record<string, unknown>;
};

/** The error codes a route can answer with, from what it is: guard, inputs, body, rate limit and declarations. */
export function errorCodesOf(route: RouteOptions): ErrorCode[] {
  const schema = (route.schema ?? {}) as RouteSchema;
  const codes = new Set<ErrorCode>(ALWAYS);
  if (hasGuard(route.preValidation)) {
    codes.add('UNAUTHENTICATED');
    codes.add('FORBIDDEN');
  }
  if (schema.params || schema.querystring || schema.headers || schema.body) codes.add('VALIDATION_FAILED');
  if (schema.body) {
    codes.add('MALFORMED_REQUEST');
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  if (route.config?.rateLimit !== false) codes.add('RATE_LIMITED');
  for (const code of route.config?.errors ?? []) codes.add(code);
  return [...codes];
}

/** `GET /api/v1/products/:id/prices` → `getProductsByIdPrices`; stable as long as the path is. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v\d+/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', ...segment.slice(1).split('_')] : segment.split(/[-_.]/),
    );
  const camel = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
  return method.toLowerCase() + camel;
}

function componentId(schema: unknown): string | undefined {
  const meta = schema instanceof z.ZodType ? z.globalRegistry.get(schema) : undefined;
  return typeof meta?.id === 'string' ? meta.id : undefined;
}

function successDescription(status: number, schema: unknown): string {
  const meta = schema instanceof z.ZodType ? z.globalRegistry.get(schema) : undefined;
  if (typeof meta?.description === 'string') return meta.description;
  const id = componentId(schema);
  return id ? `${STATUS_TEXT[status] ?? 'Success'}: ${id}` : (STATUS_TEXT[status] ?? 'Success');
}

function errorDescription(status: number, codes: ErrorCode[]): string {
  return `${STATUS_TEXT[status] ?? 'Error'}. Codes: ${codes.join(', ')}`;
}

const json = (description: string, schema: unknown, others: Readonly<Record<string, z.ZodType>> = {}) => ({
  description,
  content: {
    'application/json': { schema },
    ...Object.fromEntries(Object.entries(others).map(([type, other]) => [type, { schema: other }])),
  },
});

/**
 * Makes every documented route a complete contract, so a route file only states what is particular to it:
 * a summary (start-up fails without one), the success schemas and the domain codes in `config.errors`. Added
 * here: the operationId, `security` from the guard, a description per response, and each error status the
 * route can return with its codes and the `ErrorEnvelope` schema — also used to check error answers where
 * responses are checked (development and tests).
 */
export function registerContract(app: FastifyInstance): void {
  const operationIds = new Map<string, string>();
  app.addHook('onRoute', (route) => {
    const schema = route.schema as RouteSchema | undefined;
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    if (!schema || schema.hide || method === 'HEAD' || method === 'OPTIONS') return;
    if (!schema.summary?.trim()) throw new Error(`Route ${method} ${route.url} has no summary`);

    schema.operationId ??= operationIdOf(method, route.url);
    const taken = operationIds.get(schema.operationId);
    if (taken && taken !== `${method} ${route.url}`)
      throw new Error(`Routes ${taken} and ${method} ${route.url} share operationId ${schema.operationId}`);
    operationIds.set(schema.operationId, `${method} ${route.url}`);
    schema.security = hasGuard(route.preValidation) ? [{ bearerAuth: [] }] : [];

    const response: Record<string, unknown> = {};
    for (const [status, declared] of Object.entries(schema.response ?? {})) {
      const isContentForm = typeof declared === 'object' && declared !== null && 'content' in declared;
      if (isContentForm) response[status] = declared;
      // No body: nothing to serialise or describe beyond the status.
      else if (status === '204' && declared instanceof z.ZodType)
        response[status] = declared.meta({ description: successDescription(204, declared) });
      else
        response[status] = json(
          successDescription(Number(status), declared),
          declared,
          route.config?.representations?.[Number(status)],
        );
    }
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of errorCodesOf(route)) {
      const { status } = httpMappingFor(code);
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
      if (response[status] === undefined)
        response[status] = json(errorDescription(status, codes), errorEnvelope);
    }
    route.schema = { ...schema, response };
  });
}

/**
 * Sends a response body stored as a string (an idempotent replay is byte-identical to the first answer).
 * Where responses are checked (development, tests) the stored body is checked against the schema of its
 * status too, so the one route that bypasses the serializer still honours its contract.
 */
export function sendStoredJson(
  reply: FastifyReply,
  stored: { status: number; body: string; replayed: boolean },
  success: Record<number, z.ZodType>,
  validate: boolean,
): FastifyReply {
  if (validate) {
    const schema = success[stored.status] ?? (stored.status >= 400 ? errorEnvelope : undefined);
    if (!schema) throw new Error(`Stored response has undocumented status ${stored.status}`);
    schema.parse(JSON.parse(stored.body));
  }
  if (stored.replayed) void reply.header('idempotent-replayed', 'true');
  return reply
    .status(stored.status)
    .type('application/json; charset=utf-8')
    .serializer((payload) => payload as string)
    .send(stored.body);
}

/** Sends a non-JSON representation (a document already rendered as text) past the JSON serializer. */
export function sendRepresentation(reply: FastifyReply, contentType: string, body: string): FastifyReply {
  return reply
    .type(contentType)
    .serializer((payload) => payload as string)
    .send(body);
}

/**
 * Whether a request's Accept header prefers XML (application/xml or text/xml) to JSON, by q-values and then by
 * specificity; JSON when there is no header or no preference.
 */
export function prefersXml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { range: range.trim(), q: q === undefined ? 1 : Number(q) };
  });
  const quality = (types: string[]) => {
    const [type] = (types[0] ?? '').split('/');
    const exact = ranges.filter((r) => types.includes(r.range));
    const wide = exact.length > 0 ? exact : ranges.filter((r) => r.range === `${type}/*`);
    const any = wide.length > 0 ? wide : ranges.filter((r) => r.range === '*/*');
    return {
      q: Math.max(0, ...any.map((r) => r.q)),
      specificity: exact.length > 0 ? 2 : wide.length > 0 ? 1 : 0,
    };
  };
  const xml = quality(['application/xml', 'text/xml']);
  const json = quality(['application/json']);
  return xml.q > json.q || (xml.q === json.q && xml.q > 0 && xml.specificity > json.specificity);
}

const REF_PREFIX = '#/components/schemas/';

/** What each tag groups, for the document's tag list; a new domain adds its line here. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  health: 'Liveness and readiness probes; no credentials',
  auth: 'Development sign-in (AUTH_PROVIDER=local outside production)',
  accounts: 'The signed-in account',
  admin: 'Administration: accounts and the audit log',
  notifications: 'Push-notification devices and supplier webhooks',
  suppliers: 'Supplier organisations and their members',
  restaurants: 'Restaurant organisations and their members',
  categories: 'Catalog categories',
  products: 'The product catalog: search, maintenance, bulk import',
  orders: 'Orders and their lifecycle (spec §3)',
  invoices: 'Our sales invoices of delivered orders (JSON or Peppol BIS 3 UBL) and their credit notes',
  forecasts: 'Demand forecasts per restaurant or supplier and product (spec §12), and suggested orders',
  recommendations: 'Supplier recommendations for a restaurant: a weighted, explained score (spec §12)',
  pricing: 'Dynamic pricing: rules and bounds, proposals, rollback, price agreements (spec §10, §12)',
  'supplier-invoices': 'Invoices from suppliers: intake, extraction, reconciliation against orders, disputes',
};

/** Every tag an operation uses, in first-use order, described where known. */
function tagsOf(paths: unknown): { name: string; description?: string }[] {
  const names = new Set<string>();
  for (const item of Object.values((paths ?? {}) as Record<string, Record<string, { tags?: string[] }>>))
    for (const op of Object.values(item)) for (const tag of op.tags ?? []) names.add(tag);
  return [...names].map((name) => {
    const description = TAG_DESCRIPTIONS[name];
    return description ? { name, description } : { name };
  });
}

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX))
        into.add(value.slice(REF_PREFIX.length));
      else collectRefs(value, into);
    }
  }
}

/**
 * The document's components: every registered zod schema is emitted twice (as read and as written); keep
 * only those an operation reaches, so clients get one `Product` and no unused twins.
 */
export function contractDocumentObject(
  input: Parameters<typeof jsonSchemaTransformObject>[0],
): ReturnType<typeof jsonSchemaTransformObject> {
  const document = jsonSchemaTransformObject(input) as {
    paths?: unknown;
    components?: { schemas?: Record<string, unknown> };
  };
  documentRateLimitHeaders(document.paths);
  const schemas = document.components?.schemas ?? {};
  const reached = new Set<string>();
  collectRefs(document.paths, reached);
  for (let frontier = [...reached]; frontier.length > 0;) {
    const next = new Set<string>();
    for (const id of frontier) collectRefs(schemas[id], next);
    frontier = [...next].filter((id) => !reached.has(id));
    frontier.forEach((id) => reached.add(id));
  }
  const kept = Object.fromEntries(
    Object.entries(schemas)
      .filter(([id]) => reached.has(id))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    ...document,
    tags: tagsOf(document.paths),
    components: { ...document.components, schemas: kept },
  } as ReturnType<typeof jsonSchemaTransformObject>;
}
