// A program for the native-provider tests: SDK-like classes for the fixture plugin's package ("fixture"),
// resources and explicit providers declared by the stack config key `spec` (JSON):
//   { providers: [{ name, args }], things: [{ name, args, provider?, secret?: [keys], fromOut?: {key: thing},
//     opts?: { import, ignoreChanges, replaceOnChanges, deleteBeforeReplace, version, protect } }] }
// A provider arg `{ "fromOut": "<thing>" }` takes that thing's `out` (unknown in a preview of its create).
import * as pulumi from "@pulumi/pulumi";

class Thing extends pulumi.CustomResource {
    public readonly value!: pulumi.Output<string>;
    public readonly out!: pulumi.Output<string>;
    constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
        super("fixture:index:Thing", name, { ...args, out: undefined }, opts);
    }
}

class Provider extends pulumi.ProviderResource {
    constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.ResourceOptions) {
        super("fixture", name, args, opts);
    }
}

interface ThingSpec {
    name: string;
    args?: Record<string, unknown>;
    provider?: string;
    secret?: string[];
    fromOut?: Record<string, string>;
    opts?: Record<string, unknown>;
}
interface Spec {
    providers?: { name: string; args?: Record<string, unknown> }[];
    things?: ThingSpec[];
}

const config = new pulumi.Config();
const spec: Spec = JSON.parse(config.get("spec") ?? "{}");
const things = new Map<string, Thing>();
const providers = new Map<string, Provider>();

// Providers whose args take a thing's output are made after the things they name (in spec order otherwise).
const made = new Set<string>();
function makeProvider(p: { name: string; args?: Record<string, unknown> }): Provider {
    const args: Record<string, pulumi.Input<unknown>> = {};
    for (const [k, v] of Object.entries(p.args ?? {})) {
        const from = v && typeof v === "object" ? (v as { fromOut?: string }).fromOut : undefined;
        args[k] = from ? things.get(from)!.out : (v as pulumi.Input<unknown>);
    }
    const provider = new Provider(p.name, args);
    providers.set(p.name, provider);
    made.add(p.name);
    return provider;
}
const needsThing = (p: { args?: Record<string, unknown> }) =>
    Object.values(p.args ?? {}).some((v) => v && typeof v === "object" && "fromOut" in (v as object));
for (const p of spec.providers ?? []) if (!needsThing(p)) makeProvider(p);

for (const t of spec.things ?? []) {
    if (t.provider && !providers.has(t.provider)) makeProvider((spec.providers ?? []).find((p) => p.name === t.provider)!);
    const args: Record<string, pulumi.Input<unknown>> = { ...(t.args ?? {}) };
    for (const k of t.secret ?? []) args[k] = pulumi.secret(args[k]);
    for (const [k, from] of Object.entries(t.fromOut ?? {})) args[k] = things.get(from)!.out;
    const opts: pulumi.CustomResourceOptions = { ...(t.opts ?? {}) } as pulumi.CustomResourceOptions;
    if (t.provider) opts.provider = providers.get(t.provider);
    things.set(t.name, new Thing(t.name, args, opts));
}
for (const p of spec.providers ?? []) if (!made.has(p.name)) makeProvider(p);

export const outs = pulumi.all(Object.fromEntries([...things].map(([n, t]) => [n, t.out])));
