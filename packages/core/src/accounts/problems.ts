/** One thing wrong with one field, worded so it can be shown next to that field. */
export interface FieldProblem {
  /** The wire name of the field, e.g. `username` or `redirect_uris[1]`. */
  field: string;
  /** Says what is wrong and what is expected, e.g. "must be 3 to 32 characters (got 2)". */
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** "username must be …; email must be …": one line for APIs that answer with a single message. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field} ${p.message}`).join('; ');
}
