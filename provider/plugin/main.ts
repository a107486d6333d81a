/**
 * The plugin's entry: serves the ResourceProvider service (server.ts) until the engine closes it. The engine
 * closes a `runtime: nodejs` plugin by cancelling the language host's RunPlugin, which kills the process
 * (sdk/go/common/resource/plugin/plugin.go ExecPlugin); before that it sends Cancel (hostManagedProvider.Close),
 * which stops any rollout at its next safe point (rollout/runner.ts cancelRollouts). A SIGINT (a plugin run
 * by hand, or a test) is answered the same way: with a rollout running, the runner's own listener stops it
 * and the process stays until its answer is sent; with none, the server shuts down and the process exits.
 */
import { serve } from "./server";

export async function main(args: readonly string[]): Promise<void> {
    const server = await serve(args);
    process.on("SIGINT", () => {
        if (process.listenerCount("SIGINT") <= 1) void server.stop().then(() => process.exit(0));
    });
}
