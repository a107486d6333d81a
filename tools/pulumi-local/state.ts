// The stack's state file: `<project dir>/.pulumi-local/<stack>.json`, written atomically (temp file,
// fsync, rename) so a crash leaves either the previous or the next complete snapshot.
import * as fs from "fs";
import * as path from "path";
import { isSecret, makeSecret, PropertyMap, SECRET_SIG, SIG_KEY } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ResourceState {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    id?: string;
    parent?: string;
    inputs: PropertyMap;
    outputs: PropertyMap;
    dependencies: string[];
    protect?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    /** Old copy of a resource replaced create-before-delete, still to be deleted. */
    delete?: boolean;
    /** Reasons a create/update reported a partial failure (the resource exists but did not initialize). */
    initErrors?: string[];
    /** A native provider's resource: the reference `<provider urn>::<provider id>` of the provider instance it was made with (the checkpoint's `provider`). */
    provider?: string;
    /** The id the `import` option named (the checkpoint's `importID`). */
    importId?: string;
    /** The old URN this resource's state was found under through its `aliases` option (SG.generateResourceSteps: `Aliases: aliasUrns`). */
    aliases?: string[];
}

/** The kinds of pending operation (pkg/resource/operation.go OperationType). */
export type OperationType = "creating" | "updating" | "deleting" | "reading" | "importing";

/**
 * An operation the engine started on a resource and did not see finish, as the checkpoint's
 * `pending_operations` holds it (pkg/resource/operation.go Operation): the resource as the step had it
 * when the operation began (for a create or an update: the new inputs, no id, no outputs; for a delete:
 * the old state) and what was being done to it.
 */
export interface PendingOperation {
    resource: ResourceState;
    type: OperationType;
}

export interface StackState {
    version: 1;
    project: string;
    stack: string;
    resources: ResourceState[];
    outputs: PropertyMap;
    /** Absent when there are none, as the checkpoint omits an empty `pending_operations`. */
    pendingOperations?: PendingOperation[];
    updatedAt?: string;
}

export function stateFilePath(cwd: string, stack: string): string {
    return path.join(cwd, ".pulumi-local", `${stack}.json`);
}

export function emptyState(project: string, stack: string): StackState {
    return { version: 1, project, stack, resources: [], outputs: {} };
}

// On disk a secret is Pulumi's signature object with a `ciphertext`; here the "ciphertext" is only
// base64 of the JSON value (marked `encoding: base64`): never in clear text, but not encryption.
function encodeSecrets(v: any): any {
    if (isSecret(v)) {
        const text = Buffer.from(JSON.stringify(v.value ?? null), "utf8").toString("base64");
        return { [SIG_KEY]: SECRET_SIG, ciphertext: text, encoding: "base64" };
    }
    if (Array.isArray(v)) return v.map(encodeSecrets);
    if (v !== null && typeof v === "object") {
        const o: PropertyMap = {};
        for (const [k, x] of Object.entries(v)) o[k] = encodeSecrets(x);
        return o;
    }
    return v;
}

function decodeSecrets(v: any): any {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && v[SIG_KEY] === SECRET_SIG) {
        if (typeof v.ciphertext === "string") {
            return makeSecret(JSON.parse(Buffer.from(v.ciphertext, "base64").toString("utf8")));
        }
        return makeSecret(decodeSecrets(v.value));
    }
    if (Array.isArray(v)) return v.map(decodeSecrets);
    if (v !== null && typeof v === "object") {
        const o: PropertyMap = {};
        for (const [k, x] of Object.entries(v)) o[k] = decodeSecrets(x);
        return o;
    }
    return v;
}

/** Reads a stack's state (secrets come back wrapped, never as plain values); undefined when absent. */
export function readState(cwd: string, stack = "dev"): StackState | undefined {
    const file = stateFilePath(cwd, stack);
    if (!fs.existsSync(file)) return undefined;
    return decodeSecrets(JSON.parse(fs.readFileSync(file, "utf8"))) as StackState;
}

let tempCounter = 0;

export function writeStateAtomic(cwd: string, state: StackState): void {
    const file = stateFilePath(cwd, state.stack);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
    const text = JSON.stringify(encodeSecrets({ ...state, updatedAt: new Date().toISOString() }), null, 2) + "\n";
    const fd = fs.openSync(temp, "w");
    try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
}

/** A state file's text with its `updatedAt` line (the time of the write) removed: what a write changed. */
export function withoutWriteTime(text: string): string {
    return text.replace(/^\s*"updatedAt": "[^"]*",?\n/m, "");
}
