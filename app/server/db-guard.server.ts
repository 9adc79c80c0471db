import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";

/**
 * PostgreSQL (and PGlite) refuse a NUL character in text: `invalid byte sequence for encoding
 * "UTF8": 0x00` for a text parameter, `unsupported Unicode escape sequence` for `\u0000` in jsonb.
 * Without help that error surfaces as a 500 wherever user input reaches a query (a search box, a
 * form field, a JSON body, tus metadata). Rather than hoping every schema remembers, this wraps the
 * dialect once, in `createDb`, so that every query on either driver
 * - refuses a parameter with a NUL character before sending it (`REQUEST_MALFORMED`, 400), and
 * - turns the database's own refusal of a character (SQLSTATE 22021, 22P05) into the same error,
 * so the caller's transaction rolls back and the person is told what was wrong (decision 25).
 */
const CHARACTER_REFUSED = new Set(["22021", "22P05"]);

export function malformedInput(cause?: unknown): AppError {
  return new AppError("REQUEST_MALFORMED", { whereZh: "提交的内容", whereEn: "submitted data" }, { cause });
}

/** Whether a query parameter carries a NUL character (strings, arrays of them, objects sent as JSON). */
export function carriesNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\0");
  if (value === null || typeof value !== "object" || value instanceof Date || ArrayBuffer.isView(value)) return false;
  if (Array.isArray(value)) return value.some(carriesNul);
  return JSON.stringify(value).includes("\\u0000");
}

function guard(query: CompiledQuery): void {
  if (query.parameters.some(carriesNul)) throw malformedInput();
}

function translate(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && CHARACTER_REFUSED.has(code) ? malformedInput(e) : e;
}

class GuardedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    guard(query);
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (e) {
      throw translate(e);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    guard(query);
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (e) {
      throw translate(e);
    }
  }
}

/** The driver's own connection: transactions and release go to the inner driver with the object it made. */
const innerOf = (c: DatabaseConnection) => (c instanceof GuardedConnection ? c.inner : c);

class GuardedDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  init() {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await this.inner.acquireConnection());
  }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings) {
    return this.inner.beginTransaction(innerOf(c), settings);
  }
  commitTransaction(c: DatabaseConnection) {
    return this.inner.commitTransaction(innerOf(c));
  }
  rollbackTransaction(c: DatabaseConnection) {
    return this.inner.rollbackTransaction(innerOf(c));
  }
  async savepoint(c: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["savepoint"]>>[2]) {
    if (!this.inner.savepoint) throw new Error("this driver has no savepoints");
    return this.inner.savepoint(innerOf(c), name, compile);
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["rollbackToSavepoint"]>>[2]) {
    if (!this.inner.rollbackToSavepoint) throw new Error("this driver has no savepoints");
    return this.inner.rollbackToSavepoint(innerOf(c), name, compile);
  }
  async releaseSavepoint(c: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["releaseSavepoint"]>>[2]) {
    if (!this.inner.releaseSavepoint) throw new Error("this driver has no savepoints");
    return this.inner.releaseSavepoint(innerOf(c), name, compile);
  }
  releaseConnection(c: DatabaseConnection) {
    return this.inner.releaseConnection(innerOf(c));
  }
  destroy() {
    return this.inner.destroy();
  }
}

/** The same dialect, with every query guarded as described above. */
export function guardedDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new GuardedDriver(inner.createDriver()),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
  };
}
