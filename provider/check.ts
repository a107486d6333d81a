/**
 * Check: every rule AWS would enforce, applied before anything is sent, each failure on the property it
 * concerns with the value received, the rule and the fix. Pure: no I/O; randomness is injected.
 */
import { describeArnProblem, parseVersionArn, VERSION_ARN_FORM, VersionRef } from "./arn";
import {
    AUTONAME_ALPHABET,
    AUTONAME_PREFIX_KEY,
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

/** A value as a user wrote it, shortened so that a message stays readable. */
export function show(value: unknown): string {
    let text: string;
    if (value === undefined) text = "undefined";
    else if (typeof value === "number") text = String(value); // JSON would print NaN and Infinity as null
    else {
        try {
            text = JSON.stringify(value) ?? String(value);
        } catch {
            text = String(value);
        }
    }
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function typeName(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "number" && Number.isNaN(value)) return "NaN";
    return typeof value === "object" || typeof value === "undefined" ? `an ${typeof value}` : `a ${typeof value}`;
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
        return `name must be a string, but received ${typeName(name)} (${show(name)}); set a string, or omit name to have one generated from the resource name.`;
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
        return `name ${show(name)} contains ${bad.map((c) => show(c)).join(", ")}; an alias name may contain only letters a-z A-Z, digits, '_', '-' and '.' (pattern ${NAME_PATTERN.source}).`;
    }
    return undefined;
}

/** Makes `<prefix>-<7 random [a-z0-9]>`, the prefix cleaned and cut so the whole is a valid alias name. */
export function autoname(prefix: string, random: () => number): string {
    const cleaned = prefix.replace(/[^a-zA-Z0-9_\-.]/g, "-").slice(0, NAME_MAX_LENGTH - AUTONAME_SUFFIX_LENGTH - 1);
    let suffix = "";
    for (let i = 0; i < AUTONAME_SUFFIX_LENGTH; i++) {
        suffix += AUTONAME_ALPHABET[Math.floor(random() * AUTONAME_ALPHABET.length) % AUTONAME_ALPHABET.length];
    }
    // The suffix may be all digits, but the joining '-' keeps the name from being digits only.
    return `${cleaned}-${suffix}`;
}

/** Whether `name` is one that autoname(prefix) could have made: then it is kept across updates. */
export function isAutonameOf(name: unknown, prefix: string): boolean {
    if (typeof name !== "string") return false;
    const cleaned = prefix.replace(/[^a-zA-Z0-9_\-.]/g, "-").slice(0, NAME_MAX_LENGTH - AUTONAME_SUFFIX_LENGTH - 1);
    const suffix = name.slice(cleaned.length + 1);
    return (
        name.length === cleaned.length + 1 + AUTONAME_SUFFIX_LENGTH &&
        name.startsWith(`${cleaned}-`) &&
        [...suffix].every((c) => AUTONAME_ALPHABET.includes(c))
    );
}

// ---- routing ------------------------------------------------------------------------------------

function weightFailure(weight: unknown, path: string): string | undefined {
    if (typeof weight === "string" && weight.trim() !== "" && Number.isFinite(Number(weight))) {
        return `${path} must be a number, but received the string ${show(weight)}; write ${Number(weight)} without quotes.`;
    }
    if (typeof weight !== "number" || Number.isNaN(weight)) {
        return `${path} must be a whole number from ${WEIGHT_MIN} to ${WEIGHT_MAX}, but received ${typeName(weight)} (${show(weight)}).`;
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
            `routingConfiguration is required: 1 or 2 entries { stateMachineVersionArn, weight } whose weights sum to ${WEIGHT_SUM}.`,
        );
        return;
    }
    if (!Array.isArray(routing)) {
        fail(
            "routingConfiguration",
            `routingConfiguration must be a list of 1 or 2 { stateMachineVersionArn, weight } entries, but received ${typeName(routing)} (${show(routing)}).`,
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
            fail(path, `${path} must be an object { stateMachineVersionArn, weight }, but received ${typeName(entry)} (${show(entry)}).`);
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
            else fail(arnPath, `${arnPath} ${show(arn)} is not a state machine version ARN: ${describeArnProblem(parsed.problem)}.`);
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

/**
 * Validates and completes the inputs. `olds` are the previous checked inputs (empty on create);
 * `random` is used only to make a new autoname.
 */
export function checkAlias(olds: Inputs, news: Inputs, random: () => number = Math.random): CheckOutcome {
    if (!isPlainObject(news)) {
        return { inputs: {}, failures: [{ property: "", reason: `StateMachineAlias takes an object of inputs, but received ${typeName(news)} (${show(news)}).` }] };
    }
    olds = isPlainObject(olds) ? olds : {};
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Inputs = { ...news };
    delete inputs[AUTONAME_PREFIX_KEY];

    for (const key of Object.keys(news)) {
        if (!(INPUT_PROPERTIES as readonly string[]).includes(key) && !RESERVED_KEYS.includes(key)) {
            fail(key, unknownKeyReason(key, INPUT_PROPERTIES, "StateMachineAlias"));
        }
    }

    // name: the user's, else the previous autoname, else a new one.
    if (news.name === undefined) {
        const prefix = news[AUTONAME_PREFIX_KEY];
        if (typeof prefix === "string" && prefix.length > 0) {
            inputs.name = isAutonameOf(olds?.name, prefix) ? olds.name : autoname(prefix, random);
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
            fail("description", `description must be a string, but received ${typeName(description)} (${show(description)}); omit it for no description.`);
        } else if (description.length > DESCRIPTION_MAX_LENGTH) {
            fail(
                "description",
                `description ${show(description)} has ${description.length} characters, more than AWS's limit of ${DESCRIPTION_MAX_LENGTH}; shorten it.`,
            );
        }
    }

    const adopt = news.adoptExisting;
    if (adopt !== undefined && !isUnknown(adopt) && typeof adopt !== "boolean") {
        fail("adoptExisting", `adoptExisting must be true or false, but received ${typeName(adopt)} (${show(adopt)}); write it without quotes, or omit it (false).`);
    }

    checkRouting(news.routingConfiguration, failures);
    return { inputs, failures };
}
