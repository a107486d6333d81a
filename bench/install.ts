// A Pulumi project in a temporary folder whose node_modules holds pulumi-sfn-alias as a user gets it: the
// files `npm pack` ships, copied (not linked), so Pulumi serializes `__provider` as a require() of the
// installed package, as tests/provider/serialization.test.ts does. Its other dependencies are links to
// this repository's installed copies.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..");
export const PACKAGE = "pulumi-sfn-alias";

/** The files `npm pack` would ship, relative to the repository (needs `npm run build` first); asked once per process. */
let packed: string[] | undefined;
export function packedFiles(): string[] {
    if (!packed) {
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
        });
        packed = (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path);
    }
    return packed;
}

/**
 * Fills `<dir>/node_modules` as a user's install would have it: pulumi-sfn-alias's packed files copied (so a
 * program's `require("pulumi-sfn-alias")` resolves inside node_modules and `__provider` serializes as a
 * require() of it), everything else linked to this repository's installed copies.
 */
export function installModules(dir: string): void {
    if (!fs.existsSync(path.join(REPO, "dist", "sdk", "index.js"))) throw new Error("run `npm run build` first");
    const modules = path.join(dir, "node_modules");
    const installed = path.join(modules, PACKAGE);
    for (const file of packedFiles()) {
        fs.mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
        fs.copyFileSync(path.join(REPO, file), path.join(installed, file));
    }
    for (const entry of fs.readdirSync(path.join(REPO, "node_modules"))) {
        if (entry.startsWith(".") || entry === PACKAGE) continue;
        fs.symlinkSync(path.join(REPO, "node_modules", entry), path.join(modules, entry));
    }
}

/** Creates the project (Pulumi.yaml + the program file as index.js + node_modules); returns its folder. */
export function installedProject(programFile: string, name = "sfn-alias-bench", prefix = "sfn-alias-bench-"): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    fs.copyFileSync(programFile, path.join(dir, "index.js"));
    installModules(dir);
    return dir;
}
