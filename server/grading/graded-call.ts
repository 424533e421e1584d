// What one test case produced inside the sandbox (or the SQL engine), before the host
// compares it with the expected value. It crosses the job queue as JSON.
export type GradedCall =
  | { name: string; value: unknown }
  | { name: string; error: string; message: string };

/** A run executed for grading: the cases to call, in the shape the executor needs. */
export type GradeRequest =
  | { kind: 'code'; entry: string; cases: { name: string; args: unknown[]; kwargs: Record<string, unknown> }[] }
  | { kind: 'sql'; schema: string; cases: { name: string; setup: string }[] };
