// What the machine's process table and ports say, for tests that check a tool leaves nothing running.
import { execFileSync } from "child_process";
import * as net from "net";

export interface Proc { pid: number; ppid: number; pgid: number; stat: string; args: string }

/** Every process now, from `ps`. */
export function processes(): Proc[] {
    const out = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,stat=,args="], { encoding: "utf8" });
    return out.split("\n").filter((l) => l.trim()).map((l) => {
        const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s?(.*)$/.exec(l)!;
        return { pid: +m[1], ppid: +m[2], pgid: +m[3], stat: m[4], args: m[5] };
    });
}

/** The process `root` and all its descendants among `all` (default: the processes now). */
export function descendants(root: number, all: Proc[] = processes()): Proc[] {
    const found = all.filter((p) => p.pid === root);
    for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i].pid));
    return found;
}

/** Whether something accepts connections on 127.0.0.1:port (a connect that hangs past 1 s counts as open). */
export function portOpen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect({ host: "127.0.0.1", port });
        s.setTimeout(1000);
        s.once("connect", () => { s.destroy(); resolve(true); });
        s.once("timeout", () => { s.destroy(); resolve(true); });
        s.once("error", () => resolve(false));
    });
}
