// Declares records from the stack config `resources`: a JSON list of
// { name, key?, value?, tag?, component?, parent?, dependsOn?, secret?, opts?, props? }.
const pulumi = require("@pulumi/pulumi");
const { Record } = require("./provider");

// Each run of the program is logged to $RECORDS_DIR/runs.log: its pid and whether it is a preview.
if (process.env.RECORDS_DIR) {
    require("fs").appendFileSync(require("path").join(process.env.RECORDS_DIR, "runs.log"),
        JSON.stringify({ pid: process.pid, dryRun: pulumi.runtime.isDryRun() }) + "\n");
    // And which Node and @pulumi/pulumi it runs on, to $RECORDS_DIR/runtime.log (tests/e2e/runtime.test.ts).
    require("fs").appendFileSync(require("path").join(process.env.RECORDS_DIR, "runtime.log"),
        JSON.stringify({ who: "program", node: process.version, pulumi: require("@pulumi/pulumi/package.json").version }) + "\n");
}

const config = new pulumi.Config();
const specs = JSON.parse(config.get("resources") || "[]");
const made = {};
for (const spec of specs) {
    const opts = { ...(spec.opts || {}) };
    if (spec.dependsOn) opts.dependsOn = spec.dependsOn.map((n) => made[n]);
    if (spec.parent) opts.parent = made[spec.parent];
    if (spec.component) {
        made[spec.name] = new pulumi.ComponentResource("test:index:Group", spec.name, {}, opts);
        continue;
    }
    if (spec.customType) {
        made[spec.name] = new pulumi.CustomResource(spec.customType, spec.name, {}, opts);
        continue;
    }
    const props = { key: spec.key || spec.name, value: spec.value || "v1", ...(spec.props || {}) };
    if (spec.tag !== undefined) props.tag = spec.tag;
    if (spec.secret) props.secretValue = config.requireSecret(spec.secret);
    if (spec.valueFrom) props.value = made[spec.valueFrom].recordId;
    made[spec.name] = new Record(spec.name, props, opts);
}

const values = {};
for (const [name, r] of Object.entries(made)) if (r.value) values[name] = r.value;
module.exports = { values };
if (config.get("plain") !== undefined) module.exports.plain = config.get("plain");
if (new pulumi.Config("other").get("k") !== undefined) module.exports.other = new pulumi.Config("other").get("k");
if (config.getSecret("password") !== undefined) module.exports.password = config.getSecret("password");
