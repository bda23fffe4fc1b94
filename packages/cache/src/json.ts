// Values are stored as JSON in both implementations: in Redis because it stores strings, in memory
// because a round trip is a deep copy, so no caller can change stored state through a shared object.

export function encode(value: unknown): string {
  return JSON.stringify(value);
}

export function decode<T>(raw: string | null | undefined): T | null {
  return raw == null ? null : (JSON.parse(raw) as T);
}
