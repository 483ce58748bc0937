import { describe, expect, it } from 'vitest';
import { startProcess } from '../helpers/process.js';

describe('the process guard', () => {
  it('logs and counts an unhandled rejection and continues; on an uncaught exception it drains and exits 1', async () => {
    const run = startProcess('test/fixtures/process-guard-fixture.ts', {});
    expect(await run.exited).toBe(1);
    const out = run.output();
    const lines = out.split('\n').filter((l) => l.startsWith('{'));
    const rejection = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.kind === 'unhandled_rejection');
    expect(rejection).toMatchObject({ request_id: 'req-42', err: { message: 'nobody awaited this' } });
    const exception = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.kind === 'uncaught_exception');
    expect(exception).toMatchObject({ request_id: 'req-43', err: { message: 'thrown from a callback' } });
    expect(out).toMatch(/iris_process_faults_total\{kind="unhandled_rejection"\} 1\n[^]*still running/);
    expect(out).toMatch(
      /iris_process_faults_total\{kind="uncaught_exception"\} 1\n[^]*draining then exiting/,
    );
  });
});
