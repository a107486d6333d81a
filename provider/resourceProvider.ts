/**
 * The provider object as this module's entire export. Pulumi serializes `__provider` by walking what the
 * resource captured: an object that is the whole export of a module under node_modules becomes one
 * `require("pulumi-sfn-alias/dist/provider/resourceProvider.js")`, where a named export would be copied in
 * by value with every function it reaches (measured: ~0.4 KB against ~9 KB per resource in state).
 */
import { stateMachineAliasProvider } from "./provider";

export = stateMachineAliasProvider;
