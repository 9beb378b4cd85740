// ESLint flat config: typescript-eslint's type-aware rules plus Pulumi's own, which catch Outputs used
// where a plain string is expected (template literals) and must be wrapped in pulumi.interpolate; and
// the project's layers (scripts/eslintLayers.cjs: one table of what each folder may import).
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import layers from "./scripts/eslintLayers.cjs";

export default tseslint.config(
  // The fixture programs are other teams' kind of code with their own dependencies: not this project's.
  { ignores: ["node_modules/", "bin/", "test/fixtures/programs/", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi, local: layers.plugin },
    rules: {
      "local/layers": "error",
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
    },
  },
);
