import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../app.js';
import { parseConfig } from '../core/config.js';
import { openEmbedded } from '../core/database.js';

/**
 * The OpenAPI document the API serves at /openapi.json, built from the routes with an in-memory database that
 * is never queried. The lint and the typed client (clients/typescript) are made from it.
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = parseConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    APP_SECRET: 'openapi-document-generation-only-not-a-secret',
    JOBS_INLINE: 'false',
  });
  const database = await openEmbedded(undefined);
  try {
    const app = await buildApp(config, { database });
    await app.ready();
    // @fastify/swagger's document type has no index signature; its callers only serialise and read it as JSON.
    const document = app.swagger() as unknown as Record<string, unknown>;
    await app.close();
    return document;
  } finally {
    await database.close();
  }
}

export const documentText = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

/** `npm run -s openapi [file]`: the document on stdout, or written to the file. */
async function main(): Promise<void> {
  const text = documentText(await buildOpenApiDocument());
  const out = process.argv[2];
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
