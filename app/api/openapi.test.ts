import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { API_OPERATIONS, openApiDocument } from "./openapi.ts";

const root = path.resolve(import.meta.dirname, "../..");
const routesDir = path.join(root, "app/routes");

/** `api.sections.$sectionId.sealing.ts` → `/api/sections/{sectionId}/sealing` (Remix flat routes; `[.]` escapes a dot). */
function pathOfRouteFile(file: string): string {
  const name = file.replace(/\.tsx?$/, "");
  const segments = name.split(/(?<!\[)\.(?![^[]*\])/).map((s) => s.replace(/\[(.*?)\]/g, "$1"));
  return "/" + segments.map((s) => (s.startsWith("$") ? `{${s.slice(1)}}` : s)).join("/");
}

/** The methods a route module answers: an action takes POST, a loader GET (unless it only refuses: postOnlyLoader). */
function methodsOfRouteFile(file: string): string[] {
  const source = fs.readFileSync(path.join(routesDir, file), "utf8");
  const methods: string[] = [];
  if (/export (async )?function loader\b/.test(source) || /export const loader = (?!postOnlyLoader)/.test(source)) methods.push("get");
  if (/export (async )?function action\b|export const action\b/.test(source)) methods.push("post");
  return methods;
}

const apiRouteFiles = fs.readdirSync(routesDir).filter((f) => /^api\./.test(f) && !/\.test\.tsx?$/.test(f) && f !== "api.$.ts");

describe("the OpenAPI document", () => {
  const doc = openApiDocument();

  it("lists every /api route with the methods it answers, and nothing that is not a route", () => {
    expect(apiRouteFiles.length).toBeGreaterThan(10);
    const fromRoutes = apiRouteFiles.flatMap((f) => methodsOfRouteFile(f).map((m) => `${m} ${pathOfRouteFile(f)}`)).sort();
    const documented = Object.entries(doc.paths)
      .filter(([p]) => !p.startsWith("/api/uploads")) // tus, served by Express before Remix (server.ts)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    expect(documented).toEqual(fromRoutes);
  });

  it("documents the tus upload protocol: creation, resume, append with the receipt, termination, and the metadata names", () => {
    expect(Object.keys(doc.paths["/api/uploads"]!).sort()).toEqual(["options", "post"]);
    expect(Object.keys(doc.paths["/api/uploads/{uploadId}"]!).sort()).toEqual(["delete", "head", "patch"]);
    const creation = doc.paths["/api/uploads"]!.post as { "x-tus-metadata": { properties: Record<string, unknown>; required: string[] } };
    expect(Object.keys(creation["x-tus-metadata"].properties).sort()).toEqual([
      "packageDigest",
      "sectionId",
      "securityKind",
      "securityReference",
    ]);
    expect([...creation["x-tus-metadata"].required].sort()).toEqual(["packageDigest", "sectionId"]);
    const patch = doc.paths["/api/uploads/{uploadId}"]!.patch as {
      responses: Record<string, { content?: Record<string, { schema: { properties: object } }> }>;
    };
    expect(Object.keys(patch.responses["200"]!.content!["application/json"]!.schema.properties).sort()).toEqual(["receipt", "receiptJws"]);
  });

  it("gives every operation the JSON error answer and a valid JSON Schema for every body", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops) as [
        string,
        { responses: Record<string, { content?: Record<string, { schema: object }> }> },
      ][]) {
        expect(op.responses["4XX"], `${method} ${p}`).toEqual({ $ref: "#/components/responses/Error" });
        for (const r of Object.values(op.responses))
          for (const c of Object.values(r.content ?? {})) expect(() => ajv.compile(c.schema)).not.toThrow();
      }
    }
    expect(API_OPERATIONS.every((o) => o.path.startsWith("/api/"))).toBe(true);
  });

  it("is the document committed as docs/openapi.json (npm run openapi writes it)", () => {
    const committed: unknown = JSON.parse(fs.readFileSync(path.join(root, "docs/openapi.json"), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
