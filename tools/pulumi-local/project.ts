// Pulumi.yaml and stack configuration, read the way the CLI reads them.
import * as fs from "fs";
import * as path from "path";
import { yaml } from "./pulumi-modules";

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Project {
    name: string;
    dir: string;
    /** Absolute path of the program (Pulumi.yaml `main`, else the project folder). */
    main: string;
    /** Whether `main` was given (else the runner may use the program's own package.json `main`). */
    explicitMain: boolean;
    typescript: boolean;
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
    return { name: doc.name, dir, main, explicitMain: typeof doc.main === "string", typescript: tsOption !== false };
}

export interface StackConfig {
    /** Namespaced key (`project:key`, `aws:region`) to its string value (objects as JSON text). */
    values: Record<string, string>;
    secretKeys: string[];
}

/** A key without a namespace belongs to the project, as with `pulumi config set`. */
export function namespacedKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function configText(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * Builds the stack config: `Pulumi.<stack>.yaml`'s `config:` block (if any), then `--config` and
 * `--secret-config` values over it.
 */
export function loadConfig(
    project: Project,
    stack: string,
    config: Record<string, string> = {},
    secretConfig: Record<string, string> = {},
): StackConfig {
    const values: Record<string, string> = {};
    const secrets = new Set<string>();
    const stackFile = path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(stackFile)) {
        const doc = (yaml.load(fs.readFileSync(stackFile, "utf8")) ?? {}) as any;
        for (const [k, v] of Object.entries(doc.config ?? {})) {
            const key = namespacedKey(k, project.name);
            if (v !== null && typeof v === "object" && "secure" in (v as any)) {
                throw new Error(
                    `${stackFile}: ${k} is an encrypted "secure" value, which pulumi-local cannot decrypt; ` +
                    `pass it with --secret-config ${k}=VALUE instead`,
                );
            }
            values[key] = configText(v);
        }
    }
    for (const [k, v] of Object.entries(config)) {
        const key = namespacedKey(k, project.name);
        values[key] = v;
        secrets.delete(key);
    }
    for (const [k, v] of Object.entries(secretConfig)) {
        const key = namespacedKey(k, project.name);
        values[key] = v;
        secrets.add(key);
    }
    return { values, secretKeys: [...secrets].sort() };
}
