// Copy the pinned chart libraries from node_modules into the pages' static files (run by `make js` after `npm ci`).
// vega-interpreter ships only as an ES module importing vega-util; it is wrapped into a plain script that takes
// vega-util's functions from the `vega` global, so that pages load it like the other libraries, with no bundler.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const target = "pages/static/pages/vendor";
mkdirSync(target, { recursive: true });
for (const file of [
  "vega/build/vega.min.js",
  "vega-lite/build/vega-lite.min.js",
  "vega-embed/build/vega-embed.min.js",
]) {
  copyFileSync(`node_modules/${file}`, `${target}/${file.split("/").pop()}`);
}

const source = readFileSync("node_modules/vega-interpreter/build/vega-interpreter.js", "utf8");
const imports = /^import \{([^}]*)\} from 'vega-util';$/m;
const exports = /^export \{ expression as expressionInterpreter \};$/m;
if (!imports.test(source) || !exports.test(source)) {
  throw new Error("vega-interpreter changed its module layout: update pages/vendor.mjs");
}
const script = source
  .replace(imports, "(function (vega) {\nconst {$1} = vega;")
  .replace(exports, "vega.expressionInterpreter = expression;\n})(globalThis.vega);");
writeFileSync(`${target}/vega-interpreter.js`, script);
