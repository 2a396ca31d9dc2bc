// Generates src/api/schema.d.ts from the API's OpenAPI schema (docs/openapi.json, exported by the
// API's tooling). `--check` fails when the committed file is out of date (run by `npm run typecheck`).
import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const schemaPath = resolve(here, "..", "..", "docs", "openapi.json");
const outPath = resolve(here, "..", "src", "api", "schema.d.ts");

const header = `/**
 * Generated from docs/openapi.json by \`npm run api-types\` (openapi-typescript). Do not edit:
 * change the API's models, re-export the schema, and regenerate.
 */

`;

const schema = JSON.parse(await readFile(schemaPath, "utf8"));
const ast = await openapiTS(schema, { alphabetize: true, exportType: true });
const generated = header + astToString(ast);

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = await readFile(outPath, "utf8");
  } catch {
    current = "";
  }
  if (current !== generated) {
    console.error("src/api/schema.d.ts is out of date with docs/openapi.json: run `npm run api-types` in frontend/.");
    process.exit(1);
  }
} else {
  await writeFile(outPath, generated);
  console.log(`wrote ${outPath}`);
}
