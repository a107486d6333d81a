// A scratch project per test: a Pulumi.yaml whose `main` is a program of ./programs, a records folder
// for the test provider, and helpers to run the local engine on it and read what happened.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readState, run, RunResult, StackState, withoutWriteTime } from "../../tools/pulumi-local";

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

/** What the records provider saw of an engine call: check gets olds and news ({} when none), diff only a key. */
export interface Rpc {
    call: "configure" | "check" | "diff";
    pid: number;
    key?: string;
    olds?: { key?: string; value?: string; tag?: string };
    news?: { key?: string; value?: string; tag?: string };
}

export class Scratch {
    readonly dir: string;
    readonly recordsDir: string;
    /**
     * Whether `up` previews first, as `pulumi up --yes` (the default) does. A suite about the update's own
     * steps sets it false to skip a deployment per up; `skipPreview` given to run() wins.
     */
    previewBeforeUp = true;

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
        extra: {
            config?: Record<string, string>; secretConfig?: Record<string, string>; env?: NodeJS.ProcessEnv;
            skipPreview?: boolean; replace?: string[]; continueOnError?: boolean;
            target?: string[]; targetDependents?: boolean; refresh?: boolean;
        } = {},
    ): Promise<RunResult> {
        return run({
            command,
            cwd: this.dir,
            config: { resources: JSON.stringify(resources), ...(extra.config ?? {}) },
            secretConfig: extra.secretConfig,
            env: { RECORDS_DIR: this.recordsDir, ...(extra.env ?? {}) },
            skipPreview: extra.skipPreview ?? (this.previewBeforeUp ? undefined : true),
            replace: extra.replace,
            continueOnError: extra.continueOnError,
            target: extra.target,
            targetDependents: extra.targetDependents,
            refresh: extra.refresh,
        });
    }

    /** The URN of a record (or, with `type`, another resource) of this project's dev stack. */
    urn(name: string, type = "pulumi-nodejs:dynamic/records:Record"): string {
        return `urn:pulumi:dev::records::${type}::${name}`;
    }

    private takeLog<T>(file: string): T[] {
        const f = path.join(this.recordsDir, file);
        if (!fs.existsSync(f)) return [];
        const lines = fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);
        fs.unlinkSync(f);
        return lines;
    }

    /** The provider's configure, check and diff calls so far (see programs/records/provider.js), and forgets them. */
    takeRpcs(): Rpc[] {
        return this.takeLog<Rpc>("rpc.log");
    }

    /** The program's runs so far (pid, and whether each was a preview), and forgets them. */
    takeRuns(): { pid: number; dryRun: boolean }[] {
        return this.takeLog("runs.log");
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
        return fs.existsSync(file) ? withoutWriteTime(fs.readFileSync(file, "utf8")) : undefined;
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
