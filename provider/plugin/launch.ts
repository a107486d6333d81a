/**
 * How this package knows it was started as a provider plugin. The Pulumi CLI runs a `runtime: nodejs` plugin
 * (PulumiPlugin.yaml at the package's root) as `node <@pulumi/pulumi/cmd/run-plugin> <plugin dir> <engine
 * args>` (sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin), and run-plugin's run.js `require`s the
 * plugin folder, that is package.json's `main`, the SDK, after setting `process.argv` to `[node, <run-plugin>,
 * ...engine args]` (sdk/nodejs/cmd/run-plugin/run.ts). So the SDK's entry serves the provider exactly when
 * the process's script is run-plugin *and* run-plugin's run.js required the SDK itself: another plugin
 * started by run-plugin (a component provider that imports this SDK) requires it from its own code, and a
 * program is not started by run-plugin at all. No imports: the SDK loads this on every require.
 */
const RUN_PLUGIN = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin([\\/]index\.js)?$/;
const RUN_PLUGIN_RUN = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin[\\/]run\.js$/;

/** `requiredBy`: the file of the module that required the SDK's entry first (its `module.parent`). */
export function launchedByRunPlugin(argv: readonly string[], requiredBy: string | undefined): boolean {
    return RUN_PLUGIN.test(argv[1] ?? "") && RUN_PLUGIN_RUN.test(requiredBy ?? "");
}
