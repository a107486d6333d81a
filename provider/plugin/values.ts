/**
 * Property values as the engine sends them to a provider plugin that accepts secrets, and back. Pure.
 *
 * A secret arrives as `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`
 * (sdk/go/common/resource/plugin/rpc.go MarshalPropertyValue with KeepSecrets; the same signature
 * @pulumi/pulumi's runtime uses, `specialSigKey` / `specialSecretSig`), anywhere in the tree. The core
 * (check, diff, create, ...) works on plain values, so the glue unwraps them on the way in and wraps, on the
 * way out, every top-level property that held a secret anywhere inside it: the engine would mark those
 * outputs secret too (step_executor.go: an output whose input of the same name was secret), but a
 * provider that says so itself does not depend on that.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

export function isSecretValue(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && !Array.isArray(v) && (v as Props)[SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): Props {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** The value with every secret wrapper removed, and whether there was one. */
export function unwrap(v: unknown): { value: unknown; secret: boolean } {
    if (isSecretValue(v)) return { value: unwrap(v.value).value, secret: true };
    if (Array.isArray(v)) {
        const items = v.map(unwrap);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof v === "object" && v !== null) {
        let found = false;
        const out: Props = {};
        for (const [k, x] of Object.entries(v)) {
            const u = unwrap(x);
            out[k] = u.value;
            found ||= u.secret;
        }
        return { value: out, secret: found };
    }
    return { value: v, secret: false };
}

/** A property map unwrapped, with the names of its top-level properties that held a secret. */
export function unwrapProperties(props: Props | undefined): { values: Props; secrets: Set<string> } {
    const values: Props = {};
    const secrets = new Set<string>();
    for (const [k, v] of Object.entries(props ?? {})) {
        const u = unwrap(v);
        values[k] = u.value;
        if (u.secret) secrets.add(k);
    }
    return { values, secrets };
}

/** `props` with each property named in `secrets` wrapped as a secret (once). */
export function wrapProperties(props: Props, secrets: Iterable<string>): Props {
    const out: Props = { ...props };
    for (const k of secrets) if (k in out && out[k] !== undefined && !isSecretValue(out[k])) out[k] = secret(out[k]);
    return out;
}
