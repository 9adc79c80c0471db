// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/",
      "node_modules/",
      ".data/",
      "coverage/",
      "test-results/",
      "contracts/artifacts/",
      "contracts/cache/",
      "contracts/typechain-types/",
      "contracts/coverage/",
    ],
  },
  js.configs.recommended,
  { files: ["**/*.js"], languageOptions: { globals: { ...globals.node } } },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // ARCHITECTURE.md §2: which way imports run.
      "no-restricted-imports": "off",
      // Binary formats (DER, PDF) are matched with control characters on purpose.
      "no-control-regex": "off",
    },
  },
  {
    files: ["app/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["#app/services/*", "#app/jobs/*", "#app/server/*", "#app/routes/*", "#db/*", "node:*"],
              message: "domain/ is pure: no I/O, no services, server, db or routes (ARCHITECTURE.md §2).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/crypto/**/*.ts"],
    ignores: ["app/crypto/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "#app/server/*", "#app/services/*", "#db/*", "*.server.ts"],
              message: "crypto/ runs in the browser too: nothing Node-only or server-only (ARCHITECTURE.md §2).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/components/**/*.tsx", "app/components/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["#app/server/*", "#app/services/*", "#db/*", "*.server.ts"],
              message: "components/ never import server modules (ARCHITECTURE.md §2).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/server/**/*.ts"],
    ignores: ["app/server/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["#app/services/*", "#app/jobs/*", "#app/routes/*"],
              message: "server/ adapters never call services or jobs (ARCHITECTURE.md §2).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["contracts/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off", "@typescript-eslint/no-unused-expressions": "off" },
  },
  prettier,
);
