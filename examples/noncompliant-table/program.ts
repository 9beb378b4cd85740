// The entry point the Pulumi Node runtime runs (Pulumi.yaml `main`). The runtime calls a module that
// is itself a function (`export =`), and takes any other module's exports as stack outputs: a CommonJS
// module's `export default` function would not be called (sdk/nodejs/cmd/run/run.ts, "If the exported
// value was itself a Function, then just execute it").
import noncompliantTables from "./index";

export = noncompliantTables;
