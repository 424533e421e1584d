// Result sets as text, the way psql prints them. Runs format inside the sandbox (the SQL
// harness in sql.ts prints the same way); this copy serves the unsandboxed benchmark baseline.
export interface ResultSet {
  fields: string[];
  rows: unknown[][];
  affectedRows?: number;
}

export const MAX_ROWS_SHOWN = 500;

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function formatResultSet(result: ResultSet): string {
  if (result.fields.length === 0) return `OK${result.affectedRows ? ` (${result.affectedRows} rows affected)` : ''}\n`;
  const shown = result.rows.slice(0, MAX_ROWS_SHOWN).map((row) => row.map(cell));
  const widths = result.fields.map((name, i) => Math.max(name.length, ...shown.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((value, i) => ` ${value.padEnd(widths[i]!)} `).join('|').trimEnd();
  const lines = [line(result.fields), widths.map((w) => '-'.repeat(w + 2)).join('+'), ...shown.map(line)];
  const more = result.rows.length > shown.length ? `, first ${shown.length} shown` : '';
  lines.push(`(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'}${more})`);
  return `${lines.join('\n')}\n`;
}
