// `pulumi-local <preview|up|refresh|destroy> [--cwd DIR] [--stack NAME] [--config K=V]... [--secret-config K=V]... [--continue-on-error] [--parallel N] [--skip-preview] [--replace URN]... [--diff] [--json]`
// `up` previews first, then updates, as `pulumi up --yes` (it never prompts); `--skip-preview` updates only.
// `pulumi-local config [set [--secret]|get|rm] ...` reads and writes Pulumi.<stack>.yaml as `pulumi config` (config.ts).
// `--help`/`-h` prints the usage on stdout (exit 0); a wrong command line prints it on stderr (exit 2).
import { CONFIG_USAGE, HelpRequested, isConfigCommand, runConfigCommand } from "./config";
import { Command, LogMessage, run, RunOptions } from "./engine";

const USAGE =
    "usage: pulumi-local <preview|up|refresh|destroy> [--cwd DIR] [--stack NAME] " +
    "[--config KEY=VALUE]... [--secret-config KEY=VALUE]... [--continue-on-error] [--parallel N] [--skip-preview] [--replace URN]... [--target URN]... [--target-dependents] [--refresh] [--diff] [--json]" +
    " (refresh: [--clear-pending-creates] [--skip-pending-creates] [--import-pending-creates URN --import-pending-creates ID]...)";

/**
 * The parsed command line: the engine's options (each optional one set only when its flag is given; the
 * flag for each is in USAGE) and `json`.
 */
export interface CliArgs extends Omit<RunOptions, "env" | "config" | "secretConfig" | "continueOnError"> {
    config: Record<string, string>;
    secretConfig: Record<string, string>;
    continueOnError: boolean;
    json: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
    const commands = ["preview", "up", "refresh", "destroy"];
    const out: CliArgs = { command: "preview", cwd: process.cwd(), config: {}, secretConfig: {}, json: false, continueOnError: false };
    let command: string | undefined;
    let help = false;
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
            case "--diff": out.diff = true; break;
            case "--replace": out.replace = [...(out.replace ?? []), take()]; break;
            case "--target": case "-t": out.target = [...(out.target ?? []), take()]; break;
            case "--target-dependents": out.targetDependents = true; break;
            case "--refresh": case "-r": out.refresh = true; break;
            case "--clear-pending-creates": out.clearPendingCreates = true; break;
            case "--skip-pending-creates": out.skipPendingCreates = true; break;
            case "--import-pending-creates": out.importPendingCreates = [...(out.importPendingCreates ?? []), take()]; break;
            case "--yes": case "-y": break; // accepted for muscle memory; never prompts
            case "--help": case "-h": help = true; break;
            default:
                if (a.startsWith("-")) throw new Error(`unknown flag ${a}\n${USAGE}`);
                if (command) throw new Error(`unexpected argument "${a}"\n${USAGE}`);
                command = a;
        }
    }
    // `--help`/`-h`: the usage of the command given (else of them all), for main() to print on stdout.
    if (help) throw new HelpRequested(command && commands.includes(command) ? commandHelp(command) : TOP_HELP);
    if (!command || !commands.includes(command)) {
        throw new Error(`${command ? `unknown command "${command}"` : "missing command"}\n${USAGE}\n${CONFIG_USAGE}`);
    }
    out.command = command as Command;
    return out;
}

const TOP_HELP = `pulumi-local: a local stand-in for the Pulumi CLI (see tools/README.md for what it does not model)

${USAGE}
${CONFIG_USAGE}

\`pulumi-local <command> --help\` shows one command's usage.
`;

function commandHelp(command: string): string {
    const what: Record<string, string> = {
        preview: "Shows what an update would do; changes nothing.",
        up: "Previews, then updates (as `pulumi up --yes`; --skip-preview updates only).",
        refresh: "Reads every resource of the state and records what it found.",
        destroy: "Deletes every resource of the stack.",
    };
    return `${USAGE.replace("<preview|up|refresh|destroy>", command)}\n\n${what[command] ?? ""}\n`;
}

export async function main(argv: string[]): Promise<number> {
    let args: CliArgs;
    try {
        if (isConfigCommand(argv)) {
            const r = runConfigCommand(argv);
            process.stdout.write(r.stdout);
            process.stderr.write(r.stderr);
            return r.exitCode;
        }
        args = parseArgs(argv);
    } catch (e: any) {
        // --help: usage on stdout, exit 0; a wrong command line: on stderr, exit 2.
        if (e instanceof HelpRequested) {
            process.stdout.write(e.text);
            return 0;
        }
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    const { json: _json, ...options } = args;
    // The provider's progress lines, as they come (not with --json, whose stdout is one document).
    // A plugin's Engine.Log about a resource as it comes: the CLI shows a non-ephemeral one as a diagnostic and an
    // ephemeral one as the resource row's status (display/rows.go getInfoColumn); here `<name>: <message>`,
    // status lines marked `(status)`.
    const onLog = (m: LogMessage) => {
        if (m.severity === "debug" || !m.urn) return;
        const name = m.urn.split("::").slice(3).join("::");
        const sev = m.severity === "info" ? "" : `${m.severity}: `;
        process.stdout.write(`${m.ephemeral ? "(status) " : ""}${sev}${name}: ${m.message}\n`);
    };
    const result = await run(args.json ? options : {
        ...options, onPluginLine: (line) => process.stdout.write(`info: ${line}\n`), onLog,
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
