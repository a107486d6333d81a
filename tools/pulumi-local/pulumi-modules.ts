// Loads @pulumi/pulumi's own copies of grpc-js, google-protobuf, js-yaml and its generated stubs, so the
// messages we build are the very classes the program runner and the plugin use.
import * as path from "path";
import { createRequire } from "module";

/* eslint-disable @typescript-eslint/no-explicit-any */
export const pulumiPackageDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const pulumiRequire = createRequire(path.join(pulumiPackageDir, "index.js"));

export const grpc: typeof import("@grpc/grpc-js") = pulumiRequire("@grpc/grpc-js");
export const structproto: any = pulumiRequire("google-protobuf/google/protobuf/struct_pb");
export const emptyproto: any = pulumiRequire("google-protobuf/google/protobuf/empty_pb");
export const resproto: any = pulumiRequire("./proto/resource_pb");
export const resrpc: any = pulumiRequire("./proto/resource_grpc_pb");
export const engproto: any = pulumiRequire("./proto/engine_pb");
export const engrpc: any = pulumiRequire("./proto/engine_grpc_pb");
export const provproto: any = pulumiRequire("./proto/provider_pb");
export const provrpc: any = pulumiRequire("./proto/provider_grpc_pb");
export const statusproto: any = pulumiRequire("./proto/status_pb");
export const plugproto: any = pulumiRequire("./proto/plugin_pb");
export const yaml: { load(text: string): unknown } = pulumiRequire("js-yaml");

/**
 * The file of `@pulumi/pulumi/<sub>` as the program would load it: resolved from the program's folder
 * first (its own node_modules), falling back to the copy this tool runs with.
 */
export function resolvePulumiFile(sub: string, fromDir: string): string {
    try {
        return require.resolve(`@pulumi/pulumi/${sub}`, { paths: [fromDir] });
    } catch {
        return require.resolve(`@pulumi/pulumi/${sub}`);
    }
}
