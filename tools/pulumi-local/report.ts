// The human-readable report, in the shape of the CLI's: one line per step, a summary, the outputs.
import { display } from "./values";
import { renderDiffStep } from "./display";
import type { RunResult, StepRecord } from "./engine";

/* eslint-disable @typescript-eslint/no-explicit-any */
const SYMBOLS: Record<string, string> = {
    "create": "+ ", "update": "~ ", "replace": "+-", "delete": "- ", "same": "  ", "read": "> ",
    "refresh": "~ ", "create-replacement": "++", "delete-replaced": "--", "import": "= ",
};

const PAST: Record<string, string> = {
    create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged", import: "imported",
};
const FUTURE: Record<string, string> = {
    create: "to create", update: "to update", replace: "to replace", delete: "to delete", same: "unchanged", import: "to import",
};

function stepLine(s: StepRecord, preview: boolean): string {
    let op: string = s.op;
    if (s.op === "refresh") op = s.diffs && s.diffs.length ? "refresh (drift)" : "refresh";
    const parts = [` ${SYMBOLS[s.op] ?? "  "} ${op.padEnd(18)} ${s.type}  ${s.name}`];
    if (s.diffs && s.diffs.length) parts.push(`[diff: ${s.diffs.map((d) => `~${d}`).join(", ")}]`);
    if (s.replaces && s.replaces.length) parts.push(`[replaces: ${s.replaces.join(", ")}]`);
    // A failure the engine reported as diagnostics reads as the CLI's Info column ("1 error"); they follow.
    const n = s.diagnostics?.filter((d) => d.startsWith("error: ")).length ?? 0;
    if (s.error && n > 0) parts.push(`**failed** (${n} error${n > 1 ? "s" : ""})`);
    else if (s.error) parts.push(`**${preview ? "failed" : "failed"}**: ${s.error}`);
    return parts.join(" ");
}

export function renderReport(
    r: Omit<RunResult, "stdout"> & {
        command: string; stack: string; elapsedMs: number; rawOutputs: Record<string, any>;
        /** The errors to print at the end: `error` less the bails (diagnostics already shown). */
        shownError?: string;
        /** `--diff`: each resource's property diff (display/diff.go) in place of its row. */
        diff?: boolean;
    },
): string {
    const preview = r.command === "preview";
    const title: Record<string, string> = {
        preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying",
    };
    const lines = [`${title[r.command] ?? r.command} (${r.stack}):`];
    if (r.diff) lines.push(...diffView(r.steps));
    else for (const s of r.steps) lines.push(stepLine(s, preview));
    // The engine's diagnostics on a resource, then the Engine.Log messages with its URN that are not
    // ephemeral (display/progress.go: ephemeral ones are status, shown only in the row while it runs; a debug
    // message only with --debug). An info message has no prefix (diag.Info), the others their severity's.
    const grouped: { type: string; name: string; urn: string; diagnostics: string[] }[] = r.steps
        .filter((s) => s.diagnostics && s.diagnostics.length > 0)
        .map((s) => ({ type: s.type, name: s.name, urn: s.urn, diagnostics: [...s.diagnostics!] }));
    for (const m of r.logs ?? []) {
        if (m.ephemeral || m.severity === "debug") continue;
        const line = m.severity === "info" ? m.message : `${m.severity}: ${m.message}`;
        const group = grouped.find((g) => g.urn === m.urn);
        if (group) group.diagnostics.push(line);
        else {
            const parts = m.urn.split("::");
            grouped.push({ urn: m.urn, type: (parts[2] ?? "").split("$").pop() ?? "", name: parts.slice(3).join("::"), diagnostics: [line] });
        }
    }
    if (r.diagnostics.length || grouped.length) {
        lines.push("", "Diagnostics:");
        // A diagnostic of several lines (the pending operations warning) stays indented as one block.
        for (const d of r.diagnostics) for (const l of d.split("\n")) lines.push(`    ${l}`);
        // The engine's diagnostics on a resource, under its "<type> (<name>):" header, a blank line after
        // (display/progress.go printDiagnostics, resourceHeader; the prefix "error: " renderProgressDiagEvent's).
        for (const s of grouped) {
            if (r.diagnostics.length || s !== grouped[0]) lines.push("");
            lines.push(`  ${s.type} (${s.name}):`);
            for (const d of s.diagnostics) for (const l of d.split("\n")) lines.push(`    ${l.trimEnd()}`);
        }
    }
    const keys = Object.keys(r.rawOutputs);
    if (keys.length) {
        lines.push("", "Outputs:");
        for (const k of keys) lines.push(`    ${k}: ${display(r.rawOutputs[k])}`);
    }
    const words = preview ? FUTURE : PAST;
    const counts = ["create", "update", "replace", "delete", "import", "same"]
        .filter((k) => r.summary[k])
        .map((k) => `${r.summary[k]} ${words[k]}`);
    lines.push("", `Resources: ${counts.length ? counts.join(", ") : "no changes"}`);
    lines.push(`Duration: ${(r.elapsedMs / 1000).toFixed(1)}s`);
    if (!r.ok && ("shownError" in r ? r.shownError !== undefined : true)) lines.push("", `error: ${r.shownError ?? r.error}`);
    return lines.join("\n") + "\n";
}

/**
 * The `--diff` view (display/diff.go ShowDiffEvents, renderDiffResourcePreEvent): each step as renderDiff
 * prints it, indented one level per shown ancestor (getIndent: the root stack always counts). As shouldShow,
 * sames are left out but for the stack, and so are the create-replacement and delete-replaced halves of a
 * replace (ShowReplacementSteps is off). A resource that failed its check never had a step, so no block.
 */
function diffView(steps: StepRecord[]): string[] {
    const shown = (s: StepRecord) => s.type === "pulumi:pulumi:Stack" ||
        (s.op !== "same" && s.op !== "create-replacement" && s.op !== "delete-replaced" && !(s.diagnostics && s.diagnostics.length));
    const byUrn = new Map<string, StepRecord>();
    for (const s of steps) if (!byUrn.has(s.urn)) byUrn.set(s.urn, s);
    const indentOf = (s: StepRecord) => {
        let indent = 0;
        for (let p = s.parent, guard = 0; p && guard < 100; guard++) {
            const parent = byUrn.get(p);
            if (!parent) break;
            if (shown(parent)) indent++;
            p = parent.parent;
        }
        return indent;
    };
    const out: string[] = [];
    for (const s of steps) {
        if (!shown(s)) continue;
        out.push(...renderDiffStep(s, indentOf(s)).replace(/\n$/, "").split("\n"));
    }
    return out;
}
