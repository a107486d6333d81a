// What the CLI prints, as pulumi/pulumi prints it: check failures as the step generator words them, and the
// `--diff` view's property diffs (pkg/backend/display/object_diff.go). No ANSI colour: the CLI colours only an
// interactive terminal (sdk/go/common/util/cmdutil/diag.go GetGlobalColorization: NO_COLOR set, or stdout or
// stdin not a terminal, gives colors.Never), and this tool prints no colour at all.
import { deepEqual, isSecret, PropertyMap, SECRET_SIG, SIG_KEY, UNKNOWN, unwrapSecrets } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any */

// ---------------------------------------------------------------- Go's fmt, as the engine's messages use it

/**
 * A float64 as Go's `%v` (and `%g`) prints it: the shortest digits, in exponent form when the exponent is
 * below -4 or at least 6 (strconv/ftoa.go: `if shortest { eprec = 6 }`), e.g. 100, 0.5, 1e+06, 1.5e-07.
 */
export function goFloat(n: number): string {
    if (Number.isNaN(n)) return "NaN";
    if (n === Infinity) return "+Inf";
    if (n === -Infinity) return "-Inf";
    if (n === 0) return Object.is(n, -0) ? "-0" : "0";
    const [mantissa, expText] = n.toExponential().split("e");
    const exp = Number(expText);
    if (exp < -4 || exp >= 6) {
        return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    }
    return String(n);
}

/** A string as Go's `%q` (strconv.Quote) writes it, for the characters a property value holds in practice. */
export function goQuote(s: string): string {
    let out = "\"";
    for (const ch of s) {
        const c = ch.codePointAt(0)!;
        if (ch === "\"") out += "\\\"";
        else if (ch === "\\") out += "\\\\";
        else if (ch === "\n") out += "\\n";
        else if (ch === "\r") out += "\\r";
        else if (ch === "\t") out += "\\t";
        else if (c === 7) out += "\\a";
        else if (c === 8) out += "\\b";
        else if (c === 12) out += "\\f";
        else if (c === 11) out += "\\v";
        else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
        else if (c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${c.toString(16).padStart(4, "0")}`;
        else out += ch;
    }
    return out + "\"";
}

const isPlainObject = (v: any) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * A property value as the engine formats it with `%v` (sdk/go/common/resource/properties.go
 * PropertyValue.String): `{<v>}` with Go's fmt of the underlying value, so `{abc}`, `{100}`, `{true}`,
 * `{<nil>}` for null or a key the inputs do not have, `{[{a} {b}]}` for an array, `{map[k:{v}]}` for an
 * object (keys sorted, as fmt prints maps), `output<string>{}` for an unknown.
 *
 * A secret is a *Secret, which fmt prints as `&{{<plaintext>}}`: the engine then replaces the plaintext by
 * `[secret]` only when it is the value of a secret config key (pkg/engine/events.go diagEvent ->
 * logging.FilterString, fed by AddGlobalSecretFilter). Here every secret reads `{&{{[secret]}}}`, never its
 * plaintext, a secret made in the program too (where the real engine would print it).
 */
export function engineValueString(v: any): string {
    if (v === UNKNOWN) return "output<string>{}";
    return `{${goFmt(v)}}`;
}

function goFmt(v: any): string {
    if (v === undefined || v === null) return "<nil>";
    if (isSecret(v)) return "&{{[secret]}}";
    if (typeof v === "string") return v;
    if (typeof v === "number") return goFloat(v);
    if (typeof v === "boolean") return String(v);
    if (Array.isArray(v)) return `[${v.map(engineValueString).join(" ")}]`;
    if (isPlainObject(v)) {
        const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
        return `map[${keys.map((k) => `${k}:${engineValueString(v[k])}`).join(" ")}]`;
    }
    return String(v);
}

/**
 * A check failure as the engine reports it (pkg/resource/deploy/step_generator.go issueCheckFailures, with
 * sdk/go/common/diag/errors.go GetResourcePropertyInvalidValueError (2003) and GetResourceInvalidError (2002)):
 * `<type> resource '<name>': property <p> value <v> has a problem: <reason>`, the value looked up by the
 * failure's property as a top-level key of the resource's inputs (so a nested path such as `a[0].b` reads
 * `{<nil>}`), or `<type> resource '<name>' has a problem: <reason>` when the failure names no property.
 */
export function checkFailureMessage(type: string, name: string, failure: { property: string; reason: string }, inputs: PropertyMap): string {
    if (!failure.property) return `${type} resource '${name}' has a problem: ${failure.reason}`;
    const value = Object.prototype.hasOwnProperty.call(inputs, failure.property) ? inputs[failure.property] : undefined;
    return `${type} resource '${name}': property ${failure.property} value ${engineValueString(value)} has a problem: ${failure.reason}`;
}

// ---------------------------------------------------------------- redaction for the --diff view

/** A secret in a step's recorded inputs: Pulumi's secret signature, its value removed. */
const REDACTED = () => ({ [SIG_KEY]: SECRET_SIG });

/**
 * The old and new inputs of a step with every secret's value removed (each secret becomes the bare secret
 * signature, which the diff view prints as `[secret]`). A secret whose value changed is marked `changed` on
 * the new side, so that the diff still shows `[secret] => [secret]` as the engine (which compares the
 * plaintexts, PropertyValue.DeepEquals) does.
 */
export function redactInputs(olds: PropertyMap | undefined, news: PropertyMap | undefined): { oldInputs?: PropertyMap; newInputs?: PropertyMap } {
    const walk = (v: any, other: any, newSide: boolean): any => {
        if (isSecret(v)) {
            const changed = newSide && isSecret(other) && !deepEqual(unwrapSecrets(v), unwrapSecrets(other));
            return changed ? { ...REDACTED(), changed: true } : REDACTED();
        }
        if (Array.isArray(v)) return v.map((x, i) => walk(x, Array.isArray(other) ? other[i] : undefined, newSide));
        if (isPlainObject(v)) {
            const o: PropertyMap = {};
            for (const [k, x] of Object.entries(v)) {
                if (x !== undefined) o[k] = walk(x, isPlainObject(other) ? other[k] : undefined, newSide);
            }
            return o;
        }
        return v;
    };
    return {
        ...(olds ? { oldInputs: walk(olds, news, false) } : {}),
        ...(news ? { newInputs: walk(news, olds, true) } : {}),
    };
}

// ---------------------------------------------------------------- the --diff view (object_diff.go)

/** deploy.RawPrefix (pkg/resource/deploy/step.go). */
export const RAW_PREFIX: Record<string, string> = {
    "same": "  ", "create": "+ ", "delete": "- ", "update": "~ ", "replace": "+-", "create-replacement": "++",
    "delete-replaced": "--", "read": "> ", "refresh": "~ ",
};

/** getIndentationString: four spaces a level; with a prefix, its last two replaced by the op's prefix. */
function indentation(indent: number, op: string, prefix: boolean): string {
    const result = "    ".repeat(indent);
    if (!prefix || result === "") return result;
    return result.slice(0, -2) + (RAW_PREFIX[op] ?? "  ");
}

/** resource.IsInternalPropertyKey: keys starting with `__` are never shown. */
const isInternal = (k: string) => k.startsWith("__");

/** shouldPrintPropertyValue: nulls, empty strings, arrays and objects are not worth a line. */
function worthPrinting(v: any): boolean {
    if (v === null || v === undefined) return false;
    if (v === "") return false;
    if (Array.isArray(v) && v.length === 0) return false;
    if (isPlainObject(v) && !isSecret(v) && Object.keys(v).length === 0) return false;
    return true;
}

const isPrimitive = (v: any) => v === null || v === undefined || typeof v !== "object" || isSecret(v);

/** decodeValue's JSON case: a string holding a JSON object or array is shown decoded, as `(json) ...`. */
function decodeJson(s: string): any {
    const t = s.trim();
    if (!t.startsWith("{") && !t.startsWith("[")) return undefined;
    try {
        const v = JSON.parse(t);
        return v !== null && typeof v === "object" ? v : undefined;
    } catch {
        return undefined;
    }
}

class Printer {
    constructor(readonly indent: number, readonly op: string, readonly prefix: boolean, readonly write: (s: string) => void) {}
    indented(n: number) { return new Printer(this.indent + n, this.op, this.prefix, this.write); }
    withOp(op: string) { return new Printer(this.indent, op, this.prefix, this.write); }
    withPrefix(p: boolean) { return new Printer(this.indent, this.op, p, this.write); }
    writeIndented(s: string) { this.write(indentation(this.indent, this.op, this.prefix) + s); }
    writeUnprefixedIndented(s: string) { this.write(indentation(this.indent, this.op, false) + s); }
    title(name: string, align: number) { this.writeIndented(`${name.padEnd(align)}: `); }

    /** printPrimitivePropertyValue */
    primitive(v: any): void {
        if (v === null || v === undefined) this.write("<null>");
        else if (isSecret(v)) this.write("[secret]");
        else if (v === UNKNOWN) this.write("[unknown]");
        else if (typeof v === "boolean") this.write(String(v));
        else if (typeof v === "number") this.write(Number.isInteger(v) ? BigInt(v).toString() : goFloat(v));
        else if (typeof v === "string") {
            const decoded = decodeJson(v);
            if (decoded !== undefined) {
                this.write("(json) ");
                this.value(decoded);
                return;
            }
            this.write(goQuote(v));
        } else this.write(String(v));
    }

    /** printPropertyValue: the value, then a newline. */
    value(v: any): void {
        this.valueRecurse(v);
        this.write("\n");
    }

    private valueRecurse(v: any): void {
        if (isPrimitive(v)) {
            this.primitive(v);
        } else if (Array.isArray(v)) {
            if (v.length === 0) {
                this.write("[]");
                return;
            }
            this.write("[\n");
            v.forEach((elem, i) => {
                this.writeIndented(`    [${i}]: `);
                this.indented(1).value(elem);
            });
            this.writeUnprefixedIndented("]");
        } else {
            if (Object.keys(v).length === 0) {
                this.write("{}");
                return;
            }
            this.write("{\n");
            this.indented(1).object(v);
            this.writeUnprefixedIndented("}");
        }
    }

    /** printObject: every key but internal ones, aligned on the longest key (internal ones counted). */
    object(props: PropertyMap): void {
        const keys = Object.keys(props).filter((k) => props[k] !== undefined).sort();
        const align = Math.max(0, ...keys.map((k) => k.length));
        for (const k of keys) {
            if (isInternal(k)) continue;
            this.title(k, align);
            this.value(props[k]);
        }
    }

    printAdd(v: any, title: (p: Printer) => void) {
        const p = this.withOp("create").withPrefix(true);
        title(p);
        p.value(v);
    }

    printDelete(v: any, title: (p: Printer) => void) {
        const p = this.withOp("delete").withPrefix(true);
        title(p);
        p.value(v);
    }

    /** printObjectDiff over PropertyMap.Diff (properties_diff.go): adds, deletes, updates, and sames shown plain. */
    objectDiff(olds: PropertyMap, news: PropertyMap): void {
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])]
            .filter((k) => !isInternal(k) && (has(olds, k) || has(news, k)))
            .sort();
        const align = Math.max(0, ...keys.map((k) => k.length));
        for (const k of keys) {
            const title = (p: Printer) => p.title(k, align);
            const o = olds[k];
            const n = news[k];
            if (has(olds, k) && has(news, k) && !sameValue(o, n)) {
                if (o === null) this.printAdd(n, title);
                else if (n === null) this.printDelete(o, title);
                else this.valueDiff(title, o, n);
            } else if (!has(news, k)) {
                if (o !== null) this.printDelete(o, title);
            } else if (!has(olds, k)) {
                if (n !== null) this.printAdd(n, title);
            } else if (worthPrinting(o)) {
                const p = this.withOp("same").withPrefix(false);
                p.title(k, align);
                p.value(o);
            }
        }
    }

    /** printPropertyValueDiff */
    valueDiff(title: (p: Printer) => void, o: any, n: any): void {
        const p = this.withOp("update").withPrefix(true);
        if (Array.isArray(o) && Array.isArray(n)) {
            title(p);
            p.write("[\n");
            for (let i = 0; i < Math.max(o.length, n.length); i++) {
                const elem = p.indented(2);
                const elemTitle = (q: Printer) => q.indented(-1).writeIndented(`[${i}]: `);
                if (i >= o.length) elem.printAdd(n[i], elemTitle);
                else if (i >= n.length) elem.printDelete(o[i], elemTitle);
                else if (!sameValue(o[i], n[i])) elem.valueDiff(elemTitle, o[i], n[i]);
                else {
                    const same = elem.withOp("same").withPrefix(false);
                    elemTitle(same);
                    same.value(o[i]);
                }
            }
            p.writeUnprefixedIndented("]\n");
            return;
        }
        if (isPlainObject(o) && isPlainObject(n) && !isSecret(o) && !isSecret(n)) {
            title(p);
            p.write("{\n");
            p.indented(1).objectDiff(o, n);
            p.writeUnprefixedIndented("}\n");
            return;
        }
        const printOld = worthPrinting(o);
        const printNew = worthPrinting(n);
        if (printOld && printNew && isPrimitive(o) && isPrimitive(n)) {
            title(p);
            if (typeof o === "string" && typeof n === "string" && o !== UNKNOWN && n !== UNKNOWN) {
                // printTextDiff: a JSON text on both sides is diffed decoded; a single-line text reads
                // "old" => "new" (printCharacterDiff, whose colours mark the characters that changed).
                const od = decodeJson(o);
                const nd = decodeJson(n);
                if (od !== undefined && nd !== undefined && !deepEqual(od, nd)) {
                    p.write("(json) ");
                    p.valueDiff(() => undefined, od, nd);
                    return;
                }
                p.write(`${goQuote(o)} => ${goQuote(n)}\n`);
                return;
            }
            p.withOp("delete").primitive(o);
            p.write(" => ");
            p.withOp("create").primitive(n);
            p.write("\n");
            return;
        }
        if (printOld) p.printDelete(o, title);
        if (printNew) p.printAdd(n, title);
    }
}

const has = (m: PropertyMap, k: string) => Object.prototype.hasOwnProperty.call(m, k) && m[k] !== undefined;

/** DeepEquals over recorded inputs: a redacted secret marked `changed` differs from its old copy. */
function sameValue(a: any, b: any): boolean {
    if (isSecret(a) && isSecret(b)) return !b.changed && !a.changed;
    return deepEqual(a, b);
}

export interface DiffStep {
    urn: string;
    type: string;
    op: string;
    id?: string;
    oldInputs?: PropertyMap;
    newInputs?: PropertyMap;
}

/**
 * One resource of the `--diff` view, as display/diff.go renderDiff: getResourcePropertiesSummary (the op's
 * prefix, `<type>: (<op>)`, then `[id=...]` and `[urn=...]` one level in; the default provider is not shown)
 * and getResourcePropertiesDetails: a create prints its inputs, a delete its old inputs, an update or a
 * replace the diff of old and new inputs (printOldNewDiffs: `~ key: "old" => "new"`, `+ key: ...` added,
 * `- key: ...` removed, unchanged keys plain), each key aligned on the longest one.
 */
export function renderDiffStep(step: DiffStep, indent: number): string {
    let text = "";
    const write = (s: string) => { text += s; };
    const simpleOp = ["create", "delete", "delete-replaced"].includes(step.op) ? step.op : "same";
    write(indentation(indent, step.op, false) + (RAW_PREFIX[step.op] ?? "  ") + `${step.type}: (${step.op})\n`);
    if (step.id) write(indentation(indent + 1, simpleOp, false) + `[id=${step.id}]\n`);
    write(indentation(indent + 1, simpleOp, false) + `[urn=${step.urn}]\n`);
    const p = new Printer(indent + 1, step.op, false, write);
    if (step.op === "same" || step.op === "refresh" || step.op === "read") return text;
    if (!step.oldInputs && step.newInputs) p.object(step.newInputs);
    else if (step.oldInputs && !step.newInputs) p.object(step.oldInputs);
    else if (step.oldInputs && step.newInputs) {
        const changed = Object.keys({ ...step.oldInputs, ...step.newInputs })
            .some((k) => !isInternal(k) && !sameValue(step.oldInputs![k], step.newInputs![k]));
        const d = p.withPrefix(true);
        if (changed) d.objectDiff(step.oldInputs, step.newInputs);
        else d.withOp("same").object(step.newInputs);
    }
    return text;
}
