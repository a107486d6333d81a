/**
 * Check: every rule AWS would enforce, applied before anything is sent, each failure on the property it
 * concerns with the value received, the rule and the fix. Pure: no I/O, nothing random.
 *
 * What a message may repeat of the input: the dynamic plugin does not accept secrets, so check sees
 * `pulumi.secret(...)` values in plaintext, and a failure reason is printed by the engine. AWS treats the
 * description as sensitive: it is never repeated (its length or its type is). Other values are repeated only
 * where they are structural and short: ARNs, alias names, weights, flags, property keys. A list or an object
 * is summarized (its size, an object's keys), never dumped, since it may hold anything, a description
 * included; an input that is not an object is named by its type only.
 */
import { describeArnProblem, parseVersionArn, VERSION_ARN_FORM, VersionRef } from "./arn";
import {
    AUTONAME_ALPHABET,
    AUTONAME_PREFIX_KEY,
    AUTONAME_SEED_KEY,
    AUTONAME_SUFFIX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    INPUT_PROPERTIES,
    isUnknown,
    NAME_MAX_LENGTH,
    NAME_PATTERN,
    RESERVED_KEYS,
    ROUTING_ENTRY_PROPERTIES,
    ROUTING_MAX_ENTRIES,
    ROUTING_MIN_ENTRIES,
    WEIGHT_MAX,
    WEIGHT_MIN,
    WEIGHT_SUM,
} from "./rules";
import { closest } from "./suggest";
import { stateMachineOf } from "./diff";
import { checkPreference } from "./rollout/preference";

export interface CheckFailure {
    readonly property: string;
    readonly reason: string;
}

export interface CheckOutcome {
    /** The inputs to use: the news with the name filled in (autonamed or kept) and internal keys removed. */
    readonly inputs: Record<string, unknown>;
    readonly failures: CheckFailure[];
}

type Inputs = Record<string, unknown>;

/** Longest text a message repeats; past it, the start and "...". */
const SHOWN_MAX = 120;
/** At most this many of an object's keys are named. */
const KEYS_SHOWN_MAX = 5;

/**
 * A structural value (an ARN, a name, a weight, a flag, a key) as a user wrote it, shortened so that a
 * message stays readable. A list or an object is summarized, never dumped. Never given a description.
 */
export function show(value: unknown): string {
    if (value === undefined) return "undefined";
    if (value === null) return "null";
    if (typeof value === "number" || typeof value === "boolean") return String(value); // JSON would print NaN and Infinity as null
    if (typeof value === "string") {
        const text = JSON.stringify(value);
        return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX - 3)}...` : text;
    }
    return `(${summary(value)})`;
}

function typeName(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "number" && Number.isNaN(value)) return "NaN";
    return typeof value === "object" || typeof value === "undefined" ? `an ${typeof value}` : `a ${typeof value}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A list or an object by its shape: a list's size, an object's keys (property names, safe to repeat). */
function summary(value: unknown): string {
    if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${plural(value.length, "entry", "entries")}`;
    if (typeof value === "object" && value !== null) {
        const keys = Object.keys(value);
        if (keys.length === 0) return "an empty object";
        const named = keys.slice(0, KEYS_SHOWN_MAX).map((k) => show(k)).join(", ");
        const more = keys.length > KEYS_SHOWN_MAX ? ` and ${keys.length - KEYS_SHOWN_MAX} more` : "";
        return `an object with ${keys.length === 1 ? "key" : "keys"} ${named}${more}`;
    }
    return typeName(value);
}

/** What a property of the wrong type received: its type, with the value when it is a scalar, or its shape. */
function received(value: unknown): string {
    if (Array.isArray(value) || (typeof value === "object" && value !== null)) return summary(value);
    if (value === undefined) return "an undefined value";
    if (value === null || Number.isNaN(value)) return typeName(value);
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return `${typeName(value)} (${show(value)})`;
    return typeName(value); // a function, a symbol, a bigint: no engine sends one
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKeyReason(key: string, known: readonly string[], where: string): string {
    const guess = closest(key, known);
    const hint = guess ? `did you mean ${guess}? ` : "";
    return `unknown property ${show(key)} on ${where}: ${hint}${where} accepts ${known.join(", ")}.`;
}

// ---- name ---------------------------------------------------------------------------------------

export function nameFailure(name: unknown): string | undefined {
    if (typeof name !== "string") {
        return `name must be a string, but received ${received(name)}; set a string, or omit name to have one generated from the resource name.`;
    }
    if (name.length === 0) {
        return `name is empty; an alias name has 1 to ${NAME_MAX_LENGTH} characters: set one, or omit name to have one generated from the resource name.`;
    }
    if (name.length > NAME_MAX_LENGTH) {
        return `name ${show(name)} has ${name.length} characters, more than AWS's limit of ${NAME_MAX_LENGTH}; shorten it.`;
    }
    if (!NAME_PATTERN.test(name)) {
        const bad = [...new Set([...name].filter((c) => !/[a-zA-Z0-9_\-.]/.test(c)))];
        if (bad.length === 0) {
            return `name ${show(name)} has only digits, which AWS refuses (pattern ${NAME_PATTERN.source}); add a letter or one of _ - . to it.`;
        }
        const named = bad.slice(0, 10).map((c) => show(c)).join(", ") + (bad.length > 10 ? ` and ${bad.length - 10} more` : "");
        return `name ${show(name)} contains ${named}; an alias name may contain only letters a-z A-Z, digits, '_', '-' and '.' (pattern ${NAME_PATTERN.source}).`;
    }
    return undefined;
}

/**
 * Makes `<prefix>-<7 characters [a-z0-9]>`, the prefix cleaned and cut so the whole is a valid alias name.
 * The suffix is a digest of `seed` (the SDK passes project, stack, parent URN and resource name), so the same
 * program and stack always make the same name: in preview and in up (each runs its own Check), and when the
 * engine checks a replacement again with no olds. Nothing random: the dynamic-provider shim gets no random
 * seed from the engine, and a random name would differ between preview and up.
 */
export function autoname(prefix: string, seed: string): string {
    const cleaned = prefix.replace(/[^a-zA-Z0-9_\-.]/g, "-").slice(0, NAME_MAX_LENGTH - AUTONAME_SUFFIX_LENGTH - 1);
    const { createHash } = require("crypto") as typeof import("crypto");
    const digest = createHash("sha256").update(seed).digest();
    let suffix = "";
    for (let i = 0; i < AUTONAME_SUFFIX_LENGTH; i++) suffix += AUTONAME_ALPHABET[digest[i] % AUTONAME_ALPHABET.length];
    // The suffix may be all digits, but the joining '-' keeps the name from being digits only.
    return `${cleaned}-${suffix}`;
}

// ---- routing ------------------------------------------------------------------------------------

function weightFailure(weight: unknown, path: string): string | undefined {
    if (typeof weight === "string" && weight.trim() !== "" && Number.isFinite(Number(weight))) {
        return `${path} must be a number, but received the string ${show(weight)}; write ${Number(weight)} without quotes.`;
    }
    if (typeof weight !== "number" || Number.isNaN(weight)) {
        return `${path} must be a whole number from ${WEIGHT_MIN} to ${WEIGHT_MAX}, but received ${received(weight)}; set the percentage of executions for this version.`;
    }
    if (!Number.isInteger(weight)) {
        return `${path} is ${show(weight)}, but weights are whole percentages; use an integer from ${WEIGHT_MIN} to ${WEIGHT_MAX}.`;
    }
    if (weight < WEIGHT_MIN || weight > WEIGHT_MAX) {
        return (
            `${path} is ${weight}, outside ${WEIGHT_MIN}-${WEIGHT_MAX}; a weight is the percentage of executions sent to that version: ` +
            `use a whole number from ${WEIGHT_MIN} to ${WEIGHT_MAX}, the weights summing to ${WEIGHT_SUM}.`
        );
    }
    return undefined;
}

function checkRouting(routing: unknown, failures: CheckFailure[]): void {
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    if (isUnknown(routing)) return;
    if (routing === undefined) {
        fail(
            "routingConfiguration",
            `routingConfiguration is required: 1 or 2 entries { stateMachineVersionArn, weight } whose weights sum to ${WEIGHT_SUM}; ` +
                `or set deploymentPreference instead, to move all traffic to one version gradually.`,
        );
        return;
    }
    if (!Array.isArray(routing)) {
        fail(
            "routingConfiguration",
            `routingConfiguration must be a list of 1 or 2 { stateMachineVersionArn, weight } entries, but received ${received(routing)}; ` +
                (isPlainObject(routing) && ROUTING_ENTRY_PROPERTIES.some((k) => k in routing)
                    ? "put the entry in a list: [{ stateMachineVersionArn, weight }]."
                    : "write it as [{ stateMachineVersionArn: <version ARN>, weight: 100 }]."),
        );
        return;
    }
    if (routing.length < ROUTING_MIN_ENTRIES || routing.length > ROUTING_MAX_ENTRIES) {
        fail(
            "routingConfiguration",
            `routingConfiguration has ${routing.length} entries, but an alias routes to ${ROUTING_MIN_ENTRIES} or ${ROUTING_MAX_ENTRIES} versions ` +
                `(AWS's limit); ${routing.length === 0 ? "add the version to route to, with weight 100" : "keep at most two versions, e.g. the current one and the canary"}.`,
        );
        if (routing.length === 0) return;
    }

    // Per entry; remember what is known and valid for the rules across entries.
    const versions: (VersionRef | undefined)[] = [];
    const weights: (number | undefined)[] = [];
    // An index loop, not forEach: a sparse list's holes are entries too, and invalid ones.
    for (let i = 0; i < routing.length; i++) {
        const entry: unknown = routing[i];
        const path = `routingConfiguration[${i}]`;
        versions[i] = undefined;
        weights[i] = undefined;
        if (isUnknown(entry)) continue;
        if (!isPlainObject(entry)) {
            fail(path, `${path} must be an object { stateMachineVersionArn, weight }, but received ${received(entry)}.`);
            continue;
        }
        for (const key of Object.keys(entry)) {
            if (!(ROUTING_ENTRY_PROPERTIES as readonly string[]).includes(key)) {
                fail(`${path}.${key}`, unknownKeyReason(key, ROUTING_ENTRY_PROPERTIES, "a routingConfiguration entry"));
            }
        }
        const arn = entry.stateMachineVersionArn;
        const arnPath = `${path}.stateMachineVersionArn`;
        if (arn === undefined) {
            fail(arnPath, `${arnPath} is required: set it to the ARN of a published version of the state machine (${VERSION_ARN_FORM}).`);
        } else if (!isUnknown(arn)) {
            const parsed = parseVersionArn(arn);
            if (parsed.ok) versions[i] = parsed.value;
            else if (typeof arn !== "string") {
                fail(arnPath, `${arnPath} must be a string, the ARN of a published version of the state machine (${VERSION_ARN_FORM}), but received ${received(arn)}.`);
            } else if (parsed.problem.kind === "too-long") {
                // Not an ARN: not repeated.
                fail(arnPath, `${arnPath} is not a state machine version ARN: ${describeArnProblem(parsed.problem)}.`);
            } else fail(arnPath, `${arnPath} ${show(arn)} is not a state machine version ARN: ${describeArnProblem(parsed.problem)}.`);
        }
        const weight = entry.weight;
        const weightPath = `${path}.weight`;
        if (weight === undefined) {
            fail(weightPath, `${weightPath} is required: set it to the percentage (${WEIGHT_MIN}-${WEIGHT_MAX}) of executions for this version.`);
        } else if (!isUnknown(weight)) {
            const problem = weightFailure(weight, weightPath);
            if (problem) fail(weightPath, problem);
            else weights[i] = weight as number;
        }
    }

    // Versions: distinct, and of one state machine. Only among entries known and valid.
    for (let i = 1; i < routing.length; i++) {
        for (let j = 0; j < i; j++) {
            const a = versions[j];
            const b = versions[i];
            if (!a || !b) continue;
            const path = `routingConfiguration[${i}].stateMachineVersionArn`;
            if (a.stateMachineArn === b.stateMachineArn && a.version === b.version) {
                fail(
                    path,
                    `${path} ${show((routing[i] as Inputs).stateMachineVersionArn)} is the same version as routingConfiguration[${j}]; ` +
                        `an alias routes to distinct versions: name another version, or use a single entry with weight ${WEIGHT_SUM}.`,
                );
            } else if (a.stateMachineArn !== b.stateMachineArn) {
                fail(
                    path,
                    `${path} is a version of ${b.stateMachineArn}, but routingConfiguration[${j}] is a version of ${a.stateMachineArn}; ` +
                        `an alias routes between versions of one state machine: use two versions of the same state machine.`,
                );
            }
        }
    }

    // Weights sum to exactly 100, when every weight is known and valid.
    if (routing.length <= ROUTING_MAX_ENTRIES && weights.length === routing.length && weights.every((w) => w !== undefined)) {
        const sum = (weights as number[]).reduce((s, w) => s + w, 0);
        if (sum !== WEIGHT_SUM) {
            const example = weights.length === 2 ? ` (e.g. ${weights[0]} and ${WEIGHT_SUM - (weights[0] as number)})` : ` (a single entry takes ${WEIGHT_SUM})`;
            fail(
                "routingConfiguration",
                `routingConfiguration weights ${(weights as number[]).join(" + ")} sum to ${sum}, but they must sum to exactly ${WEIGHT_SUM}; adjust them${example}.`,
            );
        }
    }
}

// ---- the whole resource -------------------------------------------------------------------------

/** Validates and completes the inputs. `olds` are the previous checked inputs (empty on create). */
export function checkAlias(olds: Inputs, news: Inputs): CheckOutcome {
    if (!isPlainObject(news)) {
        // Its type only: any of it may be a description.
        const fix = "pass { name?, description?, routingConfiguration, adoptExisting? }";
        return { inputs: {}, failures: [{ property: "", reason: `StateMachineAlias takes an object of inputs, but received ${typeName(news)}; ${fix}.` }] };
    }
    olds = isPlainObject(olds) ? olds : {};
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Inputs = { ...news };
    delete inputs[AUTONAME_PREFIX_KEY];
    delete inputs[AUTONAME_SEED_KEY];

    for (const key of Object.keys(news)) {
        if (!(INPUT_PROPERTIES as readonly string[]).includes(key) && !RESERVED_KEYS.includes(key)) {
            fail(key, unknownKeyReason(key, INPUT_PROPERTIES, "StateMachineAlias"));
        }
    }

    // name: the user's, else the previous one (kept whatever made it, as Pulumi's bridged providers do: a
    // rename with `aliases` or a new prefix must not rename the alias), else one made from the seed.
    if (news.name === undefined) {
        const prefix = news[AUTONAME_PREFIX_KEY];
        const seed = news[AUTONAME_SEED_KEY];
        if (typeof olds.name === "string" && olds.name.length > 0) {
            inputs.name = olds.name;
        } else if (typeof prefix === "string" && prefix.length > 0) {
            inputs.name = autoname(prefix, typeof seed === "string" && seed.length > 0 ? seed : prefix);
        } else {
            fail("name", "name is required when the provider is used without the StateMachineAlias class (which names aliases after their resource).");
        }
    } else if (!isUnknown(news.name)) {
        const problem = nameFailure(news.name);
        if (problem) fail("name", problem);
    }

    const description = news.description;
    if (description !== undefined && !isUnknown(description)) {
        if (typeof description !== "string") {
            // Its type only, never its content (AWS treats the description as sensitive).
            fail(
                "description",
                `description must be a string, but received ${typeName(description)}; set a string of at most ${DESCRIPTION_MAX_LENGTH} characters, or omit it for no description.`,
            );
        } else if (description.length > DESCRIPTION_MAX_LENGTH) {
            // Its length only, never its text (AWS treats the description as sensitive; it may be a secret).
            fail(
                "description",
                `description has ${description.length} characters, more than AWS's limit of ${DESCRIPTION_MAX_LENGTH}; shorten it (its text is not repeated here: AWS treats descriptions as sensitive).`,
            );
        }
    }

    const adopt = news.adoptExisting;
    if (adopt !== undefined && !isUnknown(adopt) && typeof adopt !== "boolean") {
        fail("adoptExisting", `adoptExisting must be true or false, but received ${received(adopt)}; write it without quotes, or omit it (false).`);
    }

    const preference = news.deploymentPreference;
    if (preference === undefined) {
        checkRouting(news.routingConfiguration, failures);
    } else if (news.routingConfiguration !== undefined) {
        fail(
            "deploymentPreference",
            "routingConfiguration and deploymentPreference are both set, but they are mutually exclusive (as in CloudFormation): " +
                "deploymentPreference moves all traffic to its version gradually; routingConfiguration sets the weights at once. Keep one.",
        );
    } else {
        // The state machine the alias is on, from the previous inputs: a rollout stays within it.
        const oldPreference = isPlainObject(olds.deploymentPreference) ? olds.deploymentPreference : undefined;
        const machine = stateMachineOf(olds.routingConfiguration) ?? stateMachineOf(oldPreference ? [oldPreference] : undefined);
        failures.push(...checkPreference(preference, machine).failures);
    }
    return { inputs, failures };
}
