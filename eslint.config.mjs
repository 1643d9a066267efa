// ESLint for the explorer's own JavaScript (the vendored libraries are not ours to lint).
import js from "@eslint/js";
import globals from "globals";

// The module syntax the page's bundle supports (kg.explore.script joins the modules into one inline
// script without a bundler): named imports of sibling modules, and exported function, const and class
// declarations. Anything else would be refused at build time; the linter says so first.
const bundleSubset = [
  { selector: "ExportDefaultDeclaration", message: "no default export: the page's bundle supports named exports only" },
  { selector: "ExportAllDeclaration", message: "no export *: the page's bundle supports named exports only" },
  { selector: "ExportNamedDeclaration[source]", message: "no re-export: import, then export a declaration" },
  { selector: "ExportNamedDeclaration[declaration=null]", message: "export the declaration itself (export function/const/class)" },
  { selector: "ExportNamedDeclaration > VariableDeclaration[kind!='const']", message: "export const only: the bundle passes values, not live bindings" },
  { selector: "ExportNamedDeclaration > VariableDeclaration > VariableDeclarator[id.type!='Identifier']", message: "export one name per const" },
  { selector: "ImportDeclaration[specifiers.0.type!='ImportSpecifier']", message: "named imports only: import { a, b } from \"./module.js\"" },
  { selector: "ImportDeclaration:not([source.value=/^\\.\\/[\\w-]+\\.js$/])", message: "import sibling modules only (\"./name.js\")" },
  { selector: "ImportExpression", message: "no dynamic import: the page is one file under a strict CSP" },
];

export default [
  { ignores: ["**/vendor/**", "node_modules/**", "build/**", ".venv/**", "tests/vendor/**", "test-results/**"] },
  js.configs.recommended,
  {
    // the explorer's script and the site's search box: ES modules, joined into one script by
    // kg.explore.script (the site's with the explorer's fold.js)
    files: ["src/kg/templates/explorer/**/*.js", "src/kg/templates/site/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser, vis: "readonly" } },
    rules: { "no-restricted-syntax": ["error", ...bundleSubset], "no-var": "error", "prefer-const": "error", eqeqeq: ["error", "smart"] },
  },
  {
    files: ["src/kg/templates/**/*.js"],
    ignores: ["src/kg/templates/explorer/**", "src/kg/templates/site/**"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.browser } },
  },
  {
    files: ["**/*.mjs", "tests/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node, ...globals.browser } },
  },
];
