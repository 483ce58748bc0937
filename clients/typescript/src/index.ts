import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

type Schemas = components['schemas'];
/** Every 4xx/5xx answer; branch on `code`. */
export type ErrorEnvelope = Schemas['ErrorEnvelope'];
export type ErrorCode = ErrorEnvelope['code'];
export type Product = Schemas['Product'];
export type ProductPage = Schemas['ProductPage'];
export type Order = Schemas['Order'];
export type OrderCreate = Schemas['OrderCreateInput'];
export type Invoice = Schemas['Invoice'];
export type Receipt = Schemas['Receipt'];

export type IrisClient = Client<paths>;

export interface IrisClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the API runs, e.g. http://127.0.0.1:8000 (no /api/v1: paths in calls are complete). */
  baseUrl: string;
  /** A bearer token (POST /auth/dev/login, or the Clerk session token); read on every request. */
  token?: string | (() => string | undefined);
}

/**
 * A typed client for the Iris API: `client.GET('/api/v1/products', { params: { query: { q: 'ost' } } })`.
 * Each call resolves to `{ data }` on success or `{ error }` typed as the `ErrorEnvelope`, with `response`.
 */
export function createIrisClient(options: IrisClientOptions): IrisClient {
  const { token, ...rest } = options;
  const client = createClient<paths>(rest);
  if (token !== undefined) {
    client.use({
      onRequest({ request }) {
        const value = typeof token === 'function' ? token() : token;
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}
