// ESLint for the explorer's own JavaScript (the vendored libraries are not ours to lint).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["**/vendor/**", "node_modules/**", "build/**", ".venv/**", "tests/vendor/**"] },
  js.configs.recommended,
  {
    files: ["src/kg/templates/**/*.js", "src/kg/templates/**/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.browser, vis: "readonly" } },
  },
  {
    files: ["**/*.mjs", "tests/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node, ...globals.browser } },
  },
];
