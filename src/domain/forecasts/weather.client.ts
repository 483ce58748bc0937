/**
 * OpenWeather One Call 3.0 client: the daily summary of a past day (`/onecall/day_summary`) and the 8-day daily
 * forecast (`/onecall`), by coordinates. Each call has a timeout; network errors, 429 and 5xx are retried with
 * exponential backoff. Other 4xx (a wrong key) fail at once: retrying cannot fix them.
 */
export interface WeatherDay {
  day: string;
  temperatureC: number;
  precipitationMm: number;
}

export interface WeatherClientOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  /** First backoff delay; doubled per retry. */
  backoffMs?: number;
}

export class WeatherUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeatherUnavailableError';
  }
}

export interface WeatherClient {
  history(lat: number, lon: number, day: string): Promise<WeatherDay>;
  forecast(lat: number, lon: number): Promise<WeatherDay[]>;
}

const mean = (values: (number | undefined)[]) => {
  const present = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return present.length === 0 ? Number.NaN : present.reduce((a, b) => a + b, 0) / present.length;
};

interface DaySummary {
  date?: string;
  temperature?: {
    morning?: number;
    afternoon?: number;
    evening?: number;
    night?: number;
    min?: number;
    max?: number;
  };
  precipitation?: { total?: number };
}

interface OneCall {
  timezone_offset?: number;
  daily?: {
    dt: number;
    temp?: { morn?: number; day?: number; eve?: number; night?: number };
    rain?: number;
    snow?: number;
  }[];
}

export function createWeatherClient(options: WeatherClientOptions): WeatherClient {
  const base = options.baseUrl.replace(/\/$/, '');

  async function get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries({ ...params, units: 'metric', appid: options.apiKey })) {
      url.searchParams.set(k, v);
    }
    let lastError = 'no attempt made';
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      if (attempt > 0) await sleep((options.backoffMs ?? 250) * 2 ** (attempt - 1));
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
        if (response.ok) return (await response.json()) as T;
        lastError = `OpenWeather answered ${response.status}`;
        if (response.status !== 429 && response.status < 500) break;
      } catch (error) {
        lastError = `OpenWeather unreachable: ${error instanceof Error ? error.name : 'error'}`;
      }
    }
    throw new WeatherUnavailableError(lastError);
  }

  return {
    async history(lat, lon, day) {
      const body = await get<DaySummary>('/data/3.0/onecall/day_summary', {
        lat: String(lat),
        lon: String(lon),
        date: day,
      });
      const t = body.temperature ?? {};
      const temperatureC = mean([t.morning, t.afternoon, t.evening, t.night]);
      const fallback = mean([t.min, t.max]);
      const value = Number.isFinite(temperatureC) ? temperatureC : fallback;
      if (!Number.isFinite(value))
        throw new WeatherUnavailableError('OpenWeather day summary has no temperature');
      return { day, temperatureC: value, precipitationMm: body.precipitation?.total ?? 0 };
    },
    async forecast(lat, lon) {
      const body = await get<OneCall>('/data/3.0/onecall', {
        lat: String(lat),
        lon: String(lon),
        exclude: 'current,minutely,hourly,alerts',
      });
      const offset = body.timezone_offset ?? 0;
      return (body.daily ?? [])
        .map((d) => ({
          day: new Date((d.dt + offset) * 1000).toISOString().slice(0, 10),
          temperatureC: mean([d.temp?.morn, d.temp?.day, d.temp?.eve, d.temp?.night]),
          precipitationMm: (d.rain ?? 0) + (d.snow ?? 0),
        }))
        .filter((d) => Number.isFinite(d.temperatureC));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
