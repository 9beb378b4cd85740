// Entry point of `pulumi up` (Pulumi.yaml `main: infra/`): the runtime calls the exported function
// and publishes what it returns as the stack outputs.
import { kmsDynamodbStack } from "./program";

export = kmsDynamodbStack;
