// What the OpenAPI validator (validate-api) leaves out: that every schema of the document is
// valid JSON Schema 2020-12 (a `"type": "strin"` passes the OpenAPI schemas), and that every
// `example` matches the schema beside it. Prints each problem; exits 1 when there is one.
// Usage: node check_schemas.mjs docs/openapi.json   (ctest openapi_schemas_and_examples)
import { readFileSync } from "node:fs";
import { argv, exit } from "node:process";
import Ajv2020 from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule.default ?? addFormatsModule;
const document = JSON.parse(readFileSync(argv[2], "utf-8"));
// OpenAPI's own keywords (discriminator, example) are not JSON Schema's: not strict.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The whole document is one schema resource, so a schema's `#/components/...` references
// resolve inside it wherever the schema sits.
const base = "https://openapi.invalid/document.json";
ajv.addSchema({ ...document, $id: base });

const problems = [];
const pointer = (path) =>
  "#/" + path.map((part) => String(part).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

function checkSchema(schema, path) {
  try {
    if (!ajv.validateSchema(schema)) {
      problems.push(`${pointer(path)}: ${ajv.errorsText(ajv.errors)}`);
      return false;
    }
    ajv.compile({ $ref: base + pointer(path) });
    return true;
  } catch (error) {
    problems.push(`${pointer(path)}: ${error.message}`);
    return false;
  }
}

// Schemas sit under `schema` (parameters, headers, media types) and components.schemas.
function walk(node, path) {
  if (node === null || typeof node !== "object") return;
  if (!Array.isArray(node) && node.schema !== null && typeof node.schema === "object") {
    const at = [...path, "schema"];
    if (checkSchema(node.schema, at) && "example" in node) {
      const validate = ajv.getSchema(base + pointer(at));
      if (!validate(node.example)) problems.push(`${pointer([...path, "example"])}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
}
walk(document, []);
for (const name of Object.keys(document.components?.schemas ?? {})) {
  checkSchema(document.components.schemas[name], ["components", "schemas", name]);
}

console.log(problems.length > 0 ? problems.join("\n") : `${argv[2]}: every schema and example is valid`);
exit(problems.length > 0 ? 1 : 0);
