// `npm run sfn-local -- [--port N] [--state FILE] [--time-scale X] [--faults SPEC] [--no-throttling] [--seed N]
//   [--account ID] [--key-account KEY=ID]... [--deny-role ARN]... [--no-exit-with-parent]`
// Prints the endpoint URL as the first stdout line (scripts read it), then runs until SIGINT/SIGTERM/SIGHUP,
// or until the process that started it is gone.
//
// Why both: `npm run` starts a script through `sh -c`, and forwards SIGINT/SIGTERM to that shell only. dash
// (Debian's /bin/sh) does not exec the last command of `sh -c`, and dies of the signal without passing it
// on, so a signal to npm used to leave this process orphaned and serving. The npm script therefore `exec`s
// node (the signal then reaches this process), and, for the cases no signal reaches it at all (npm killed
// with SIGKILL, a shell that does not forward), this process stops when its parent process changes.

import { startSfnLocal, SfnLocalOptions } from "./server";
import { parseFaultSpec } from "./faults";

const USAGE =
  "usage: sfn-local [--port N] [--state FILE] [--time-scale X] [--faults SPEC] [--no-throttling] [--seed N] [--account ID]" +
  " [--key-account ACCESS_KEY_ID=ACCOUNT_ID]... [--deny-role ROLE_ARN]... [--no-exit-with-parent]";

/** How often the parent process is checked (ms). */
const PARENT_POLL_MS = 250;
/** A stop that has not finished by then exits anyway (ms). */
const STOP_DEADLINE_MS = 5000;

/** The endpoint's options plus the CLI's own: `exitWithParent: false` only when --no-exit-with-parent is given. */
export type CliOptions = SfnLocalOptions & { exitWithParent?: false };

/** Pure: argv in, options out; throws with the flag, the value received and the usage on bad input. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = {};
  const num = (flag: string, v: string | undefined, int: boolean): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === "" || !Number.isFinite(n) || n < 0 || (int && !Number.isInteger(n))) {
      throw new Error(`${flag} needs a non-negative ${int ? "integer" : "number"}. Received: '${v}'\n${USAGE}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--port": opts.port = num(flag, value(), true); break;
      case "--state": opts.stateFile = value(); break;
      case "--time-scale": {
        opts.timeScale = num(flag, value(), false);
        if (opts.timeScale === 0) throw new Error(`--time-scale must be > 0. Received: '0'\n${USAGE}`);
        break;
      }
      case "--faults": opts.faults = parseFaultSpec(value() ?? ""); break;
      case "--no-throttling": opts.throttling = false; break;
      case "--seed": opts.seed = num(flag, value(), true); break;
      case "--account": opts.accountId = value(); break;
      case "--key-account": {
        const pair = value() ?? "";
        const eq = pair.indexOf("=");
        if (eq <= 0 || !/^\d{12}$/.test(pair.slice(eq + 1))) {
          throw new Error(`--key-account needs ACCESS_KEY_ID=ACCOUNT_ID (12 digits). Received: '${pair}'\n${USAGE}`);
        }
        (opts.accounts ??= {})[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case "--deny-role": (opts.deniedRoles ??= []).push(value() ?? ""); break;
      case "--no-exit-with-parent": opts.exitWithParent = false; break;
      case "-h":
      case "--help": process.stdout.write(USAGE + "\n"); process.exit(0);
      default: throw new Error(`unknown argument '${a}'\n${USAGE}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  let cli: CliOptions;
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`sfn-local: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const { exitWithParent, ...opts } = cli;
  // Read before anything slow: if the parent is gone already, the next poll sees it.
  const parent = process.ppid;
  const local = await startSfnLocal(opts);
  process.stdout.write(`${local.url}\n`);
  const snap = local.snapshot();
  process.stderr.write(
    `sfn-local: listening on ${local.url} (seed ${snap.seed}, throttling ${snap.throttling ? "on" : "off"}` +
      `${opts.stateFile ? `, state ${opts.stateFile}` : ""}); admin routes under ${local.url}/__sfn-local/\n`,
  );
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sfn-local: ${why}, stopping\n`);
    // Never outlive a stop that hangs: the state file is written after every mutating call anyway.
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    await local.stop();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));
  // With no parent left (reparented to init or a subreaper), nobody can stop this process any more.
  // A parent pid of 0 or 1 at start (a container's entrypoint) has nothing to watch.
  if (exitWithParent !== false && parent > 1) {
    setInterval(() => {
      if (process.ppid !== parent) void stop(`parent process ${parent} exited`);
    }, PARENT_POLL_MS).unref();
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`sfn-local: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
