/** Raised by `withTimeout`: the work did not settle in time (it goes on, unheeded). */
export class TimeoutError extends Error {}

/** `work`'s outcome, or a TimeoutError with `message` once `ms` have passed without it settling. */
export async function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  message = `no answer within ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        reject(new TimeoutError(message));
      },
      Math.max(ms, 0),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
