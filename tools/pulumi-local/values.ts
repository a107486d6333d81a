// Property values as they travel over the wire: plain JSON, with secrets wrapped in Pulumi's signature
// object and unknowns (preview only) as a sentinel string.

/* eslint-disable @typescript-eslint/no-explicit-any */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type PropertyMap = Record<string, any>;

export function isSecret(v: any): boolean {
    return v !== null && typeof v === "object" && !Array.isArray(v) && v[SIG_KEY] === SECRET_SIG;
}

export function makeSecret(value: any): any {
    return isSecret(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

export function containsSecret(v: any): boolean {
    if (isSecret(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsSecret);
    return false;
}

/** Removes every secret wrapper (a provider that does not accept secrets gets plain values). */
export function unwrapSecrets(v: any): any {
    if (isSecret(v)) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v !== null && typeof v === "object") {
        const out: PropertyMap = {};
        for (const [k, x] of Object.entries(v)) out[k] = unwrapSecrets(x);
        return out;
    }
    return v;
}

/** Top-level keys whose value holds a secret anywhere inside. */
export function secretKeys(props: PropertyMap): string[] {
    return Object.keys(props).filter((k) => containsSecret(props[k]));
}

/** Marks the given top-level keys secret, as the engine re-marks outputs of secret inputs. */
export function markSecret(props: PropertyMap, keys: Iterable<string>): PropertyMap {
    const out: PropertyMap = { ...props };
    for (const k of keys) {
        if (k in out && out[k] !== undefined) out[k] = makeSecret(unwrapSecrets(out[k]));
    }
    return out;
}

export function deepEqual(a: any, b: any): boolean {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
}

/** Top-level keys whose values differ (secret marks ignored), in a stable order. */
export function changedKeys(olds: PropertyMap, news: PropertyMap, skip: string[] = []): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    return [...keys]
        .filter((k) => !skip.includes(k))
        .filter((k) => !deepEqual(unwrapSecrets(olds[k]), unwrapSecrets(news[k])))
        .sort();
}

export function containsUnknown(v: any): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

/** Whether a changed top-level key matches a path's first segment ("*" matches all); see pathContains for the engine's rule. */
export function pathMatchesKey(path: string, key: string): boolean {
    if (path === "*") return true;
    const head = path.split(/[.[]/)[0].replace(/^"|"$/g, "");
    return head === key;
}

/**
 * Applies `ignoreChanges` paths: the old input value wins for each path (top-level and dotted object
 * paths; a missing old value removes the new one), as the engine does to the program's inputs before Check
 * (step_generator.go processIgnoreChanges) and again to the checked inputs when a diff has no answer
 * (diffResource). Never on a create, a targeted replace, or a replacement's re-Check.
 */
export function applyIgnoreChanges(news: PropertyMap, olds: PropertyMap, paths: string[]): PropertyMap {
    let result: PropertyMap = JSON.parse(JSON.stringify(news));
    for (const p of paths) {
        if (p === "*") {
            const keep = result.__provider;
            result = JSON.parse(JSON.stringify(olds));
            if (keep !== undefined) result.__provider = keep;
            continue;
        }
        const parts = p.split(".");
        let src: any = olds;
        let dst: any = result;
        for (let i = 0; i < parts.length - 1; i++) {
            src = src?.[parts[i]];
            if (dst[parts[i]] === null || typeof dst[parts[i]] !== "object") {
                if (src === undefined) { dst = undefined; break; }
                dst[parts[i]] = {};
            }
            dst = dst[parts[i]];
        }
        if (dst === undefined) continue;
        const last = parts[parts.length - 1];
        const oldValue = src?.[last];
        if (oldValue === undefined) delete dst[last];
        else dst[last] = JSON.parse(JSON.stringify(oldValue));
    }
    return result;
}

/** Renders a value for the human output: secrets as [secret], unknowns as [unknown]. */
export function display(v: any): string {
    const walk = (x: any): any => {
        if (isSecret(x)) return "[secret]";
        if (x === UNKNOWN) return "[unknown]";
        if (Array.isArray(x)) return x.map(walk);
        if (x !== null && typeof x === "object") {
            const o: PropertyMap = {};
            for (const [k, y] of Object.entries(x)) o[k] = walk(y);
            return o;
        }
        return x;
    };
    if (isSecret(v)) return "[secret]";
    return JSON.stringify(walk(v));
}

/** Replaces secrets by "[secret]" for machine-readable output. */
export function redact(v: any): any {
    if (isSecret(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(redact);
    if (v !== null && typeof v === "object") {
        const o: PropertyMap = {};
        for (const [k, y] of Object.entries(v)) o[k] = redact(y);
        return o;
    }
    return v;
}

/** One segment of a property path: a key, or an array index. */
export type PathSegment = string | number;

/**
 * Parses a property path as the engine's ParsePropertyPath reads `ignoreChanges`/`replaceOnChanges`
 * (sdk/go/common/resource/properties_path.go): `a.b`, `a[0]`, `a["b.c"]`, `*` (any key or index).
 */
export function parsePropertyPath(text: string): PathSegment[] {
    const out: PathSegment[] = [];
    let key = "";
    let i = 0;
    const flush = () => { if (key) out.push(key); key = ""; };
    while (i < text.length) {
        const c = text[i];
        if (c === ".") {
            flush();
            i++;
        } else if (c === "[") {
            flush();
            if (text[i + 1] === "\"") {
                let j = i + 2;
                let quoted = "";
                while (j < text.length && text[j] !== "\"") {
                    if (text[j] === "\\" && j + 1 < text.length) j++;
                    quoted += text[j++];
                }
                out.push(quoted);
                i = text.indexOf("]", j) + 1 || text.length;
            } else {
                const close = text.indexOf("]", i);
                const inner = text.slice(i + 1, close < 0 ? text.length : close);
                out.push(inner === "*" ? "*" : /^\d+$/.test(inner) ? Number(inner) : inner);
                i = close < 0 ? text.length : close + 1;
            }
        } else {
            key += c;
            i++;
        }
    }
    flush();
    return out;
}

/** Whether `pattern` contains `path`, as PropertyPath.Contains: a prefix of it, "*" matching any one segment. */
export function pathContains(pattern: PathSegment[], path: PathSegment[]): boolean {
    if (path.length < pattern.length) return false;
    return pattern.every((p, i) => p === "*" || p === path[i]);
}

/** A path in the engine's text form (PropertyPath.String): `a.b[0]`, `a["b.c"]`. */
export function formatPropertyPath(path: PathSegment[]): string {
    return path.map((s, i) => {
        if (typeof s === "number") return `[${s}]`;
        if (/^[A-Za-z0-9_]+$/.test(s)) return i === 0 ? s : `.${s}`;
        return `["${s.replace(/"/g, "\\\"")}"]`;
    }).join("");
}

const isPlainObject = (v: any) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The paths that differ between two property maps, as the engine's input diff (PropertyMap.Diff) turned into
 * a detailed diff (plugin.NewDetailedDiffFromObjectDiff): objects and arrays are descended into, anything else
 * that differs is one path. Secrets are compared by their values.
 */
export function detailedDiffPaths(olds: PropertyMap, news: PropertyMap): PathSegment[][] {
    const out: PathSegment[][] = [];
    const walk = (a: any, b: any, prefix: PathSegment[]) => {
        if (deepEqual(a, b)) return;
        if (isPlainObject(a) && isPlainObject(b)) {
            const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
            for (const k of [...keys].sort()) walk(a[k], b[k], [...prefix, k]);
        } else if (Array.isArray(a) && Array.isArray(b)) {
            for (let i = 0; i < Math.max(a.length, b.length); i++) {
                if (i >= a.length || i >= b.length) out.push([...prefix, i]);
                else walk(a[i], b[i], [...prefix, i]);
            }
        } else {
            out.push(prefix);
        }
    };
    walk(unwrapSecrets(olds), unwrapSecrets(news), []);
    return out;
}
