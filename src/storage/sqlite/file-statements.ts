// The shared statements (../file-sql.ts) on one better-sqlite3 connection, each prepared once.
import type Database from 'better-sqlite3';
import type { FileQuery, FileRow } from '../file-sql.js';

// $1 becomes @p1: better-sqlite3 binds a named parameter used twice from one value.
export function sqliteText(text: string): string {
  return text.replace(/\$(\d+)/g, '@p$1');
}

export function namedValues(values: readonly unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  values.forEach((value, i) => (named[`p${i + 1}`] = value));
  return named;
}

export class FileStatements {
  private readonly prepared = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  run(query: FileQuery): FileRow[] {
    let statement = this.prepared.get(query.text);
    if (statement === undefined) {
      statement = this.db.prepare(sqliteText(query.text));
      this.prepared.set(query.text, statement);
    }
    const values = namedValues(query.values);
    if (statement.reader) return statement.all(values) as FileRow[];
    statement.run(values);
    return [];
  }
}

