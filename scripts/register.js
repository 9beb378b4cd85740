// Runs the project's TypeScript in Node without type checking: `node -r ./scripts/register.js FILE.ts`.
// The hook is the policy pack's (policy-pack/swcRegister.js): one SWC handler for the whole project.
"use strict";
require("../policy-pack/swcRegister");
