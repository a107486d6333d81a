// Stack configuration as the Pulumi CLI keeps it: the passphrase secrets provider (the `encryptionsalt` of
// Pulumi.<stack>.yaml and its `secure: v1:...` values), reading and writing that file, and the
// `pulumi-local config [set|get|rm]` command (pkg/cmd/pulumi/config/config.go).
//
// The ciphertext is the CLI's own, byte for byte in layout and algorithm (so a stack file written here
// decrypts under the real CLI with the same passphrase, and the other way round):
// - the key is PBKDF2-SHA256 of the passphrase, 1,000,000 iterations, 32 bytes, over an 8-byte random salt
//   (sdk/go/common/resource/config/crypt.go NewSymmetricCrypterFromPassphrase; pkg/secrets/passphrase/
//   manager.go NewPassphraseSecretsManager);
// - a value is AES-256-GCM with a random 12-byte nonce, written `v1:<base64 nonce>:<base64 ciphertext+tag>`
//   (crypt.go symmetricCrypter.EncryptValue, encryptAES256GCGM);
// - `encryptionsalt` is `v1:<base64 salt>:` followed by the encryption of "pulumi", which tells a wrong
//   passphrase (manager.go NewPassphraseSecretsManager, symmetricCrypterFromPhraseAndState).
// Not reproduced: the file's comments and quoting style (the CLI edits the YAML in place, keeping comments,
// yamlutil.Edit; here the file is re-dumped, keeping key order but not comments); `--path`; `--config-file`;
// the "looks like a secret" refusal of a plaintext `config set` (config.go looksLikeSecret, an entropy
// estimate); prompting (pulumi-local never prompts); other secrets providers.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { yaml } from "./pulumi-modules";
import { applyProjectConfig, ConfigEntry, loadProject, parseKey, prettyKey, Project, stackEntries } from "./project";

/* eslint-disable @typescript-eslint/no-explicit-any */
const dumpYaml: (v: unknown, opts?: Record<string, unknown>) => string = (yaml as any).dump;

// ---------------------------------------------------------------- the passphrase secrets provider

const ITERATIONS = 1_000_000;
const KEY_BYTES = 32;

/** What the CLI says when it has no passphrase and cannot prompt (passphrase/manager.go readPassphrase). */
export const PASSPHRASE_MISSING =
    "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables";
/** passphrase/manager.go ErrIncorrectPassphrase. */
export const INCORRECT_PASSPHRASE = "incorrect passphrase";

/** Derived keys by passphrase and salt: the derivation takes ~0.2 s, and an `up` loads the config twice. */
const keyCache = new Map<string, Buffer>();

function deriveKey(phrase: string, salt: Buffer): Buffer {
    const id = `${salt.toString("base64")}\0${phrase}`;
    let key = keyCache.get(id);
    if (!key) {
        key = crypto.pbkdf2Sync(Buffer.from(phrase, "utf8"), salt, ITERATIONS, KEY_BYTES, "sha256");
        keyCache.set(id, key);
    }
    return key;
}

/** Go's base64.StdEncoding is strict where Buffer.from is lenient. */
function strictBase64(text: string): Buffer {
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
        throw new Error("illegal base64 data");
    }
    return Buffer.from(text, "base64");
}

export class SymmetricCrypter {
    constructor(private readonly key: Buffer) {}

    /** crypt.go symmetricCrypter.EncryptValue. */
    encrypt(plaintext: string): string {
        const nonce = crypto.randomBytes(12);
        const cipher = crypto.createCipheriv("aes-256-gcm", this.key, nonce);
        const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
        return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
    }

    /** crypt.go symmetricCrypter.DecryptValue, with its messages. */
    decrypt(value: string): string {
        const parts = value.split(":");
        if (parts.length !== 3) throw new Error("bad value");
        if (parts[0] !== "v1") throw new Error("unknown value version");
        let nonce: Buffer;
        let sealed: Buffer;
        try {
            nonce = strictBase64(parts[1]);
            sealed = strictBase64(parts[2]);
        } catch (e: any) {
            throw new Error(`bad value: ${e.message}`);
        }
        if (nonce.length !== 12) throw new Error("bad value: nonce size is incorrect");
        if (sealed.length < 16) throw new Error("cipher: message authentication failed");
        try {
            const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, nonce);
            decipher.setAuthTag(sealed.subarray(sealed.length - 16));
            return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString("utf8");
        } catch {
            // Go's crypto/cipher errOpen.
            throw new Error("cipher: message authentication failed");
        }
    }
}

/**
 * The passphrase as passphrase/manager.go readPassphrase finds it: PULUMI_CONFIG_PASSPHRASE if set (even
 * empty), else the trimmed contents of PULUMI_CONFIG_PASSPHRASE_FILE; never a prompt.
 */
export function readPassphrase(env: NodeJS.ProcessEnv): string {
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
    const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
    if (file) {
        try {
            return fs.readFileSync(path.resolve(file), "utf8").trim();
        } catch (e: any) {
            throw new Error(`unable to read PULUMI_CONFIG_PASSPHRASE_FILE: ${e.message}`);
        }
    }
    throw new Error(PASSPHRASE_MISSING);
}

/** passphrase/manager.go symmetricCrypterFromPhraseAndState: the salt, and the check that the phrase is right. */
export function crypterFromState(phrase: string, state: string): SymmetricCrypter {
    const first = state.indexOf(":");
    const second = first < 0 ? -1 : state.indexOf(":", first + 1);
    if (second < 0) throw new Error("malformed state value");
    if (state.slice(0, first) !== "v1") throw new Error("unknown state version");
    let salt: Buffer;
    try {
        salt = strictBase64(state.slice(first + 1, second));
    } catch (e: any) {
        throw new Error(e.message);
    }
    const crypter = new SymmetricCrypter(deriveKey(phrase, salt));
    let check: string | undefined;
    try {
        check = crypter.decrypt(state.slice(second + 1));
    } catch {
        check = undefined;
    }
    if (check !== "pulumi") throw new Error(INCORRECT_PASSPHRASE);
    return crypter;
}

/** passphrase/manager.go NewPassphraseSecretsManager: a new 8-byte salt and the state to keep in `encryptionsalt`. */
export function newPassphraseState(phrase: string): { state: string; crypter: SymmetricCrypter } {
    const salt = crypto.randomBytes(8);
    const crypter = new SymmetricCrypter(deriveKey(phrase, salt));
    return { state: `v1:${salt.toString("base64")}:${crypter.encrypt("pulumi")}`, crypter };
}

// ---------------------------------------------------------------- Pulumi.<stack>.yaml

export interface StackFile {
    path: string;
    exists: boolean;
    /** The top-level keys the CLI's ProjectStack knows, as read (workspace/project.go ProjectStack). */
    doc: Record<string, unknown>;
    /** The `config:` keys as written in the file, in file order (some may lack the project namespace). */
    rawKeys: string[];
    /** Namespaced key to its YAML value (`{secure: ...}` for an encrypted one), in file order. */
    config: Map<string, unknown>;
}

/** The ProjectStack fields, in the order the CLI writes them (workspace/project.go ProjectStack). */
const STACK_FIELDS = ["secretsprovider", "encryptedkey", "encryptionsalt", "config", "environment"];

export function stackFilePath(project: Project, stack: string): string {
    return path.join(project.dir, `Pulumi.${stack}.yaml`);
}

/**
 * Reads Pulumi.<stack>.yaml as workspace/loaders.go LoadProjectStackBytes does: a missing or empty file is
 * an empty config; keys without a namespace get the project's (stackConfigNamespacedWithProject).
 */
export function readStackFile(project: Project, stack: string): StackFile {
    const file = stackFilePath(project, stack);
    const out: StackFile = { path: file, exists: fs.existsSync(file), doc: {}, rawKeys: [], config: new Map() };
    if (!out.exists) return out;
    const doc = yaml.load(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "")) as any;
    if (doc === null || doc === undefined) return out;
    if (typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${file}: expected a mapping`);
    for (const k of Object.keys(doc)) if (STACK_FIELDS.includes(k)) out.doc[k] = doc[k];
    const provider = doc.secretsprovider;
    if (provider && provider !== "passphrase" && provider !== "default") {
        throw new Error(`${file}: secretsprovider "${provider}" is not supported; pulumi-local has the passphrase provider only`);
    }
    const config = doc.config ?? {};
    if (typeof config !== "object" || Array.isArray(config)) throw new Error(`${file}: "config" must be a mapping`);
    for (const [k, v] of Object.entries(config)) {
        out.rawKeys.push(k);
        out.config.set(parseKey(k, project.name), v);
    }
    return out;
}

/**
 * Writes the stack file back as cmd/pulumi/stack/io.go SaveProjectStack -> ProjectStack.Save does through
 * yamlutil.Edit: keys already in the file keep their place, new ones come after them sorted (a key read
 * without its namespace is rewritten with it, at the end); ProjectStack's fields only; `{}` when empty.
 */
export function writeStackFile(file: StackFile, encryptionSalt?: string): void {
    const configOut: Record<string, unknown> = {};
    for (const k of file.rawKeys) if (file.config.has(k)) configOut[k] = file.config.get(k);
    for (const k of [...file.config.keys()].filter((x) => !(x in configOut)).sort()) configOut[k] = file.config.get(k);
    const fields: Record<string, unknown> = { ...file.doc };
    if (encryptionSalt !== undefined) fields.encryptionsalt = encryptionSalt;
    fields.config = Object.keys(configOut).length > 0 ? configOut : undefined;
    const order = [...Object.keys(file.doc), ...STACK_FIELDS.filter((k) => !(k in file.doc))];
    const doc: Record<string, unknown> = {};
    for (const k of order) {
        const v = fields[k];
        if (v !== undefined && v !== null && v !== "") doc[k] = v;
    }
    const text = Object.keys(doc).length === 0 ? "{}\n" : dumpYaml(doc, { lineWidth: -1, noRefs: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file.path);
}

/** The crypter of a stack file's `encryptionsalt`, or undefined when it has none. */
export function stackCrypter(file: StackFile, env: NodeJS.ProcessEnv): SymmetricCrypter | undefined {
    const salt = file.doc.encryptionsalt;
    if (typeof salt !== "string" || salt === "") return undefined;
    return crypterFromState(readPassphrase(env), salt);
}

// ---------------------------------------------------------------- the `config` command

export const CONFIG_USAGE = [
    "usage: pulumi-local config [--stack NAME] [--cwd DIR] [--show-secrets] [--json]     list the stack's config",
    "       pulumi-local config set [--secret|--plaintext] [--type string|int|bool|float] [--stack NAME] [--cwd DIR] KEY [--] VALUE",
    "       pulumi-local config get [--stack NAME] [--cwd DIR] [--json] KEY",
    "       pulumi-local config rm [--stack NAME] [--cwd DIR] KEY",
].join("\n");

const CONFIG_HELP = `${CONFIG_USAGE}

Reads and writes <cwd>/Pulumi.<stack>.yaml (stack "dev" unless --stack) as \`pulumi config\` does. A KEY without
a namespace gets the project's. \`set --secret\` stores the value encrypted with the passphrase in
PULUMI_CONFIG_PASSPHRASE (or the file named by PULUMI_CONFIG_PASSPHRASE_FILE), creating the stack's
encryptionsalt on first use; \`get\` decrypts it; the listing shows [secret] unless --show-secrets.
Values from the project's Pulumi.yaml \`config:\` block (defaults) are listed and got too.
`;

/** A request for help: main() prints `text` on stdout and exits 0. */
export class HelpRequested extends Error {
    constructor(readonly text: string) {
        super(text);
    }
}

/** A wrong command line: printed on stderr with exit code 2. */
export class UsageError extends Error {}

interface ConfigArgs {
    sub: "list" | "set" | "get" | "rm";
    cwd: string;
    stack: string;
    secret: boolean;
    plaintext: boolean;
    type?: string;
    json: boolean;
    showSecrets: boolean;
    positional: string[];
}

/** Whether the first command word of argv is `config` (flags and their values skipped). */
export function isConfigCommand(argv: string[]): boolean {
    const withValue = new Set(["--cwd", "-C", "--stack", "-s", "--type"]);
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--") return false;
        if (a.startsWith("-")) {
            if (withValue.has(a)) i++;
            continue;
        }
        return a === "config";
    }
    return false;
}

export function parseConfigArgs(argv: string[]): ConfigArgs {
    const out: ConfigArgs = {
        sub: "list", cwd: process.cwd(), stack: "dev", secret: false, plaintext: false, json: false, showSecrets: false, positional: [],
    };
    const words: string[] = [];
    let help = false;
    let rest = false;
    const fail = (m: string) => new UsageError(`${m}\n${CONFIG_USAGE}`);
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (rest || !a.startsWith("-") || a === "-") { words.push(a); continue; }
        if (a === "--") { rest = true; continue; }
        const eq = a.startsWith("--") ? a.indexOf("=") : -1;
        const flag = eq > 0 ? a.slice(0, eq) : a;
        const take = (): string => {
            if (eq > 0) return a.slice(eq + 1);
            const v = argv[++i];
            if (v === undefined) throw fail(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--cwd": case "-C": out.cwd = take(); break;
            case "--stack": case "-s": out.stack = take(); break;
            case "--secret": out.secret = true; break;
            case "--plaintext": out.plaintext = true; break;
            case "--type": out.type = take(); break;
            case "--json": case "-j": out.json = true; break;
            case "--show-secrets": out.showSecrets = true; break;
            case "--help": case "-h": help = true; break;
            case "--path": throw fail("--path is not supported by pulumi-local config");
            default: throw fail(`unknown flag ${a}`);
        }
    }
    // words[0] is "config"
    const sub = words[1];
    const subs: Record<string, ConfigArgs["sub"]> = { set: "set", get: "get", rm: "rm", remove: "rm", delete: "rm" };
    if (sub !== undefined && !(sub in subs)) {
        if (help) throw new HelpRequested(CONFIG_HELP);
        throw fail(`unknown config command "${sub}"`);
    }
    out.sub = sub === undefined ? "list" : subs[sub];
    if (help) throw new HelpRequested(CONFIG_HELP);
    out.positional = words.slice(2);
    const n = out.positional.length;
    if (out.sub === "list" && n > 0) throw fail(`unexpected argument "${out.positional[0]}"`);
    if ((out.sub === "get" || out.sub === "rm") && n !== 1) throw fail(`config ${out.sub} takes one KEY`);
    if (out.sub === "set") {
        // config.go newConfigSetCmd: --secret, --plaintext and --type are mutually exclusive.
        if ([out.secret, out.plaintext, out.type !== undefined].filter(Boolean).length > 1) {
            throw fail("--secret, --plaintext and --type cannot be used together");
        }
        // The CLI reads a missing VALUE from stdin or a prompt; pulumi-local does neither.
        if (n === 1) throw fail("config value must be specified in non-interactive mode");
        if (n !== 2) throw fail("config set takes KEY and VALUE");
    }
    return out;
}

/** Go's strconv.ParseBool. */
function parseGoBool(text: string): boolean | undefined {
    if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
    if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
    return undefined;
}

/** config.go configSetCmd.Run for a plaintext value: the YAML value `--type` gives it (config.NewTypedValue). */
function typedValue(value: string, type: string | undefined): unknown {
    switch (type ?? "") {
        case "": case "string": return value;
        case "int": {
            if (!/^[+-]?\d+$/.test(value)) throw new Error(`strconv.Atoi: parsing "${value}": invalid syntax`);
            return Number(value);
        }
        // value.go unmarshalObject TypeBool: a value ParseBool refuses becomes false (with a warning).
        case "bool": return parseGoBool(value) ?? false;
        case "float": {
            const f = Number(value);
            if (value.trim() === "" || Number.isNaN(f)) throw new Error(`strconv.ParseFloat: parsing "${value}": invalid syntax`);
            return f;
        }
        default: throw new Error(`invalid type "${type}"; must be one of string, int, bool, or float`);
    }
}

function renderTable(rows: string[][]): string {
    const all = [["KEY", "VALUE"], ...rows];
    const width = Math.max(...all.map((r) => r[0].length));
    return all.map((r) => `${r[0]}${" ".repeat(width - r[0].length)}  ${r[1]}\n`).join("");
}

/**
 * `pulumi-local config ...`: returns what to print and the exit code. Runtime errors are the CLI's
 * `error: <message>` with exit code 1; usage errors throw UsageError, help throws HelpRequested.
 */
export function runConfigCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string; exitCode: number } {
    const args = parseConfigArgs(argv);
    try {
        return { stdout: configCommand(args, env), stderr: "", exitCode: 0 };
    } catch (e: any) {
        return { stdout: "", stderr: `error: ${e?.message ?? e}\n`, exitCode: 1 };
    }
}

function configCommand(args: ConfigArgs, env: NodeJS.ProcessEnv): string {
    const project = loadProject(args.cwd);
    const file = readStackFile(project, args.stack);
    const keyOf = (text: string) => {
        try {
            return parseKey(text, project.name);
        } catch (e: any) {
            // config.go: `invalid configuration key: %w` (set, get, rm).
            throw new Error(`invalid configuration key: ${e.message}`);
        }
    };
    if (args.sub === "set") {
        const key = keyOf(args.positional[0]);
        const value = args.positional[1];
        let salt: string | undefined;
        if (args.secret) {
            // config.go configSetCmd.Run: ssml.GetEncrypter, then config.NewSecureValue. With no salt yet the
            // diy backend makes a new passphrase manager (diy/stack.go DefaultSecretManager).
            let crypter = stackCrypter(file, env);
            if (!crypter) {
                const made = newPassphraseState(readPassphrase(env));
                crypter = made.crypter;
                salt = made.state;
            }
            file.config.set(key, { secure: crypter.encrypt(value) });
        } else {
            file.config.set(key, typedValue(value, args.type));
        }
        writeStackFile(file, salt);
        return "";
    }
    if (args.sub === "rm") {
        // config.go newConfigRemoveCmd: Map.Remove (no error for an absent key), then the file is saved.
        file.config.delete(keyOf(args.positional[0]));
        writeStackFile(file);
        return "";
    }
    // get and the listing see the project's config too (config.go getConfig, listConfig: ApplyProjectConfig).
    let crypter: SymmetricCrypter | undefined;
    const getCrypter = (): SymmetricCrypter => {
        if (!crypter) {
            crypter = stackCrypter(file, env);
            if (!crypter) throw new Error(`${file.path} has a secure value but no encryptionsalt`);
        }
        return crypter;
    };
    const decrypt = (ciphertext: string): string => getCrypter().decrypt(ciphertext);
    if (args.sub === "get") {
        const key = keyOf(args.positional[0]);
        const blinded = stackEntries(file, () => "[secret]");
        applyProjectConfig(project, args.stack, blinded, false);
        const entry = blinded.get(key);
        if (!entry) throw new Error(`configuration key '${prettyKey(key, project.name)}' not found for stack '${args.stack}'`);
        let raw = entry.text;
        if (entry.secure) {
            // config.go getConfig: the secrets manager's errors as they are, a decryption's wrapped.
            getCrypter();
            try {
                raw = stackEntries(file, decrypt, key).get(key)!.text;
            } catch (e: any) {
                throw new Error(`could not decrypt configuration value: ${e.message}`);
            }
        }
        if (!args.json) return `${raw}\n`;
        // config.go getConfig --json: {value, objectValue?, secret}, indented.
        const doc: Record<string, unknown> = { value: raw };
        if (entry.object) doc.objectValue = JSON.parse(raw);
        doc.secret = entry.secure;
        return `${JSON.stringify(doc, null, 2)}\n`;
    }
    // listConfig: blinded unless --show-secrets, sorted by namespace then name, the project's keys short.
    // listConfig: the secrets manager's errors as they are, a decryption's wrapped.
    if (args.showSecrets && [...stackEntries(file, () => "").values()].some((e) => e.secure)) getCrypter();
    let entries: Map<string, ConfigEntry>;
    try {
        entries = stackEntries(file, args.showSecrets ? decrypt : () => "[secret]");
    } catch (e: any) {
        throw new Error(`could not decrypt configuration values: ${e.message}`);
    }
    applyProjectConfig(project, args.stack, entries, false);
    const keys = [...entries.keys()].sort((a, b) => compareKeys(a, b));
    if (args.json) {
        const doc: Record<string, unknown> = {};
        for (const k of [...keys].sort()) {
            const e = entries.get(k)!;
            const item: Record<string, unknown> = {};
            if (!e.secure || args.showSecrets) {
                item.value = e.text;
                if (e.object) item.objectValue = JSON.parse(e.text);
            }
            item.secret = e.secure;
            doc[k] = item;
        }
        return `${JSON.stringify(doc, null, 2)}\n`;
    }
    return renderTable(keys.map((k) => [prettyKey(k, project.name), entries.get(k)!.text]));
}

/** config/key.go KeyArray.Less: by namespace, then name. */
function compareKeys(a: string, b: string): number {
    const [na, ...ra] = a.split(":");
    const [nb, ...rb] = b.split(":");
    if (na !== nb) return na < nb ? -1 : 1;
    const x = ra.join(":");
    const y = rb.join(":");
    return x < y ? -1 : x > y ? 1 : 0;
}

