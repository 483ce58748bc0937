import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializer, serializedOncePerObject } from '../../src/api/serialization.js';

const route = (schema: unknown) => ({ schema, method: 'GET', url: '/', httpStatus: '200' });

describe('response serialization', () => {
  it('makes the JSON of one object once, and of each new object anew', () => {
    let calls = 0;
    const counting = () => (data: unknown) => {
      calls++;
      return JSON.stringify(data);
    };
    const serialize = serializedOncePerObject(counting)(route({}));
    const page = { data: [{ id: 'a' }], total: 1 };
    expect(serialize(page)).toBe('{"data":[{"id":"a"}],"total":1}');
    expect(serialize(page)).toBe('{"data":[{"id":"a"}],"total":1}');
    expect(calls).toBe(1);
    expect(serialize({ data: [], total: 0 })).toBe('{"data":[],"total":0}');
    expect(serialize(null)).toBe('null');
    expect(calls).toBe(3);
  });

  it('still checks a response against its schema when checking is on, once per object', () => {
    const schema = z.object({ total: z.number() });
    const checked = serializedOncePerObject(responseSerializer(true))(route(schema));
    expect(checked({ total: 2 })).toBe('{"total":2}');
    expect(() => checked({ total: 'two' })).toThrow();
    const unchecked = responseSerializer(false)(route(schema));
    expect(unchecked({ total: 'two' })).toBe('{"total":"two"}');
  });
});
