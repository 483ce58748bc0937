import { ConfigError, parseConfig } from '../../src/core/config.js';

/** The ConfigError `env` is refused with; fails the test when it parses. */
export function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
