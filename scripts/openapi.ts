import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import prettier from "prettier";
import { openApiDocument } from "#app/api/openapi.ts";

/**
 * `npm run openapi`: writes docs/openapi.json from the routes' zod schemas (app/api/openapi.ts).
 * app/api/openapi.test.ts fails while the committed file differs from what this writes.
 */
export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../docs/openapi.json");

const options = await prettier.resolveConfig(OPENAPI_FILE);
fs.writeFileSync(OPENAPI_FILE, await prettier.format(JSON.stringify(openApiDocument()), { ...options, parser: "json" }));
console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
