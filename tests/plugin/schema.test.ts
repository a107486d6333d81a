// The provider plugin's package schema (provider/plugin/schema.ts): what Pulumi's codegen relies on, checked
// without ajv. The structural rules are those of the metaschema (pulumi/pulumi pkg/codegen/schema/pulumi.json)
// and of the binder (pkg/codegen/schema/bind.go, reserved_keywords.go), each cited where it is checked; the
// language sections against the importers' structs. The schema's content is checked against the product:
// the inputs check accepts (rules.ts, rollout/preference.ts), the configuration it honours (config.ts), the
// SDK's doc comments (sdk/stateMachineAlias.ts) and @pulumi/aws's ProviderAssumeRole. Pure: reads only files
// of this checkout and node_modules.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ASSUME_ROLE_FIELDS, CLOUDWATCH_ENDPOINT_KEYS, ENDPOINT_KEYS, settingsFromConfig, STS_ENDPOINT_KEYS } from "../../provider/config";
import { DEFAULT_SESSION_NAME } from "../../provider/credentials";
import { MARKER_KEY } from "../../provider/rollout/plan";
import {
    ALARM_POLL_SECONDS_DEFAULT,
    ALARM_READ_FAILURE_ACTIONS,
    ALL_AT_ONCE_BAKE_SECONDS_DEFAULT,
    checkPreference,
    DEPLOYMENT_TYPES,
    INSUFFICIENT_DATA_TREATMENTS,
    PRE_TRAFFIC_PROPERTIES,
    PRE_TRAFFIC_TIMEOUT_SECONDS_DEFAULT,
    PREFERENCE_PROPERTIES,
} from "../../provider/rollout/preference";
import { AUTONAME_SUFFIX_LENGTH, INPUT_PROPERTIES, REPLACE_ON, ROUTING_ENTRY_PROPERTIES } from "../../provider/rules";
import {
    CONFIG_KEYS,
    DESCRIPTIONS,
    ENDPOINT_FIELDS,
    goImportBasePath,
    OUTPUT_PROPERTIES,
    PACKAGE_NAME,
    PROVIDER_TYPE,
    REPLACE_ON_CHANGES,
    REPOSITORY,
    REQUIRED_OUTPUTS,
    RESOURCE_TOKEN,
    schema,
    SECRET_CONFIG_KEYS,
    TYPE_TOKENS,
} from "../../provider/plugin/schema";

type Json = Record<string, any>;
const ROOT = path.resolve(__dirname, "../..");
const VERSION = "0.1.0";
const S = schema(VERSION) as Json;
const resource = S.resources[RESOURCE_TOKEN] as Json;
const typeOf = (token: string) => S.types[token] as Json;
const sorted = (xs: Iterable<string>) => [...xs].sort();

// ---- Rules copied from the metaschema and the binder ---------------------------------------------------

/** pulumi.json `properties.name.pattern`. */
const NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9_]*$/;
/** pulumi.json `$defs/token.pattern` (type and resource tokens). */
const TOKEN_PATTERN = /^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/]*$/;
/** pulumi.json `properties.version.pattern` (semver, optional leading v). */
const VERSION_PATTERN =
    /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** pulumi.json top level: `"additionalProperties": false` over these. */
const PACKAGE_KEYS = [
    "name", "displayName", "version", "description", "keywords", "homepage", "license", "attribution", "repository", "logoUrl",
    "pluginDownloadURL", "publisher", "namespace", "meta", "config", "types", "dependencies", "provider", "resources", "functions",
    "language", "parameterization", "allowedPackageNames",
];
/** pulumi.json `config`: `"additionalProperties": false`. */
const CONFIG_SECTION_KEYS = ["variables", "defaults"];
/** schema.go TypeSpec json tags (the metaschema's typeSpec). */
const TYPE_SPEC_KEYS = ["type", "$ref", "additionalProperties", "items", "oneOf", "discriminator", "plain"];
/** schema.go PropertySpec json tags (TypeSpec embedded): anything else would be dropped when the schema is read. */
const PROPERTY_SPEC_KEYS = [...TYPE_SPEC_KEYS, "description", "const", "default", "defaultInfo", "deprecationMessage", "language", "secret", "replaceOnChanges", "willReplaceOnChanges"];
/** schema.go ObjectTypeSpec json tags. */
const OBJECT_TYPE_KEYS = ["description", "properties", "type", "required", "plain", "language", "isOverlay", "overlaySupportedLanguages"];
/** schema.go ComplexTypeSpec = ObjectTypeSpec + enum. */
const COMPLEX_TYPE_KEYS = [...OBJECT_TYPE_KEYS, "enum"];
/** schema.go EnumValueSpec json tags; pulumi.json requires "value". */
const ENUM_VALUE_KEYS = ["name", "description", "value", "deprecationMessage"];
/** schema.go ResourceSpec json tags (ObjectTypeSpec embedded). */
const RESOURCE_KEYS = [...OBJECT_TYPE_KEYS, "inputProperties", "requiredInputs", "plainInputs", "stateInputs", "listInputs", "aliases", "deprecationMessage", "isComponent", "methods"];
/** pulumi.json typeSpec primitive `type` enum. */
const PRIMITIVES = ["boolean", "integer", "number", "string"];
/** The built-in types a `$ref` may name (pulumi.json typeSpec `$ref` description). */
const BUILTIN_REFS = ["pulumi.json#/Any", "pulumi.json#/Archive", "pulumi.json#/Asset", "pulumi.json#/Json"];

/** Every property spec of the schema, with a JSON-pointer-like path and what it belongs to. */
function allProperties(s: Json): { path: string; name: string; spec: Json; owner: "config" | "provider" | "resource-input" | "resource-output" | "type" }[] {
    const out: ReturnType<typeof allProperties> = [];
    const add = (owner: (typeof out)[number]["owner"], base: string, props: Json | undefined) => {
        for (const [name, spec] of Object.entries(props ?? {})) out.push({ path: `${base}/${name}`, name, spec: spec as Json, owner });
    };
    add("config", "#/config/variables", s.config?.variables);
    add("provider", "#/provider/inputProperties", s.provider?.inputProperties);
    for (const [tok, r] of Object.entries(s.resources ?? {}) as [string, Json][]) {
        add("resource-input", `#/resources/${tok}/inputProperties`, r.inputProperties);
        add("resource-output", `#/resources/${tok}/properties`, r.properties);
    }
    for (const [tok, t] of Object.entries(s.types ?? {}) as [string, Json][]) add("type", `#/types/${tok}/properties`, t.properties);
    return out;
}

/** Every `$ref` in a type spec, recursively (items, additionalProperties, oneOf). */
function refsOf(spec: Json | undefined, found: string[] = []): string[] {
    if (!spec || typeof spec !== "object") return found;
    if (typeof spec.$ref === "string") found.push(spec.$ref);
    refsOf(spec.items, found);
    if (typeof spec.additionalProperties === "object") refsOf(spec.additionalProperties, found);
    for (const o of spec.oneOf ?? []) refsOf(o, found);
    return found;
}

/**
 * pulumi.json `$defs/typeSpec`: exactly one of primitive (type in PRIMITIVES; no items, additionalProperties,
 * $ref, oneOf), array (type "array" and items; no additionalProperties, $ref, oneOf), map (type "object"; no
 * items, $ref, oneOf), named ($ref; no items, additionalProperties, oneOf), union (oneOf of 2 or more; no items,
 * additionalProperties, $ref). Returns the problems found, with their paths.
 */
function typeSpecProblems(at: string, spec: Json, allowedKeys: readonly string[]): string[] {
    const problems: string[] = [];
    for (const key of Object.keys(spec)) if (!allowedKeys.includes(key)) problems.push(`${at}: unknown key ${key}`);
    const has = (k: string) => spec[k] !== undefined;
    const kinds = [
        has("type") && PRIMITIVES.includes(spec.type) && !has("items") && !has("additionalProperties") && !has("$ref") && !has("oneOf"),
        spec.type === "array" && has("items") && !has("additionalProperties") && !has("$ref") && !has("oneOf"),
        spec.type === "object" && !has("items") && !has("$ref") && !has("oneOf"),
        has("$ref") && !has("items") && !has("additionalProperties") && !has("oneOf"),
        Array.isArray(spec.oneOf) && spec.oneOf.length >= 2 && !has("items") && !has("additionalProperties") && !has("$ref"),
    ].filter(Boolean).length;
    if (kinds !== 1) problems.push(`${at}: matches ${kinds} of typeSpec's oneOf (primitive, array, map, named, union), not exactly 1`);
    if (has("type") && ![...PRIMITIVES, "array", "object"].includes(spec.type)) problems.push(`${at}: unknown type ${spec.type}`);
    if (has("$ref") && typeof spec.$ref !== "string") problems.push(`${at}: $ref is not a string`);
    if (has("secret") && typeof spec.secret !== "boolean") problems.push(`${at}: secret is not a boolean`);
    if (has("replaceOnChanges") && typeof spec.replaceOnChanges !== "boolean") problems.push(`${at}: replaceOnChanges is not a boolean`);
    if (has("description") && typeof spec.description !== "string") problems.push(`${at}: description is not a string`);
    if (has("items")) problems.push(...typeSpecProblems(`${at}/items`, spec.items, TYPE_SPEC_KEYS));
    if (typeof spec.additionalProperties === "object") problems.push(...typeSpecProblems(`${at}/additionalProperties`, spec.additionalProperties, TYPE_SPEC_KEYS));
    for (const [i, o] of (spec.oneOf ?? []).entries()) problems.push(...typeSpecProblems(`${at}/oneOf/${i}`, o, TYPE_SPEC_KEYS));
    return problems;
}

/** The metaschema's structural rules over the whole document. */
function structuralProblems(s: Json): string[] {
    const problems: string[] = [];
    for (const key of Object.keys(s)) if (!PACKAGE_KEYS.includes(key)) problems.push(`#: unknown key ${key} (additionalProperties: false)`);
    if (typeof s.name !== "string" || !NAME_PATTERN.test(s.name)) problems.push("#/name: does not match the name pattern");
    if (s.version !== undefined && !VERSION_PATTERN.test(s.version)) problems.push("#/version: not semver");
    for (const k of ["displayName", "description", "homepage", "license", "repository", "publisher"]) {
        if (s[k] !== undefined && typeof s[k] !== "string") problems.push(`#/${k}: not a string`);
    }
    if (s.keywords !== undefined && !(Array.isArray(s.keywords) && s.keywords.every((k: unknown) => typeof k === "string"))) problems.push("#/keywords: not a list of strings");
    for (const key of Object.keys(s.config ?? {})) if (!CONFIG_SECTION_KEYS.includes(key)) problems.push(`#/config: unknown key ${key}`);
    for (const p of allProperties(s)) problems.push(...typeSpecProblems(p.path, p.spec, PROPERTY_SPEC_KEYS));
    for (const [tok, t] of Object.entries(s.types ?? {}) as [string, Json][]) {
        const at = `#/types/${tok}`;
        if (!TOKEN_PATTERN.test(tok)) problems.push(`${at}: token does not match $defs/token`);
        for (const key of Object.keys(t)) if (!COMPLEX_TYPE_KEYS.includes(key)) problems.push(`${at}: unknown key ${key}`);
        if (t.enum !== undefined) {
            // $defs/enumTypeSpec: type a primitive, enum values each with "value" (of that type).
            if (!PRIMITIVES.includes(t.type)) problems.push(`${at}: an enum's type must be a primitive`);
            if (!Array.isArray(t.enum) || t.enum.length === 0) problems.push(`${at}: enum must be a non-empty list`);
            for (const [i, v] of (t.enum ?? []).entries() as [number, Json][]) {
                for (const key of Object.keys(v)) if (!ENUM_VALUE_KEYS.includes(key)) problems.push(`${at}/enum/${i}: unknown key ${key}`);
                if (v.value === undefined) problems.push(`${at}/enum/${i}: value is required`);
                if (t.type === "string" && typeof v.value !== "string") problems.push(`${at}/enum/${i}: value is not a string`);
            }
            if (t.properties !== undefined) problems.push(`${at}: an enum has no properties`);
        } else if (t.type !== "object") {
            problems.push(`${at}: an object type's type must be "object" (complexTypeSpec's Object Type Definition)`);
        }
        if (t.required !== undefined && !Array.isArray(t.required)) problems.push(`${at}/required: not a list`);
    }
    const resources: [string, Json][] = [["#/provider", s.provider], ...(Object.entries(s.resources ?? {}) as [string, Json][]).map(([tok, r]) => [`#/resources/${tok}`, r] as [string, Json])];
    for (const [at, r] of resources) {
        if (!r) continue;
        const tok = at.replace("#/resources/", "");
        if (at !== "#/provider" && !TOKEN_PATTERN.test(tok)) problems.push(`${at}: token does not match $defs/token`);
        for (const key of Object.keys(r)) if (!RESOURCE_KEYS.includes(key)) problems.push(`${at}: unknown key ${key}`);
        for (const k of ["required", "requiredInputs"]) if (r[k] !== undefined && !(Array.isArray(r[k]) && r[k].every((x: unknown) => typeof x === "string"))) problems.push(`${at}/${k}: not a list of strings`);
    }
    return problems;
}

// ---- Reading the product's own sources ---------------------------------------------------------------

/** The doc comments of one exported interface of sdk/stateMachineAlias.ts, by property (whitespace collapsed). */
function sdkDocs(iface: string): Map<string, string> {
    const text = fs.readFileSync(path.join(ROOT, "sdk/stateMachineAlias.ts"), "utf8");
    const start = text.indexOf(`export interface ${iface} {`);
    assert.ok(start >= 0, `sdk/stateMachineAlias.ts has no interface ${iface}`);
    const body = text.slice(start, text.indexOf("\n}", start));
    const docs = new Map<string, string>();
    for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*readonly (\w+)\??:/g)) {
        docs.set(m[2], m[1].split("\n").map((l) => l.replace(/^\s*\*\s?/, "")).join(" ").replace(/\s+/g, " ").trim());
    }
    return docs;
}

/** The output properties the SDK class declares (`declare readonly x: pulumi.Output<...>`). */
function sdkOutputs(): string[] {
    const text = fs.readFileSync(path.join(ROOT, "sdk/stateMachineAlias.ts"), "utf8");
    return [...text.matchAll(/declare readonly (\w+): pulumi\.Output</g)].map((m) => m[1]);
}

const defaultOf = (doc: string): string | undefined => doc.match(/@default (.*)$/)?.[1].trim();
const schemaDefaultOf = (description: string): string | undefined => description.match(/Default: (.*?)\.?$/)?.[1].replace(/`/g, "").trim();
const numbersIn = (text: string): string[] => [...text.matchAll(/\d[\d,]*\d|\d/g)].map((m) => m[0].replace(/,/g, ""));

/** The fields of @pulumi/aws's ProviderAssumeRole and their types, as schema type specs. */
function awsAssumeRoleFields(): Map<string, Json> {
    const text = fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/aws/types/input.d.ts"), "utf8");
    const start = text.indexOf("export interface ProviderAssumeRole {");
    assert.ok(start >= 0, "@pulumi/aws declares no ProviderAssumeRole");
    const body = text.slice(start, text.indexOf("\n}", start));
    const fields = new Map<string, Json>();
    for (const m of body.matchAll(/^\s{4}(\w+)\?: (pulumi\.Input<[\s\S]*?\| undefined>);$/gm)) {
        const t = m[2].replace(/\s+/g, " ");
        if (/^pulumi\.Input<string \| undefined>$/.test(t)) fields.set(m[1], { type: "string" });
        else if (/^pulumi\.Input<pulumi\.Input<string>\[\] \| undefined>$/.test(t)) fields.set(m[1], { type: "array", items: { type: "string" } });
        else if (/^pulumi\.Input<\{ \[key: string\]: pulumi\.Input<string>; \} \| undefined>$/.test(t)) fields.set(m[1], { type: "object", additionalProperties: { type: "string" } });
        else fields.set(m[1], { unrecognized: t });
    }
    return fields;
}

const V = (n: number) => `arn:aws:states:us-east-1:123456789012:stateMachine:orders:${n}`;
const stripType = (spec: Json) => {
    const { description: _d, secret: _s, replaceOnChanges: _r, ...rest } = spec;
    return rest;
};

// ---- The tests ---------------------------------------------------------------------------------------

describe("plugin schema (provider/plugin/schema.ts)", () => {
    describe("names and tokens", () => {
        it("names the package as the metaschema's name pattern allows, and the plugin binary after it", () => {
            assert.strictEqual(S.name, PACKAGE_NAME);
            assert.match(PACKAGE_NAME, NAME_PATTERN);
            assert.strictEqual(S.name, "sfn-alias");
        });

        it("gives the resource, the provider and every type the pkg:module:member form with the package name (bind.go validateTypeToken)", () => {
            assert.strictEqual(RESOURCE_TOKEN, "sfn-alias:index:StateMachineAlias");
            assert.strictEqual(PROVIDER_TYPE, "pulumi:providers:sfn-alias");
            assert.deepStrictEqual(Object.keys(S.resources), [RESOURCE_TOKEN]);
            assert.deepStrictEqual(sorted(Object.keys(S.types)), sorted(Object.values(TYPE_TOKENS)));
            for (const tok of [...Object.keys(S.resources), ...Object.keys(S.types)]) {
                const parts = tok.split(":");
                assert.strictEqual(parts.length, 3, `${tok}: should have three parts`);
                assert.strictEqual(parts[0], PACKAGE_NAME, `${tok}: must have package name ${PACKAGE_NAME}`);
                assert.strictEqual(parts[1], "index", `${tok}: everything is in the index module`);
                assert.match(parts[2], /^[A-Z][A-Za-z0-9]*$/, `${tok}: a PascalCase member, as codegen names classes after it`);
                assert.notStrictEqual(parts[2].toLowerCase(), "provider", `${tok}: provider is a reserved word for the root module`);
                assert.match(tok, TOKEN_PATTERN);
            }
        });

        it("uses no reserved property name (reserved_keywords.go: pulumi anywhere, id on a custom resource, version on the provider)", () => {
            for (const p of allProperties(S)) {
                assert.notStrictEqual(p.name, "pulumi", p.path);
                if (p.owner === "resource-input" || p.owner === "resource-output") assert.notStrictEqual(p.name, "id", p.path);
                if (p.owner === "provider") assert.notStrictEqual(p.name, "version", p.path);
            }
        });

        it("names every property in camelCase of printable characters (bind.go validatePrintableName; codegen case-converts from it)", () => {
            for (const p of allProperties(S)) assert.match(p.name, /^[a-z][a-zA-Z0-9]*$/, p.path);
        });

        it("names no two members alike when case is folded (bind.go checkDuplicates)", () => {
            const members = [...Object.keys(S.resources), ...Object.keys(S.types)].map((t) => t.toLowerCase());
            assert.strictEqual(new Set(members).size, members.length);
        });
    });

    describe("structure (the metaschema's rules, without ajv)", () => {
        it("is valid against the metaschema's structural rules and the spec structs' fields", () => {
            assert.deepStrictEqual(structuralProblems(S), []);
        });

        it("the checker itself finds what the metaschema refuses", () => {
            const broken = JSON.parse(JSON.stringify(S)) as Json;
            broken.extra = 1;
            broken.name = "1sfn";
            broken.version = "one";
            broken.config.variables.region = { type: "string", items: { type: "string" }, description: "x" };
            broken.types[TYPE_TOKENS.endpoints].properties.sfn = { type: "text", description: "x" };
            broken.types[TYPE_TOKENS.deploymentType].enum.push({ name: "Nothing" });
            broken.types["sfn-alias:index:9Bad"] = { type: "object", properties: {}, description: "x" };
            broken.resources[RESOURCE_TOKEN].inputProperties.name = { $ref: "#/types/x", type: "string", items: { type: "string" }, description: "x" };
            broken.resources[RESOURCE_TOKEN].requiredInput = [];
            const problems = structuralProblems(broken).join("\n");
            for (const expected of ["unknown key extra", "#/name", "#/version", "#/config/variables/region", "sfn: matches 0", "enum/3: value is required", "9Bad: token", "inputProperties/name", "unknown key requiredInput"]) {
                assert.ok(problems.includes(expected), `expected a problem mentioning ${expected}:\n${problems}`);
            }
        });

        it("has a semver version, which `pulumi package add` needs (bind.go: version must be provided when package supports packing)", () => {
            assert.strictEqual(S.version, VERSION);
            assert.match(S.version, VERSION_PATTERN);
            assert.strictEqual((schema("v1.2.3") as Json).version, "1.2.3");
        });

        it("resolves every $ref to a type of this schema or a built-in one (bind.go bindTypeSpecRef: type not found in package)", () => {
            const refs = allProperties(S).flatMap((p) => refsOf(p.spec).map((r) => [p.path, r] as const));
            assert.ok(refs.length > 0);
            for (const [at, r] of refs) {
                if (BUILTIN_REFS.includes(r)) continue;
                assert.ok(r.startsWith("#/types/"), `${at}: ${r} is not a local type reference`);
                assert.ok(S.types[r.slice("#/types/".length)], `${at}: ${r} names no type in types`);
            }
            // And every type is used: an unused type is generated for nothing.
            const used = new Set(refs.map(([, r]) => r.slice("#/types/".length)));
            for (const tok of Object.keys(S.types)) assert.ok(used.has(tok), `${tok} is referenced by no property`);
        });

        it("declares every required and requiredInputs entry as a property (bind.go bindProperties: unknown required property)", () => {
            for (const [tok, t] of Object.entries(S.types) as [string, Json][]) {
                for (const name of t.required ?? []) assert.ok(t.properties?.[name], `${tok}: required ${name} is not a property`);
            }
            for (const name of resource.required) assert.ok(resource.properties[name], `required ${name} is not an output property`);
            for (const name of resource.requiredInputs) assert.ok(resource.inputProperties[name], `requiredInputs ${name} is not an input property`);
            for (const name of S.provider.requiredInputs ?? []) assert.ok(S.provider.inputProperties[name], `provider requiredInputs ${name}`);
        });

        it("describes the package, the provider, the resource, every type, enum value and property", () => {
            const nonEmpty = (s: unknown, at: string) => assert.ok(typeof s === "string" && s.trim().length > 0, `${at} has no description`);
            nonEmpty(S.description, "the package");
            nonEmpty(S.provider.description, "the provider");
            nonEmpty(resource.description, RESOURCE_TOKEN);
            for (const [tok, t] of Object.entries(S.types) as [string, Json][]) {
                nonEmpty(t.description, tok);
                for (const v of t.enum ?? []) nonEmpty(v.description, `${tok} ${v.value}`);
            }
            for (const p of allProperties(S)) nonEmpty(p.spec.description, p.path);
        });

        it("round-trips through JSON unchanged (GetSchema sends it as JSON text)", () => {
            const text = JSON.stringify(S);
            assert.deepStrictEqual(JSON.parse(text), S);
            assert.strictEqual(JSON.stringify(JSON.parse(text)), text);
            assert.deepStrictEqual(schema(VERSION), S, "the same version gives the same schema");
        });
    });

    describe("the resource", () => {
        it("takes exactly the inputs the product accepts (rules.ts INPUT_PROPERTIES), none of them required", () => {
            assert.deepStrictEqual(sorted(Object.keys(resource.inputProperties)), sorted(INPUT_PROPERTIES));
            // name is autonamed; routingConfiguration or deploymentPreference, one of the two (check enforces it).
            assert.deepStrictEqual(resource.requiredInputs, []);
        });

        it("takes exactly what the SDK's StateMachineAliasArgs declares", () => {
            assert.deepStrictEqual(sorted(sdkDocs("StateMachineAliasArgs").keys()), sorted(Object.keys(resource.inputProperties)));
        });

        it("outputs the inputs, what the SDK class declares, and the marker of a rollout left part-way", () => {
            assert.deepStrictEqual(sorted(Object.keys(resource.properties)), sorted(OUTPUT_PROPERTIES));
            // Every input but deploymentPreference, which only leads to routingConfiguration (no copy is recorded).
            for (const input of INPUT_PROPERTIES) assert.equal(!!resource.properties[input], input !== "deploymentPreference", `output ${input}`);
            const sdk = sdkOutputs();
            assert.deepStrictEqual(sorted(sdk), sorted(REQUIRED_OUTPUTS), "the SDK class declares the outputs every alias has");
            assert.deepStrictEqual(sorted(Object.keys(resource.properties).filter((k) => !sdk.includes(k))), sorted([MARKER_KEY]));
            assert.deepStrictEqual(sorted(resource.required), sorted(REQUIRED_OUTPUTS));
            assert.deepStrictEqual(resource.properties[MARKER_KEY].$ref, `#/types/${TYPE_TOKENS.rolloutInProgress}`);
        });

        it("gives inputs and outputs the same types", () => {
            for (const name of INPUT_PROPERTIES.filter((p) => resource.properties[p])) assert.deepStrictEqual(stripType(resource.properties[name]), stripType(resource.inputProperties[name]), name);
        });

        it("marks replaceOnChanges exactly the inputs any change of which replaces the alias (rules.ts REPLACE_ON)", () => {
            const marked = Object.entries(resource.inputProperties as Json).filter(([, p]) => p.replaceOnChanges === true).map(([k]) => k);
            assert.deepStrictEqual(marked, [...REPLACE_ON_CHANGES]);
            assert.deepStrictEqual(marked, [REPLACE_ON.aliasName]);
            // routingConfiguration replaces only when its versions are of another state machine: the plugin's Diff says so.
            for (const key of Object.values(REPLACE_ON)) assert.ok(INPUT_PROPERTIES.includes(key as never));
            assert.strictEqual(resource.inputProperties[REPLACE_ON.stateMachineArn].replaceOnChanges, undefined);
            // Codegen reads the flag from the output properties (schema.go Resource.ReplaceOnChanges ranges over
            // r.Properties), so it is on both; nowhere else.
            const markedOutputs = Object.entries(resource.properties as Json).filter(([, p]) => p.replaceOnChanges === true).map(([k]) => k);
            assert.deepStrictEqual(markedOutputs, [...REPLACE_ON_CHANGES]);
            for (const p of allProperties(S)) if (!p.owner.startsWith("resource-")) assert.strictEqual(p.spec.replaceOnChanges, undefined, p.path);
        });

        it("types the routing entry as ROUTING_ENTRY_PROPERTIES, both required, weight an integer", () => {
            const t = typeOf(TYPE_TOKENS.routingConfigurationEntry);
            assert.deepStrictEqual(sorted(Object.keys(t.properties)), sorted(ROUTING_ENTRY_PROPERTIES));
            assert.deepStrictEqual(sorted(t.required), sorted(ROUTING_ENTRY_PROPERTIES));
            assert.strictEqual(t.properties.weight.type, "integer");
            assert.deepStrictEqual(resource.inputProperties.routingConfiguration.items, { $ref: `#/types/${TYPE_TOKENS.routingConfigurationEntry}` });
        });

        it("types deploymentPreference as PREFERENCE_PROPERTIES, requiring what check requires", () => {
            const t = typeOf(TYPE_TOKENS.deploymentPreference);
            assert.deepStrictEqual(sorted(Object.keys(t.properties)), sorted(PREFERENCE_PROPERTIES));
            const missing = checkPreference({}).failures.filter((f) => f.reason.includes("is required")).map((f) => f.property.replace("deploymentPreference.", ""));
            assert.deepStrictEqual(sorted(t.required), sorted(missing));
            for (const k of ["percentage", "interval", "intervalSeconds", "bakeTimeSeconds", "alarmPollSeconds"]) assert.strictEqual(t.properties[k].type, "integer", k);
            assert.deepStrictEqual(t.properties.steps.items, { type: "integer" });
            assert.deepStrictEqual(t.properties.alarms.items, { type: "string" });
            const pre = typeOf(TYPE_TOKENS.preTrafficExecution);
            assert.deepStrictEqual(sorted(Object.keys(pre.properties)), sorted(PRE_TRAFFIC_PROPERTIES));
            assert.strictEqual(pre.properties.input.$ref, "pulumi.json#/Any", "an object or JSON text");
        });

        it("enumerates the deployment types and alarm treatments as check accepts them", () => {
            const values = (tok: string) => typeOf(tok).enum.map((v: Json) => v.value);
            assert.deepStrictEqual(values(TYPE_TOKENS.deploymentType), [...DEPLOYMENT_TYPES]);
            assert.deepStrictEqual(values(TYPE_TOKENS.insufficientDataTreatment), [...INSUFFICIENT_DATA_TREATMENTS]);
            assert.deepStrictEqual(values(TYPE_TOKENS.alarmReadFailureAction), [...ALARM_READ_FAILURE_ACTIONS]);
            assert.deepStrictEqual(typeOf(TYPE_TOKENS.deploymentType).enum.map((v: Json) => v.name), ["AllAtOnce", "Canary", "Linear"]);
            for (const t of DEPLOYMENT_TYPES) {
                const valid = checkPreference({ type: t, stateMachineVersionArn: V(2), ...(t === "ALL_AT_ONCE" ? {} : { percentage: 10, interval: 5 }) });
                assert.deepStrictEqual(valid.failures, [], t);
            }
        });
    });

    describe("descriptions agree with the SDK's doc comments (sdk/stateMachineAlias.ts)", () => {
        const pairs: [string, Json][] = [
            ["StateMachineAliasArgs", resource.inputProperties],
            ["RoutingConfigurationEntryArgs", typeOf(TYPE_TOKENS.routingConfigurationEntry).properties],
            ["DeploymentPreferenceArgs", typeOf(TYPE_TOKENS.deploymentPreference).properties],
            ["PreTrafficExecutionArgs", typeOf(TYPE_TOKENS.preTrafficExecution).properties],
        ];
        // Where the plugin differs from the dynamic resource: its autoname digests the engine's random seed (server.ts
        // Check), not project, stack, parent and name.
        const PLUGIN_DEFAULTS: Record<string, string> = { "StateMachineAliasArgs.name": `<resource name>-<${AUTONAME_SUFFIX_LENGTH} characters [a-z0-9]>, the characters a digest of the engine's random seed` };

        it("has a property for each documented SDK property, and no other", () => {
            for (const [iface, props] of pairs) assert.deepStrictEqual(sorted(sdkDocs(iface).keys()), sorted(Object.keys(props)), iface);
        });

        it("states the same default as each @default, or says why not", () => {
            let compared = 0;
            for (const [iface, props] of pairs) {
                for (const [prop, doc] of sdkDocs(iface)) {
                    const sdk = defaultOf(doc);
                    const ours = schemaDefaultOf(props[prop].description);
                    if (sdk === undefined) continue;
                    const key = `${iface}.${prop}`;
                    if (PLUGIN_DEFAULTS[key]) {
                        assert.ok(props[prop].description.includes(PLUGIN_DEFAULTS[key].replace(/`/g, "")) || props[prop].description.replace(/`/g, "").includes(PLUGIN_DEFAULTS[key]), key);
                        continue;
                    }
                    assert.strictEqual(ours, sdk.replace(/`/g, ""), `${key}: the SDK says @default ${sdk}; the schema says Default: ${ours}`);
                    compared++;
                }
            }
            assert.ok(compared >= 8, `only ${compared} defaults compared`);
        });

        it("states the defaults check applies, from preference.ts's constants and checkPreference itself", () => {
            const p = typeOf(TYPE_TOKENS.deploymentPreference).properties;
            const pre = typeOf(TYPE_TOKENS.preTrafficExecution).properties;
            const checked = checkPreference({ type: "CANARY", stateMachineVersionArn: V(2), percentage: 10, interval: 5, alarms: ["errors"], preTrafficExecution: {} });
            assert.deepStrictEqual(checked.failures, []);
            const pref = checked.preference!;
            assert.strictEqual(pref.alarmPollSeconds, ALARM_POLL_SECONDS_DEFAULT);
            assert.strictEqual(schemaDefaultOf(p.alarmPollSeconds.description), String(pref.alarmPollSeconds));
            assert.strictEqual(schemaDefaultOf(p.treatInsufficientDataAs.description), JSON.stringify(pref.treatInsufficientDataAs));
            assert.strictEqual(schemaDefaultOf(p.onAlarmReadFailure.description), JSON.stringify(pref.onAlarmReadFailure));
            assert.strictEqual(pref.preTrafficExecution!.timeoutSeconds, PRE_TRAFFIC_TIMEOUT_SECONDS_DEFAULT);
            assert.strictEqual(schemaDefaultOf(pre.timeoutSeconds.description), String(pref.preTrafficExecution!.timeoutSeconds));
            assert.strictEqual(schemaDefaultOf(pre.input.description), pref.preTrafficExecution!.input);
            // The bake: one interval by default; ALL_AT_ONCE with alarms and no interval the constant; 0 without alarms.
            assert.strictEqual(pref.bakeTimeSeconds, 5 * 60);
            const allAtOnce = checkPreference({ type: "ALL_AT_ONCE", stateMachineVersionArn: V(2), alarms: ["errors"] }).preference!;
            assert.strictEqual(allAtOnce.bakeTimeSeconds, ALL_AT_ONCE_BAKE_SECONDS_DEFAULT);
            assert.strictEqual(checkPreference({ type: "ALL_AT_ONCE", stateMachineVersionArn: V(2) }).preference!.bakeTimeSeconds, 0);
            assert.match(p.bakeTimeSeconds.description, new RegExp(`Default: the interval; for ALL_AT_ONCE without an interval, ${ALL_AT_ONCE_BAKE_SECONDS_DEFAULT} when alarms are given; 0 without alarms`));
        });

        it("states every limit the SDK's comment states (each number of it appears)", () => {
            for (const [iface, props] of pairs) {
                for (const [prop, doc] of sdkDocs(iface)) {
                    const ours = new Set(numbersIn(props[prop].description));
                    for (const n of numbersIn(doc)) assert.ok(ours.has(n), `${iface}.${prop}: the SDK's comment says ${n}; the schema's description does not:\n${props[prop].description}`);
                }
            }
        });

        it("says the same things: each sentence of the SDK's comment is in the description, but for the plugin's differences", () => {
            const norm = (s: string) => s.replace(/`/g, "").replace(/\s+/g, " ").trim();
            // Sentences that are not true of the plugin: `pulumi import` works with it, and its autoname differs.
            const DIFFERENT = [/pulumi import does not work/, /^@default/];
            for (const [iface, props] of pairs) {
                for (const [prop, doc] of sdkDocs(iface)) {
                    const ours = norm(props[prop].description);
                    const sentences = norm(doc.replace(/@default[\s\S]*$/, "")).split(/(?<=\.)\s+(?=[A-Z`(])/).filter(Boolean);
                    for (const sentence of sentences) {
                        if (DIFFERENT.some((d) => d.test(sentence))) continue;
                        const body = sentence.replace(/\.$/, "");
                        assert.ok(ours.includes(body), `${iface}.${prop}: the SDK says "${sentence}"; the schema's description does not:\n${ours}`);
                    }
                }
            }
        });
    });

    describe("the provider's configuration", () => {
        it("declares exactly CONFIG_KEYS, as config variables and as the provider's inputs alike", () => {
            assert.deepStrictEqual(sorted(Object.keys(S.config.variables)), sorted(CONFIG_KEYS));
            assert.deepStrictEqual(S.provider.inputProperties, S.config.variables);
            assert.deepStrictEqual(S.provider.requiredInputs ?? [], []);
        });

        it("honours what the dynamic provider reads as aws:* (config.ts), plus region", () => {
            // The keys settingsFromConfig asks for, recorded by its getter.
            const asked = new Set<string>();
            settingsFromConfig((key) => {
                asked.add(key);
                return undefined;
            });
            const awsKeys = new Set([...asked].map((k) => k.replace(/^aws:/, "")));
            assert.ok(awsKeys.has("assumeRole"), "v6's single-object form");
            awsKeys.delete("assumeRole"); // the schema declares the list form only.
            assert.deepStrictEqual(sorted([...awsKeys, "region"]), sorted(CONFIG_KEYS));
        });

        it("marks the credentials secret (the engine keeps them encrypted), and nothing else", () => {
            for (const key of CONFIG_KEYS) {
                const expected = SECRET_CONFIG_KEYS.includes(key);
                assert.strictEqual(S.config.variables[key].secret === true, expected, key);
                assert.strictEqual(S.provider.inputProperties[key].secret === true, expected, key);
            }
            for (const key of ["secretKey", "token", "accessKey"]) assert.strictEqual(S.config.variables[key].secret, true, key);
            for (const p of allProperties(S)) if (p.owner !== "config" && p.owner !== "provider") assert.strictEqual(p.spec.secret, undefined, p.path);
        });

        it("types endpoints as a list of entries with the services config.ts reads", () => {
            assert.deepStrictEqual(S.config.variables.endpoints.items, { $ref: `#/types/${TYPE_TOKENS.endpoints}` });
            const t = typeOf(TYPE_TOKENS.endpoints);
            assert.deepStrictEqual(sorted(Object.keys(t.properties)), sorted([...ENDPOINT_KEYS, ...STS_ENDPOINT_KEYS, ...CLOUDWATCH_ENDPOINT_KEYS]));
            assert.deepStrictEqual(sorted(ENDPOINT_FIELDS), sorted(["sfn", "stepfunctions", "sts", "cloudwatch"]));
            for (const p of Object.values(t.properties) as Json[]) assert.strictEqual(p.type, "string");
            assert.strictEqual(t.required, undefined, "every field optional");
        });

        it("types assumeRoles as ASSUME_ROLE_FIELDS with @pulumi/aws's ProviderAssumeRole types, roleArn required", () => {
            assert.deepStrictEqual(S.config.variables.assumeRoles.items, { $ref: `#/types/${TYPE_TOKENS.assumeRole}` });
            const t = typeOf(TYPE_TOKENS.assumeRole);
            assert.deepStrictEqual(sorted(Object.keys(t.properties)), sorted(ASSUME_ROLE_FIELDS));
            const aws = awsAssumeRoleFields();
            assert.deepStrictEqual(sorted(aws.keys()), sorted(ASSUME_ROLE_FIELDS), "ASSUME_ROLE_FIELDS is ProviderAssumeRole's fields");
            for (const f of ASSUME_ROLE_FIELDS) assert.deepStrictEqual(stripType(t.properties[f]), aws.get(f), f);
            assert.deepStrictEqual(t.required, ["roleArn"]);
            assert.ok(t.properties.sessionName.description.includes(DEFAULT_SESSION_NAME));
        });
    });

    describe("language sections", () => {
        const lang = S.language as Json;
        // The json tags of each importer's package info struct (pulumi/pulumi nodejs/importer.go NodePackageInfo,
        // python/importer.go PackageInfo, go/importer.go GoPackageInfo; pulumi-dotnet codegen/importer.go
        // CSharpPackageInfo; pulumi-java pkg/codegen/java/package_info.go PackageInfo). A key outside is ignored.
        const KNOWN: Record<string, string[]> = {
            nodejs: ["packageName", "packageDescription", "readme", "dependencies", "devDependencies", "peerDependencies", "resolutions", "typescriptVersion", "moduleToPackage", "compatibility", "disableUnionOutputTypes", "containsEnums", "providerNameToModuleName", "extraTypeScriptFiles", "liftSingleValueMethodReturns", "respectSchemaVersion", "useTypeOnlyReferences"],
            python: ["packageName", "pythonRequires", "requires", "readme", "moduleNameOverrides", "compatibility", "usesIOClasses", "liftSingleValueMethodReturns", "respectSchemaVersion", "pyproject", "inputTypes"],
            go: ["importBasePath", "modulePath", "rootPackageName", "moduleToPackage", "packageImportAliases", "importPathPattern", "generateResourceContainerTypes", "pulumiSDKVersion", "disableFunctionOutputVersions", "liftSingleValueMethodReturns", "disableInputTypeRegistrations", "internalModuleName", "disableObjectDefaults", "generateExtraInputTypes", "omitExtraInputTypes", "respectSchemaVersion", "internalDependencies", "generics"],
            csharp: ["packageReferences", "namespaces", "compatibility", "dictionaryConstructors", "projectReferences", "liftSingleValueMethodReturns", "rootNamespace", "respectSchemaVersion"],
            java: ["packages", "basePackage", "buildFiles", "dependencies", "gradleNexusPublishPluginVersion", "gradleTest"],
        };
        const EXPECTED: Record<string, string[]> = {
            nodejs: ["packageName", "dependencies"],
            python: ["packageName", "requires"],
            go: ["importBasePath"],
            csharp: ["rootNamespace", "namespaces", "packageReferences"],
            java: ["basePackage", "packages"],
        };

        it("has a section per SDK language, with the expected keys, each a field the importer reads", () => {
            assert.deepStrictEqual(sorted(Object.keys(lang)), sorted(Object.keys(KNOWN)));
            for (const [l, keys] of Object.entries(EXPECTED)) for (const k of keys) assert.ok(lang[l][k] !== undefined, `${l}.${k}`);
            for (const [l, section] of Object.entries(lang)) for (const k of Object.keys(section as Json)) assert.ok(KNOWN[l].includes(k), `${l}.${k} is not a field of ${l}'s package info`);
        });

        it("nodejs: a scoped npm name (not the dynamic package's pulumi-sfn-alias), depending on @pulumi/pulumi", () => {
            assert.match(lang.nodejs.packageName, /^@[a-z0-9-]+\/[a-z0-9-]+$/);
            const ours = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).name;
            assert.notStrictEqual(lang.nodejs.packageName, ours);
            assert.match(lang.nodejs.dependencies["@pulumi/pulumi"], /^\^3\.\d+\.\d+$/);
        });

        it("python: pulumi_sfn_alias, requiring pulumi 3", () => {
            assert.strictEqual(lang.python.packageName, "pulumi_sfn_alias");
            assert.match(lang.python.packageName, /^[a-z_][a-z0-9_]*$/, "an importable module name");
            assert.match(lang.python.requires.pulumi, /^>=3\.\d+\.\d+,<4\.0\.0$/);
        });

        it("go: an import path whose last element is a valid package name, and whose module is the one package add links", () => {
            const base = lang.go.importBasePath as string;
            assert.strictEqual(path.posix.basename(base), "sfnalias");
            assert.match(path.posix.basename(base), /^[a-z][a-z0-9]*$/);
            // go/gen.go ExtractModulePath with SupportPack: <repository host+path>/sdk/go[/vN]; the import base is one below it.
            const url = new URL(REPOSITORY);
            assert.strictEqual(path.posix.dirname(base), `${url.host}${url.pathname}/sdk/go`);
            assert.strictEqual(goImportBasePath("2.3.0"), `${url.host}${url.pathname}/sdk/go/v2/sfnalias`);
            assert.strictEqual(goImportBasePath("v1.0.0"), base);
            assert.strictEqual(S.repository, REPOSITORY);
        });

        it("csharp: Pulumi.SfnAlias; java: com.pulumi.sfnalias (the hyphenated name mapped, as aws-native does)", () => {
            assert.strictEqual(`${lang.csharp.rootNamespace}.${lang.csharp.namespaces[PACKAGE_NAME]}`, "Pulumi.SfnAlias");
            assert.ok(lang.csharp.packageReferences.Pulumi);
            // pulumi-java gen.go tokenToPackage: basePackage + packages[<package name>] (+ module, none for index).
            assert.strictEqual(`${lang.java.basePackage}.${lang.java.packages[PACKAGE_NAME]}`, "com.pulumi.sfnalias");
        });

        it("has the package metadata the registry and `pulumi package info` show", () => {
            for (const k of ["displayName", "description", "homepage", "repository", "license", "publisher"]) assert.ok(typeof S[k] === "string" && S[k].length > 0, k);
            assert.ok(Array.isArray(S.keywords) && S.keywords.length > 0);
            assert.strictEqual(S.license, JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).license);
        });
    });

    it("is pure: building it twice gives independent objects", () => {
        const a = schema(VERSION) as Json;
        const b = schema(VERSION) as Json;
        assert.notStrictEqual(a, b);
        a.types[TYPE_TOKENS.endpoints].description = "changed";
        assert.notStrictEqual((b as Json).types[TYPE_TOKENS.endpoints].description, "changed");
        assert.strictEqual(DESCRIPTIONS.config.region.length > 0, true);
    });
});
