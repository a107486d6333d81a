// The human-readable report, in the shape of the CLI's: one line per step, a summary, the outputs.
import { display } from "./values";
import type { RunResult, StepRecord } from "./engine";

/* eslint-disable @typescript-eslint/no-explicit-any */
const SYMBOLS: Record<string, string> = {
    "create": "+ ", "update": "~ ", "replace": "+-", "delete": "- ", "same": "  ", "read": "> ",
    "refresh": "~ ", "create-replacement": "++", "delete-replaced": "--",
};

const PAST: Record<string, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged" };
const FUTURE: Record<string, string> = { create: "to create", update: "to update", replace: "to replace", delete: "to delete", same: "unchanged" };

function stepLine(s: StepRecord, preview: boolean): string {
    let op: string = s.op;
    if (s.op === "refresh") op = s.diffs && s.diffs.length ? "refresh (drift)" : "refresh";
    const parts = [` ${SYMBOLS[s.op] ?? "  "} ${op.padEnd(18)} ${s.type}  ${s.name}`];
    if (s.diffs && s.diffs.length) parts.push(`[diff: ${s.diffs.map((d) => `~${d}`).join(", ")}]`);
    if (s.replaces && s.replaces.length) parts.push(`[replaces: ${s.replaces.join(", ")}]`);
    if (s.error) parts.push(`**${preview ? "failed" : "failed"}**: ${s.error}`);
    return parts.join(" ");
}

export function renderReport(
    r: Omit<RunResult, "stdout"> & { command: string; stack: string; elapsedMs: number; rawOutputs: Record<string, any> },
): string {
    const preview = r.command === "preview";
    const title: Record<string, string> = {
        preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying",
    };
    const lines = [`${title[r.command] ?? r.command} (${r.stack}):`];
    for (const s of r.steps) lines.push(stepLine(s, preview));
    if (r.diagnostics.length) {
        lines.push("", "Diagnostics:");
        for (const d of r.diagnostics) lines.push(`    ${d}`);
    }
    const keys = Object.keys(r.rawOutputs);
    if (keys.length) {
        lines.push("", "Outputs:");
        for (const k of keys) lines.push(`    ${k}: ${display(r.rawOutputs[k])}`);
    }
    const words = preview ? FUTURE : PAST;
    const counts = ["create", "update", "replace", "delete", "same"]
        .filter((k) => r.summary[k])
        .map((k) => `${r.summary[k]} ${words[k]}`);
    lines.push("", `Resources: ${counts.length ? counts.join(", ") : "no changes"}`);
    lines.push(`Duration: ${(r.elapsedMs / 1000).toFixed(1)}s`);
    if (!r.ok) lines.push("", `error: ${r.error}`);
    return lines.join("\n") + "\n";
}
