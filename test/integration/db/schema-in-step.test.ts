import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * db/schema.ts is written by hand (docs/decisions/0004); this test keeps it honest: every table
 * and column the migrations create appears there with the same nullability, and nothing more.
 */
interface DeclaredColumn {
  nullable: boolean;
}

function declaredSchema(): Map<string, Map<string, DeclaredColumn>> {
  const file = path.resolve(import.meta.dirname, "../../../db/schema.ts");
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    module: ts.ModuleKind.ESNext,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const database = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "Database");
  if (!database) throw new Error("db/schema.ts has no Database interface");
  const tables = new Map<string, Map<string, DeclaredColumn>>();
  for (const member of database.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const tableName = (member.name as ts.Identifier).text;
    const tableType = checker.getTypeFromTypeNode(member.type);
    const columns = new Map<string, DeclaredColumn>();
    for (const prop of checker.getPropertiesOfType(tableType)) {
      const propType = checker.getTypeOfSymbolAtLocation(prop, member);
      // Kysely's ColumnType/Generated carry the select type in `__select__`.
      const select = propType.getProperty("__select__");
      const selectType = select ? checker.getTypeOfSymbolAtLocation(select, member) : propType;
      const parts = selectType.isUnion() ? selectType.types : [selectType];
      columns.set(prop.name, { nullable: parts.some((t) => (t.flags & ts.TypeFlags.Null) !== 0) });
    }
    tables.set(tableName, columns);
  }
  return tables;
}

describe("db/schema.ts", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("declares exactly the tables and columns the migrations create, with the same nullability", async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; is_nullable: "YES" | "NO" }>`
      select table_name, column_name, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name not like 'kysely_%'
      order by table_name, ordinal_position`.execute(app.db);
    const actual = new Map<string, Map<string, DeclaredColumn>>();
    for (const r of rows) {
      if (!actual.has(r.table_name)) actual.set(r.table_name, new Map());
      actual.get(r.table_name)!.set(r.column_name, { nullable: r.is_nullable === "YES" });
    }
    const declared = declaredSchema();
    const asObject = (m: Map<string, Map<string, DeclaredColumn>>) =>
      Object.fromEntries(
        [...m]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([t, cols]) => [t, Object.fromEntries([...cols].sort(([a], [b]) => a.localeCompare(b)))]),
      );
    expect(asObject(declared)).toEqual(asObject(actual));
  });
});
