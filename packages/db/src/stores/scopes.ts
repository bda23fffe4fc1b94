/** Scope lists are stored as sorted sets, so equal grants compare equal. */
export function scopeSet(scopes: readonly string[]): string[] {
  return [...new Set(scopes)].sort();
}
