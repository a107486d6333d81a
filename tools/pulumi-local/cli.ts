// `pulumi-local <preview|up|refresh|destroy> [--cwd DIR] [--stack NAME] [--config K=V]... [--secret-config K=V]... [--continue-on-error] [--parallel N] [--skip-preview] [--replace URN]... [--json]`
// `up` previews first, then updates, as `pulumi up --yes` (it never prompts); `--skip-preview` updates only.
import { Command, run } from "./engine";

const USAGE =
    "usage: pulumi-local <preview|up|refresh|destroy> [--cwd DIR] [--stack NAME] " +
    "[--config KEY=VALUE]... [--secret-config KEY=VALUE]... [--continue-on-error] [--parallel N] [--skip-preview] [--replace URN]... [--json]";

export interface CliArgs {
    command: Command;
    cwd: string;
    stack?: string;
    config: Record<string, string>;
    secretConfig: Record<string, string>;
    json: boolean;
    continueOnError: boolean;
    parallel?: number;
    /** Set only when --skip-preview is given. */
    skipPreview?: boolean;
    /** Set only when --replace is given (repeatable). */
    replace?: string[];
}

export function parseArgs(argv: string[]): CliArgs {
    const commands = ["preview", "up", "refresh", "destroy"];
    const out: CliArgs = { command: "preview", cwd: process.cwd(), config: {}, secretConfig: {}, json: false, continueOnError: false };
    let command: string | undefined;
    const value = (i: number, flag: string): string => {
        const v = argv[i + 1];
        if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
        return v;
    };
    const pair = (text: string, flag: string): [string, string] => {
        const eq = text.indexOf("=");
        if (eq <= 0) throw new Error(`${flag} expects KEY=VALUE, received "${text}"\n${USAGE}`);
        return [text.slice(0, eq), text.slice(eq + 1)];
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") && !a.startsWith("--config=") && !a.startsWith("--secret-config=")
            ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
            : a.startsWith("--config=") || a.startsWith("--secret-config=")
                ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
                : [a, undefined];
        const take = () => (inline !== undefined ? inline : value(i++, flag));
        switch (flag) {
            case "--cwd": out.cwd = take(); break;
            case "--stack": case "-s": out.stack = take(); break;
            case "--config": case "-c": { const [k, v] = pair(take(), flag); out.config[k] = v; break; }
            case "--secret-config": { const [k, v] = pair(take(), flag); out.secretConfig[k] = v; break; }
            case "--json": out.json = true; break;
            case "--continue-on-error": out.continueOnError = true; break;
            case "--parallel": case "-p": {
                const text = take();
                const n = Number(text);
                if (!Number.isInteger(n) || n < 1) throw new Error(`--parallel expects a whole number of at least 1, received "${text}"\n${USAGE}`);
                out.parallel = n;
                break;
            }
            case "--skip-preview": out.skipPreview = true; break;
            case "--replace": out.replace = [...(out.replace ?? []), take()]; break;
            case "--yes": case "-y": break; // accepted for muscle memory; never prompts
            case "--help": case "-h": throw new Error(USAGE);
            default:
                if (a.startsWith("-")) throw new Error(`unknown flag ${a}\n${USAGE}`);
                if (command) throw new Error(`unexpected argument "${a}"\n${USAGE}`);
                command = a;
        }
    }
    if (!command || !commands.includes(command)) {
        throw new Error(`${command ? `unknown command "${command}"` : "missing command"}\n${USAGE}`);
    }
    out.command = command as Command;
    return out;
}

export async function main(argv: string[]): Promise<number> {
    let args: CliArgs;
    try {
        args = parseArgs(argv);
    } catch (e: any) {
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    const result = await run({
        command: args.command, cwd: args.cwd, stack: args.stack, config: args.config, secretConfig: args.secretConfig,
        continueOnError: args.continueOnError,
        parallel: args.parallel,
        skipPreview: args.skipPreview,
        replace: args.replace,
    });
    if (args.json) {
        const { stdout: _text, ...machine } = result;
        process.stdout.write(JSON.stringify({ command: args.command, stack: args.stack ?? "dev", ...machine }, null, 2) + "\n");
    } else {
        process.stdout.write(result.stdout);
    }
    return result.exitCode;
}

/** Runs the CLI on this process's arguments and sets its exit code. */
export function runCli(): void {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`pulumi-local: ${e?.stack ?? e}\n`);
        process.exitCode = 1;
    });
}

if (require.main === module) runCli();
