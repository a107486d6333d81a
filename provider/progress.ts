/**
 * Where a rollout's progress lines go: the glue decides, the core only says what happened.
 *
 * - Dynamic provider (the default): stdout. Pulumi passes a dynamic provider's stdout lines to the CLI as
 *   info diagnostics with no URN (sdk/go/common/resource/plugin/plugin.go newPlugin; since 3.146.0,
 *   "[cli/plugin] Passthrough unstructured logs from dynamic providers").
 * - Provider plugin: the engine's Log RPC with the resource's URN (provider/plugin/server.ts sets a sink for
 *   each call), `status` lines as ephemeral messages: the CLI shows them on the resource's row while they are
 *   current and leaves them out of the final Diagnostics (pkg/backend/display/progress.go), `event` lines as
 *   ordinary info, kept.
 *
 * The sink is carried by an AsyncLocalStorage, so concurrent calls (the engine runs independent resources'
 * steps at once) each log to their own resource. It is made on first use and kept on the global object, not
 * in a module variable: a dynamic provider is serialized into the program's state by value when its module is
 * not under node_modules (a `file:` link, a checkout), and Pulumi's closure serializer cannot capture an
 * AsyncLocalStorage (it reaches native code); the global object and `require` of a builtin it leaves as they are.
 */
import type { AsyncLocalStorage } from "async_hooks";

/** `status`: true only until the next line (a wait, a poll); `event`: something that happened (a shift, a rollback). */
export type ProgressKind = "status" | "event";

export type ProgressSink = (line: string, kind: ProgressKind) => void;

function storage(): AsyncLocalStorage<ProgressSink> {
    const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<ProgressSink> | undefined>;
    const key = Symbol.for("pulumi-sfn-alias.progress");
    let store = holder[key];
    if (!store) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const hooks = require("async_hooks") as typeof import("async_hooks");
        store = holder[key] = new hooks.AsyncLocalStorage<ProgressSink>();
    }
    return store;
}

/** Runs `fn` with its progress lines going to `sink`. */
export function withProgress<T>(sink: ProgressSink, fn: () => Promise<T>): Promise<T> {
    return storage().run(sink, fn);
}

/** Reports one line of progress to the caller's sink, or to stdout when none was set. */
export function progress(line: string, kind: ProgressKind = "event"): void {
    const sink = storage().getStore();
    if (sink) sink(line, kind);
    else console.log(line);
}
