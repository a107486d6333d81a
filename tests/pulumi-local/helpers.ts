// A scratch project per test: a Pulumi.yaml whose `main` is a program of ./programs, a records folder
// for the test provider, and helpers to run the local engine on it and read what happened.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readState, run, RunResult, StackState } from "../../tools/pulumi-local";

export const PROGRAMS = path.join(__dirname, "programs");

export interface Spec {
    name: string;
    key?: string;
    value?: string;
    tag?: string;
    component?: boolean;
    customType?: string;
    parent?: string;
    dependsOn?: string[];
    secret?: string;
    props?: Record<string, unknown>;
    opts?: Record<string, unknown>;
}

export class Scratch {
    readonly dir: string;
    readonly recordsDir: string;

    constructor(program = "records") {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-local-test-"));
        this.recordsDir = path.join(this.dir, "records");
        fs.mkdirSync(this.recordsDir);
        const main = path.join(PROGRAMS, program, program === "ts-records" ? "index.ts" : "");
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `name: ${program}\nruntime: nodejs\nmain: ${main}\n`);
    }

    run(
        command: "preview" | "up" | "refresh" | "destroy",
        resources: Spec[] = [],
        extra: { config?: Record<string, string>; secretConfig?: Record<string, string>; env?: NodeJS.ProcessEnv } = {},
    ): Promise<RunResult> {
        return run({
            command,
            cwd: this.dir,
            config: { resources: JSON.stringify(resources), ...(extra.config ?? {}) },
            secretConfig: extra.secretConfig,
            env: { RECORDS_DIR: this.recordsDir, ...(extra.env ?? {}) },
        });
    }

    /** Provider calls so far ("create a", "delete b", ...), and forgets them. */
    takeCalls(): string[] {
        const file = path.join(this.recordsDir, "calls.log");
        if (!fs.existsSync(file)) return [];
        const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
        fs.unlinkSync(file);
        return lines;
    }

    records(): Record<string, { value: string; tag: string }> {
        const file = path.join(this.recordsDir, "records.json");
        return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    }

    writeRecords(records: Record<string, { value: string; tag: string }>): void {
        fs.writeFileSync(path.join(this.recordsDir, "records.json"), JSON.stringify(records));
    }

    state(): StackState | undefined {
        return readState(this.dir, "dev");
    }

    stateText(): string | undefined {
        const file = path.join(this.dir, ".pulumi-local", "dev.json");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    }

    /** Names of the custom resources in state, in state order. */
    stateNames(): string[] {
        return (this.state()?.resources ?? []).filter((r) => r.custom).map((r) => r.name);
    }

    cleanup(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** "op name" for each step of custom resources, in order. */
export function ops(result: RunResult): string[] {
    return result.steps.filter((s) => s.type.startsWith("pulumi-nodejs:dynamic")).map((s) => `${s.op} ${s.name}`);
}
