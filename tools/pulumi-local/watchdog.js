// Preloaded (node -r) into the program and the plugin the engine starts: they exit when the engine's end
// of their stdin closes, so a killed engine leaves no orphan behind. Unref'd: it never keeps them alive.
process.stdin.on("end", () => process.exit(1));
process.stdin.on("error", () => process.exit(1));
process.stdin.resume();
if (typeof process.stdin.unref === "function") process.stdin.unref();
