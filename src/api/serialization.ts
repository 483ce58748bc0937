import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as checkedSerializer } from 'fastify-type-provider-zod';

type SerializerCompiler = FastifySerializerCompiler<unknown>;

/**
 * How responses become JSON. Checking each response against its schema costs a third of the API's CPU on large
 * pages (docs/benchmarks.md): on in development and tests, where a mismatch fails loudly; production sends the
 * mappers' DTOs as they are.
 */
export function responseSerializer(checked: boolean): SerializerCompiler {
  return checked ? (checkedSerializer as SerializerCompiler) : () => (data) => JSON.stringify(data);
}

/**
 * For a route whose service answers from a cache with the same, never-changed object on every hit (the search
 * pages): the JSON made of an object is kept beside it for as long as the object lives, so a hit sends the bytes
 * of the first answer instead of serializing the page again. Only for services that never change an object they
 * have returned.
 */
export function serializedOncePerObject(compiler: SerializerCompiler): SerializerCompiler {
  return (route) => {
    const serialize = compiler(route);
    const made = new WeakMap<object, string>();
    return (data: unknown) => {
      if (typeof data !== 'object' || data === null) return serialize(data);
      let json = made.get(data);
      if (json === undefined) {
        json = serialize(data);
        made.set(data, json);
      }
      return json;
    };
  };
}
