// Pulumi.yaml and stack configuration, read the way the CLI reads them.
import * as fs from "fs";
import * as path from "path";
import { yaml } from "./pulumi-modules";
import { readStackFile, stackCrypter, SymmetricCrypter } from "./config";

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Project {
    name: string;
    dir: string;
    /** Absolute path of the program (Pulumi.yaml `main`, else the project folder). */
    main: string;
    /** Whether `main` was given (else the runner may use the program's own package.json `main`). */
    explicitMain: boolean;
    typescript: boolean;
    /** Pulumi.yaml's `config:` block, short forms rewritten (workspace/project.go RewriteShorthandConfigValues). */
    config?: Record<string, ProjectConfigType>;
}

/** workspace/project.go ProjectConfigItemsType. */
export interface ProjectConfigItemsType {
    type: string;
    items?: ProjectConfigItemsType;
}

/** workspace/project.go ProjectConfigType: one key of Pulumi.yaml's `config:` block. */
export interface ProjectConfigType {
    type?: string;
    description?: string;
    items?: ProjectConfigItemsType;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

export function loadProject(cwd: string): Project {
    const dir = path.resolve(cwd);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) throw new Error(`no Pulumi.yaml in ${dir}: pass --cwd with the folder of a Pulumi project`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as any;
    if (typeof doc.name !== "string" || !doc.name) throw new Error(`${file}: "name" is required`);
    const runtime = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
    if (runtime !== "nodejs") {
        throw new Error(`${file}: runtime "${runtime}" is not supported; pulumi-local runs nodejs programs only`);
    }
    const main = typeof doc.main === "string" ? path.resolve(dir, doc.main) : dir;
    const tsOption = typeof doc.runtime === "object" ? doc.runtime?.options?.typescript : undefined;
    const config = projectConfig(doc, file);
    return { name: doc.name, dir, main, explicitMain: typeof doc.main === "string", typescript: tsOption !== false, config };
}

export interface StackConfig {
    /** Namespaced key (`project:key`, `aws:region`) to its string value (objects as JSON text). */
    values: Record<string, string>;
    secretKeys: string[];
}

// ---------------------------------------------------------------- config keys

/**
 * A config key as the CLI parses it: without a ":" it gets the project's namespace (cmd/pulumi/config/io.go
 * parseConfigKey, pkg/workspace/config.go parseConfigKey, workspace/loaders.go
 * stackConfigNamespacedWithProject), then config/key.go ParseKey: `ns:name`, or the old `ns:config:name`.
 */
export function parseKey(key: string, project: string): string {
    const full = key.includes(":") ? key : `${project}:${key}`;
    const parts = full.split(":");
    if (parts.length === 2) return full;
    if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "") return `${parts[0]}:${parts[2]}`;
    // config/key.go ParseKey.
    throw new Error(`could not parse ${full} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`);
}

/** A key without a namespace belongs to the project, as with `pulumi config set`. */
export function namespacedKey(key: string, project: string): string {
    return parseKey(key, project);
}

/** cmd/pulumi/config/io.go PrettyKeyForProject: the project's own keys without their namespace. */
export function prettyKey(key: string, project: string): string {
    return key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key;
}

/** Go's json.Marshal of a decoded YAML value: maps with sorted keys. */
export function goJson(v: unknown): string {
    const sort = (x: unknown): unknown => {
        if (Array.isArray(x)) return x.map(sort);
        if (x !== null && typeof x === "object") {
            const o: Record<string, unknown> = {};
            for (const k of Object.keys(x as object).sort()) o[k] = sort((x as any)[k]);
            return o;
        }
        return x;
    };
    return JSON.stringify(sort(v));
}

// ---------------------------------------------------------------- Pulumi.yaml `config:`

const SIMPLE_TYPES = ["string", "integer", "boolean", "array", "object"];
const DECLARATION_ATTRIBUTES = ["type", "items", "description", "secret", "default", "value"];

/** workspace/project.go isPrimitiveValue: string, int or bool. */
function isPrimitive(v: unknown): boolean {
    return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));
}

/** workspace/project.go configKeyIsNamespacedByProject. */
function namespacedByProject(project: string, key: string): boolean {
    return !key.includes(":") || key.startsWith(`${project}:`);
}

/**
 * Pulumi.yaml's `config:` block as workspace/loaders.go LoadProjectBytes reads it: checked against the
 * project schema (project.json `config`, `configTypeDeclaration`; the wording of these schema errors is
 * pulumi-local's, not the jsonschema library's), short forms rewritten (RewriteShorthandConfigValues: a
 * string, integer, boolean or list is the `default` of a project key, the `value` of another namespace's),
 * then Project.Validate's rules with its messages.
 */
function projectConfig(doc: any, file: string): Record<string, ProjectConfigType> {
    const raw = doc.config;
    if (raw === undefined || raw === null) return {};
    const schemaError = (where: string, msg: string) => new Error(`could not validate '${file}': #/config${where}: ${msg}`);
    if (typeof raw === "string" || typeof doc.stackConfigDir === "string") {
        // RewriteConfigPathIntoStackConfigDir: a string `config:` is the old spelling of stackConfigDir.
        throw new Error(`${file}: stackConfigDir (or a string "config") is not supported; pulumi-local reads Pulumi.<stack>.yaml beside Pulumi.yaml`);
    }
    if (typeof raw !== "object" || Array.isArray(raw)) throw schemaError("", "expected object, string or null");
    const name: string = doc.name;
    const out: Record<string, ProjectConfigType> = {};
    for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
        if (isPrimitive(v) || Array.isArray(v)) {
            out[key] = namespacedByProject(name, key) ? { default: v } : { value: v };
            continue;
        }
        if (v === null || typeof v !== "object") {
            throw schemaError(`/${key}`, "expected a string, integer, boolean, array or a config type declaration");
        }
        const decl = v as Record<string, unknown>;
        for (const attr of Object.keys(decl)) {
            if (!DECLARATION_ATTRIBUTES.includes(attr)) throw schemaError(`/${key}`, `additionalProperties '${attr}' not allowed`);
        }
        if (decl.type !== undefined && !SIMPLE_TYPES.includes(decl.type as string)) {
            throw schemaError(`/${key}/type`, `value must be one of ${SIMPLE_TYPES.map((t) => `"${t}"`).join(", ")}`);
        }
        if (decl.description !== undefined && typeof decl.description !== "string") throw schemaError(`/${key}/description`, "expected string");
        if (decl.secret !== undefined && typeof decl.secret !== "boolean") throw schemaError(`/${key}/secret`, "expected boolean");
        const items = (x: unknown, where: string): ProjectConfigItemsType => {
            if (x === null || typeof x !== "object" || typeof (x as any).type !== "string") throw schemaError(where, "missing properties: 'type'");
            const it = x as any;
            if (!SIMPLE_TYPES.includes(it.type)) throw schemaError(`${where}/type`, `value must be one of ${SIMPLE_TYPES.map((t) => `"${t}"`).join(", ")}`);
            if (it.type === "array" && it.items === undefined) throw schemaError(where, "missing properties: 'items'");
            return it.items === undefined ? { type: it.type } : { type: it.type, items: items(it.items, `${where}/items`) };
        };
        out[key] = {
            type: decl.type as string | undefined,
            description: decl.description as string | undefined,
            items: decl.items === undefined ? undefined : items(decl.items, `/${key}/items`),
            // Go's `any` fields: an explicit null is no default/value.
            default: decl.default ?? undefined,
            value: decl.value ?? undefined,
            secret: decl.secret === true,
        };
    }
    validateProjectConfig(name, out, file);
    return out;
}

/** workspace/project.go Project.Validate, the config part (wrapped as loaders.go LoadProjectBytes does). */
function validateProjectConfig(project: string, config: Record<string, ProjectConfigType>, file: string): void {
    const fail = (msg: string) => new Error(`could not unmarshal '${file}': ${msg}`);
    for (const key of Object.keys(config).sort()) {
        const t = config[key];
        if (t.default !== undefined && t.value !== undefined) {
            throw fail(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
        }
        if (namespacedByProject(project, key)) {
            if (t.type === "array" && t.items === undefined) {
                throw fail(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
            }
            if (t.type !== undefined && t.default !== undefined && !validateConfigValue(t.type, t.items, t.default)) {
                throw fail(`The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(t.type, t.items)}'`);
            }
        } else {
            if (t.type !== undefined) throw fail(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
            if (t.default !== undefined) {
                throw fail(`Configuration key '${key}' is not namespaced by the project and should not define a default value. ` +
                    "Did you mean to use the 'value' attribute instead of 'default'?");
            }
            if (t.value === undefined) throw fail(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
        }
    }
}

/** workspace/project.go InferFullTypeName. */
function inferFullTypeName(type: string, items?: ProjectConfigItemsType): string {
    return items ? `array<${inferFullTypeName(items.type, items.items)}>` : type;
}

/** workspace/project.go ValidateConfigValue. */
function validateConfigValue(type: string, items: ProjectConfigItemsType | undefined, value: unknown): boolean {
    switch (type) {
        case "string": return typeof value === "string";
        case "integer":
            if (typeof value === "number") return Number.isInteger(value);
            // strconv.Atoi
            return typeof value === "string" && /^[+-]?\d+$/.test(value) && Math.abs(Number(value)) <= 2 ** 63;
        case "boolean": return value === "true" || value === "false" || typeof value === "boolean";
        case "object": return value !== null && typeof value === "object" && !Array.isArray(value);
        default:
            if (!Array.isArray(value) || !items) return false;
            return value.every((x) => validateConfigValue(items.type, items.items, x));
    }
}

// ---------------------------------------------------------------- the stack's config

/** One config value as config.Value has it: its text (objects as JSON), whether it is secure, whether an object. */
export interface ConfigEntry {
    text: string;
    secure: boolean;
    object: boolean;
}

/** config/object.go isSecureValue: a map with the single key `secure` holding a string. */
export function isSecureValue(v: unknown): v is { secure: string } {
    return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as any).secure === "string";
}

function hasSecure(v: unknown): boolean {
    if (isSecureValue(v)) return true;
    if (Array.isArray(v)) return v.some(hasSecure);
    if (v !== null && typeof v === "object") return Object.values(v).some(hasSecure);
    return false;
}

function decryptLeaves(v: unknown, decrypt: (ciphertext: string) => string): unknown {
    if (isSecureValue(v)) return decrypt(v.secure);
    if (Array.isArray(v)) return v.map((x) => decryptLeaves(x, decrypt));
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decryptLeaves(x, decrypt)]));
    }
    return v;
}

/**
 * The stack file's values as config.Value reads them (config/object.go MarshalString): a string as is, a
 * number or boolean as its JSON text, a list or map as JSON (secure, if a `secure:` value is inside it),
 * `{secure: ...}` decrypted by `decrypt` (which may also blind it). `onlyKey`: that key alone.
 */
export function stackEntries(
    file: { config: Map<string, unknown> },
    decrypt: (ciphertext: string) => string,
    onlyKey?: string,
): Map<string, ConfigEntry> {
    const out = new Map<string, ConfigEntry>();
    for (const [key, raw] of file.config) {
        if (onlyKey !== undefined && key !== onlyKey) continue;
        if (isSecureValue(raw)) out.set(key, { text: decrypt(raw.secure), secure: true, object: false });
        else if (typeof raw === "string") out.set(key, { text: raw, secure: false, object: false });
        else if (typeof raw === "number" || typeof raw === "boolean") out.set(key, { text: JSON.stringify(raw), secure: false, object: false });
        else out.set(key, { text: goJson(decryptLeaves(raw ?? null, decrypt)), secure: hasSecure(raw), object: true });
    }
    return out;
}

/** pkg/workspace/config.go createConfigValue: a default or value of the project's config as a config value. */
function projectValue(v: unknown): ConfigEntry {
    if (isPrimitive(v)) return { text: String(v), secure: false, object: false };
    return { text: goJson(v), secure: false, object: true };
}

/**
 * pkg/workspace/config.go mergeConfig: each Pulumi.yaml `config:` key the stack lacks gets its `default` or
 * `value`; with `validate` (ValidateStackConfigAndApplyProjectConfig, the commands that run the program) a
 * project key with neither is missing (missingStackConfigurationKeysError, all of them in one message), and
 * then every explicitly typed key is checked (validateStackConfigValues, validateStackConfigValue: secret
 * keys must be secure, values of their type). Throws the CLI's message.
 */
export function applyProjectConfig(project: Project, stack: string, entries: Map<string, ConfigEntry>, validate: boolean): void {
    const config = project.config ?? {};
    const keys = Object.keys(config).sort();
    const missing: string[] = [];
    for (const k of keys) {
        const t = config[k];
        const key = parseKey(k, project.name);
        if (entries.has(key)) continue;
        if (t.value === undefined && t.default === undefined) {
            if (key.startsWith(`${project.name}:`)) missing.push(k);
            continue;
        }
        entries.set(key, projectValue(t.default !== undefined ? t.default : t.value));
    }
    if (!validate) return;
    if (missing.length > 0) {
        // config.go formatMissingKeys: 'a', or 'a' and 'b', or 'a', 'b' and 'c' (sorted).
        const quoted = [...missing].sort().map((m) => `'${m}'`);
        const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
        throw new Error(`Stack '${stack}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${list}`);
    }
    for (const k of keys) {
        const t = config[k];
        if (t.type === undefined) continue;
        const entry = entries.get(parseKey(k, project.name));
        if (!entry) continue;
        if (t.secret && !entry.secure) throw new Error(`Stack '${stack}' with configuration key '${k}' must be encrypted as it's secret`);
        const content = entry.object ? JSON.parse(entry.text) : entry.text;
        if (!validateConfigValue(t.type, t.items, content)) {
            throw new Error(`Stack '${stack}' with configuration key '${k}' must be of type '${inferFullTypeName(t.type, t.items)}'`);
        }
    }
}

export interface LoadConfigOptions {
    /** Where PULUMI_CONFIG_PASSPHRASE(_FILE) is looked up. Default: process.env. */
    env?: NodeJS.ProcessEnv;
    /** Check required keys and types (the CLI does for the commands that run the program). Default: true. */
    validate?: boolean;
}

/**
 * Builds the stack config as `pulumi up` does before it runs the program (operations/up.go:
 * cmdConfig.GetStackConfiguration, then pkgWorkspace.ValidateStackConfigAndApplyProjectConfig):
 * `Pulumi.<stack>.yaml`'s `config:` block (secure values decrypted with the passphrase and kept secret),
 * `--config` and `--secret-config` values over it, then the project's `config:` defaults and checks.
 * A stack file with an `encryptionsalt` needs the passphrase whether or not a value is secure, as the CLI
 * makes the secrets manager first (config/io.go getAndSaveSecretsManager).
 */
export function loadConfig(
    project: Project,
    stack: string,
    config: Record<string, string> = {},
    secretConfig: Record<string, string> = {},
    options: LoadConfigOptions = {},
): StackConfig {
    const env = options.env ?? process.env;
    const validate = options.validate ?? true;
    const file = readStackFile(project, stack);
    let crypter: SymmetricCrypter | undefined;
    try {
        crypter = stackCrypter(file, env);
    } catch (e: any) {
        // operations/up.go "getting stack configuration: %w", config/io.go "get stack secrets manager: %w".
        throw new Error(`getting stack configuration: get stack secrets manager: ${e.message}`);
    }
    let entries: Map<string, ConfigEntry>;
    try {
        entries = stackEntries(file, (ciphertext) => {
            if (!crypter) throw new Error(`${file.path} has a secure value but no encryptionsalt to decrypt it with`);
            return crypter.decrypt(ciphertext);
        });
    } catch (e: any) {
        // pkg/workspace/config.go validateStackConfigValues decrypts first (under "validating stack config: ");
        // without validation the engine does (deploy/source_eval.go Iterate "failed to decrypt config: %w").
        throw new Error(`${validate ? "validating stack config" : "failed to decrypt config"}: ${e.message}`);
    }
    for (const [k, v] of Object.entries(config)) entries.set(parseKey(k, project.name), { text: v, secure: false, object: false });
    for (const [k, v] of Object.entries(secretConfig)) entries.set(parseKey(k, project.name), { text: v, secure: true, object: false });
    try {
        applyProjectConfig(project, stack, entries, validate);
    } catch (e: any) {
        // operations/up.go (and preview.go, refresh.go, destroy.go): "validating stack config: %w".
        throw new Error(`${validate ? "validating" : "applying"} stack config: ${e.message}`);
    }
    const values: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [k, e] of entries) {
        values[k] = e.text;
        if (e.secure) secrets.push(k);
    }
    return { values, secretKeys: secrets.sort() };
}
