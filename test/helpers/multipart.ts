/** A multipart/form-data body for `app.inject`: text fields, then an optional file part (declared octet-stream). */
export function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer }) {
  const boundary = '----iris-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

interface Injector {
  inject(opts: {
    method: 'POST';
    url: string;
    headers: Record<string, string>;
    payload: Buffer;
  }): Promise<import('light-my-request').Response>;
}

/** POST /api/v1/supplier-invoices as the given user. */
export function uploadInvoice(
  app: Injector,
  headers: Record<string, string>,
  fields: Record<string, string>,
  file?: { name: string; bytes: Buffer },
) {
  const body = multipart(fields, file);
  return app.inject({
    method: 'POST',
    url: '/api/v1/supplier-invoices',
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
}
