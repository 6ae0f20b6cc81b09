// Dumps the CEL conformance tests of @bufbuild/cel-spec (compiled JS
// modules) to one JSON file: {name, suites: [...]} with each test's
// `original` SimpleTest in protobuf-JSON form.
//   node dump_cel_spec.mjs <node_modules dir> <output.json>
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const [nodeModules, output] = process.argv.slice(2);
if (!nodeModules || !output) {
  console.error("usage: node dump_cel_spec.mjs <node_modules dir> <output.json>");
  process.exit(2);
}
const require = createRequire(join(nodeModules, "package.json"));
const { tests } = require("@bufbuild/cel-spec/testdata/conformance.js");
writeFileSync(output, JSON.stringify(tests));
console.log(`cel-spec: ${tests.suites?.length ?? 0} files`);
