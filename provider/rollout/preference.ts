/**
 * deploymentPreference: the rules of a gradual rollout's input, as data, and the check that applies them
 * with no API call. The shape is CloudFormation's `AWS::StepFunctions::StateMachineAlias` DeploymentPreference
 * (type, stateMachineVersionArn, percentage, interval in minutes, alarms), so that aws-native users can move
 * over, plus what it lacks: durations in seconds, explicit steps, a bake after the final shift, a pre-traffic
 * execution, and what to do with INSUFFICIENT_DATA and with alarm reads that fail. Pure.
 *
 * Limits: CloudFormation's schema (aws-cloudformation-resource-providers-stepfunctions, statemachinealias,
 * aws-stepfunctions-statemachinealias.json: Percentage 1-99, Interval 1-2100 minutes, Alarms 1-100 unique),
 * CloudWatch's (DescribeAlarms: AlarmNames items 1-255 characters, at most 100) and Step Functions'
 * (StartExecution: input at most 262,144 characters of JSON).
 */
import { describeArnProblem, parseVersionArn, VERSION_ARN_FORM } from "../arn";
import { isUnknown } from "../rules";
import { closest } from "../suggest";

export const DEPLOYMENT_TYPES = ["ALL_AT_ONCE", "CANARY", "LINEAR"] as const;
export type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];

export const PREFERENCE_PROPERTIES = [
    "type", "stateMachineVersionArn", "percentage", "interval", "alarms",
    "intervalSeconds", "bakeTimeSeconds", "alarmPollSeconds", "steps", "preTrafficExecution",
    "treatInsufficientDataAs", "onAlarmReadFailure",
] as const;
export const PRE_TRAFFIC_PROPERTIES = ["input", "timeoutSeconds"] as const;

export const PERCENTAGE_MIN = 1;
export const PERCENTAGE_MAX = 99;
export const INTERVAL_MINUTES_MIN = 1;
export const INTERVAL_MINUTES_MAX = 2100;
/** CloudFormation's cap on a rollout (2100 minutes; its update handler times out at 2160). */
export const TOTAL_SECONDS_MAX = INTERVAL_MINUTES_MAX * 60;
export const ALARMS_MIN = 1;
export const ALARMS_MAX = 100;
export const ALARM_NAME_MAX_LENGTH = 255;
export const ALARM_POLL_SECONDS_DEFAULT = 30;
export const ALARM_POLL_SECONDS_MAX = 3600;
/** ALL_AT_ONCE with alarms and no interval: how long the alarms are watched after the shift. */
export const ALL_AT_ONCE_BAKE_SECONDS_DEFAULT = 300;
export const STEPS_MAX = 99;
export const PRE_TRAFFIC_TIMEOUT_SECONDS_DEFAULT = 300;
export const PRE_TRAFFIC_TIMEOUT_SECONDS_MAX = 3600;
/** StartExecution's `input`: at most 262,144 characters (Step Functions API reference). */
export const EXECUTION_INPUT_MAX_LENGTH = 262_144;
export const INSUFFICIENT_DATA_TREATMENTS = ["OK", "ALARM"] as const;
export const ALARM_READ_FAILURE_ACTIONS = ["ROLLBACK", "CONTINUE"] as const;

/** A rollout, checked and with every default filled in: what plan.ts and the runner work from. */
export interface RolloutPreference {
    readonly type: DeploymentType;
    readonly stateMachineVersionArn: string;
    /** The target's weight after each shift, the last one 100. */
    readonly shifts: readonly number[];
    /** The wait between two shifts. 0 for ALL_AT_ONCE. */
    readonly intervalSeconds: number;
    /** How long alarms are watched after the final shift, while a rollback is still possible. */
    readonly bakeTimeSeconds: number;
    readonly alarmPollSeconds: number;
    readonly alarms: readonly string[];
    readonly preTrafficExecution?: { readonly input: string; readonly timeoutSeconds: number };
    readonly treatInsufficientDataAs: (typeof INSUFFICIENT_DATA_TREATMENTS)[number];
    readonly onAlarmReadFailure: (typeof ALARM_READ_FAILURE_ACTIONS)[number];
}

export interface PreferenceFailure {
    readonly property: string;
    readonly reason: string;
}

type Props = Record<string, unknown>;
const P = "deploymentPreference";

function isPlainObject(value: unknown): value is Props {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "number" && Number.isNaN(value)) return "NaN";
    if (typeof value === "string") return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    if (typeof value === "number" || typeof value === "boolean") return `${typeof value === "number" ? "the number" : "the boolean"} ${value}`;
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Builds the pre-traffic input text: a string is taken as JSON text, anything else is serialized. */
export function executionInputText(input: unknown): string {
    return input === undefined ? "{}" : typeof input === "string" ? input : JSON.stringify(input);
}

/** The shifts a type makes (the target's weight after each), CloudFormation's arithmetic (TrafficShiftingUtils). */
export function shiftsOf(type: DeploymentType, percentage?: number, steps?: readonly number[]): number[] {
    if (steps && steps.length > 0) return [...steps, 100];
    if (type === "ALL_AT_ONCE" || percentage === undefined) return [100];
    if (type === "CANARY") return [percentage, 100];
    // LINEAR: add the percentage until that reaches 100 (30 -> 30, 60, 90, 100; 33 -> 33, 66, 99, 100).
    const out: number[] = [];
    for (let w = percentage; w < 100; w += percentage) out.push(w);
    out.push(100);
    return out;
}

/** The whole duration of a rollout started from nothing: a wait between each two shifts, then the bake. */
export function totalSeconds(p: Pick<RolloutPreference, "shifts" | "intervalSeconds" | "bakeTimeSeconds">): number {
    return (p.shifts.length - 1) * p.intervalSeconds + p.bakeTimeSeconds;
}

const minutes = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);

/**
 * Checks deploymentPreference. `machine` is the state machine the alias is on (from the previous inputs),
 * when known: a rollout moves traffic between versions of that one state machine. Returns the failures and,
 * when there are none and nothing is unknown, the preference with its defaults.
 */
export function checkPreference(value: unknown, machine?: string): { failures: PreferenceFailure[]; preference?: RolloutPreference } {
    const failures: PreferenceFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    if (isUnknown(value)) return { failures };
    if (!isPlainObject(value)) {
        fail(P, `${P} must be an object { type, stateMachineVersionArn, ... }, but received ${kind(value)}; e.g. { type: "CANARY", stateMachineVersionArn: <version ARN>, percentage: 10, interval: 5 }.`);
        return { failures };
    }
    let unknown = false;
    const known = (key: string): boolean => {
        if (isUnknown(value[key])) {
            unknown = true;
            return false;
        }
        return value[key] !== undefined;
    };
    for (const key of Object.keys(value)) {
        if (!(PREFERENCE_PROPERTIES as readonly string[]).includes(key)) {
            const guess = closest(key, PREFERENCE_PROPERTIES);
            fail(`${P}.${key}`, `unknown property ${JSON.stringify(key)} on ${P}: ${guess ? `did you mean ${guess}? ` : ""}${P} accepts ${PREFERENCE_PROPERTIES.join(", ")}.`);
        }
    }

    // type
    let type: DeploymentType | undefined;
    if (value.type === undefined) {
        fail(`${P}.type`, `${P}.type is required: ${DEPLOYMENT_TYPES.join(", ")}.`);
    } else if (known("type")) {
        const t = value.type;
        if (typeof t === "string" && (DEPLOYMENT_TYPES as readonly string[]).includes(t)) type = t as DeploymentType;
        else {
            const upper = typeof t === "string" ? DEPLOYMENT_TYPES.find((d) => d === t.toUpperCase().replace(/[-\s]/g, "_")) : undefined;
            fail(`${P}.type`, `${P}.type is ${kind(t)}, but must be one of ${DEPLOYMENT_TYPES.join(", ")}${upper ? `: write ${JSON.stringify(upper)}` : ""}.`);
        }
    }

    // stateMachineVersionArn
    const arnPath = `${P}.stateMachineVersionArn`;
    let target: string | undefined;
    if (value.stateMachineVersionArn === undefined) {
        fail(arnPath, `${arnPath} is required: the version to move all traffic to (${VERSION_ARN_FORM}).`);
    } else if (known("stateMachineVersionArn")) {
        const parsed = parseVersionArn(value.stateMachineVersionArn);
        if (!parsed.ok) {
            const shown = typeof value.stateMachineVersionArn === "string" && parsed.problem.kind !== "too-long" ? ` ${JSON.stringify(value.stateMachineVersionArn)}` : "";
            fail(arnPath, `${arnPath}${shown} is not a state machine version ARN: ${describeArnProblem(parsed.problem)}.`);
        } else if (machine !== undefined && parsed.value.stateMachineArn !== machine) {
            fail(
                arnPath,
                `${arnPath} is a version of ${parsed.value.stateMachineArn}, but this alias is on ${machine}; a rollout shifts traffic between versions of one state machine: ` +
                    `publish a version of ${machine}, or, to move the alias to the other state machine, set routingConfiguration instead (that replaces the alias).`,
            );
        } else target = value.stateMachineVersionArn as string;
    }

    // Whole numbers in a range.
    const integer = (key: string, min: number, max: number, unit: string): number | undefined => {
        if (!known(key)) return undefined;
        const v = value[key];
        const path = `${P}.${key}`;
        if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) {
            fail(path, `${path} must be a number, but received ${kind(v)}; write ${Number(v)} without quotes.`);
        } else if (typeof v !== "number" || !Number.isInteger(v)) {
            fail(path, `${path} must be a whole number of ${unit} from ${min} to ${max}, but received ${kind(v)}.`);
        } else if (v < min || v > max) {
            fail(path, `${path} is ${v}, outside ${min}-${max} ${unit}; set a whole number from ${min} to ${max}.`);
        } else return v;
        return undefined;
    };
    const percentage = integer("percentage", PERCENTAGE_MIN, PERCENTAGE_MAX, "percent");
    const intervalMinutes = integer("interval", INTERVAL_MINUTES_MIN, INTERVAL_MINUTES_MAX, "minutes");
    const intervalSecondsIn = integer("intervalSeconds", 1, TOTAL_SECONDS_MAX, "seconds");
    const bakeIn = integer("bakeTimeSeconds", 0, TOTAL_SECONDS_MAX, "seconds");
    const poll = integer("alarmPollSeconds", 1, ALARM_POLL_SECONDS_MAX, "seconds");

    if (value.interval !== undefined && value.intervalSeconds !== undefined) {
        fail(`${P}.intervalSeconds`, `${P}.intervalSeconds and ${P}.interval are both set (interval in minutes, CloudFormation's; intervalSeconds in seconds); they are the same wait: keep one.`);
    }

    // steps
    let steps: number[] | undefined;
    if (known("steps")) {
        const path = `${P}.steps`;
        const s = value.steps;
        if (!Array.isArray(s) || s.length === 0 || s.length > STEPS_MAX) {
            fail(path, `${path} must be a list of 1 to ${STEPS_MAX} percentages for the new version, rising, each ${PERCENTAGE_MIN}-${PERCENTAGE_MAX} (e.g. [5, 25, 50]; 100 comes last by itself), but received ${Array.isArray(s) ? `a list of ${s.length}` : kind(s)}.`);
        } else {
            let ok = true;
            for (let i = 0; i < s.length; i++) {
                const w = s[i];
                if (isUnknown(w)) {
                    unknown = true;
                    ok = false;
                } else if (typeof w !== "number" || !Number.isInteger(w) || w < PERCENTAGE_MIN || w > PERCENTAGE_MAX) {
                    fail(`${path}[${i}]`, `${path}[${i}] is ${kind(w)}, but each step is a whole percentage from ${PERCENTAGE_MIN} to ${PERCENTAGE_MAX}${w === 100 ? " (100 is always the last shift: leave it out)" : ""}.`);
                    ok = false;
                } else if (i > 0 && typeof s[i - 1] === "number" && w <= (s[i - 1] as number)) {
                    fail(`${path}[${i}]`, `${path}[${i}] is ${w}, not above the step before it (${s[i - 1]}); steps only move traffic toward the new version: list them rising.`);
                    ok = false;
                }
            }
            if (ok) steps = s as number[];
        }
    }

    // alarms
    let alarms: string[] = [];
    if (known("alarms")) {
        const path = `${P}.alarms`;
        const a = value.alarms;
        if (!Array.isArray(a) || a.length < ALARMS_MIN || a.length > ALARMS_MAX) {
            fail(path, `${path} must be a list of ${ALARMS_MIN} to ${ALARMS_MAX} CloudWatch alarm names, but received ${Array.isArray(a) ? `a list of ${a.length}` : kind(a)}; omit it for a rollout that watches no alarm.`);
        } else {
            const seen = new Map<string, number>();
            a.forEach((name, i) => {
                const at = `${path}[${i}]`;
                if (isUnknown(name)) {
                    unknown = true;
                    return;
                }
                if (typeof name !== "string" || name.length === 0) {
                    fail(at, `${at} must be a CloudWatch alarm name (1-${ALARM_NAME_MAX_LENGTH} characters), but received ${kind(name)}.`);
                } else if (name.length > ALARM_NAME_MAX_LENGTH) {
                    fail(at, `${at} has ${name.length} characters, more than CloudWatch's limit of ${ALARM_NAME_MAX_LENGTH} for an alarm name; use the alarm's name.`);
                } else if (/^arn:[^:]*:cloudwatch:[^:]*:\d*:alarm:./.test(name)) {
                    const short = name.slice(name.indexOf(":alarm:") + ":alarm:".length);
                    fail(at, `${at} ${JSON.stringify(name)} is an alarm ARN, but alarms are looked up by name (DescribeAlarms AlarmNames), so an ARN would match nothing: write ${JSON.stringify(short)}.`);
                } else if (seen.has(name)) {
                    fail(at, `${at} ${JSON.stringify(name)} repeats ${path}[${seen.get(name)}]; list each alarm once.`);
                } else seen.set(name, i);
            });
            alarms = a.filter((n): n is string => typeof n === "string");
        }
    }

    // enums
    const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
        if (!known(key)) return fallback;
        const v = value[key];
        if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
        fail(`${P}.${key}`, `${P}.${key} is ${kind(v)}, but must be one of ${allowed.map((x) => JSON.stringify(x)).join(", ")} (default ${JSON.stringify(fallback)}).`);
        return fallback;
    };
    const treatInsufficientDataAs = oneOf("treatInsufficientDataAs", INSUFFICIENT_DATA_TREATMENTS, "OK");
    const onAlarmReadFailure = oneOf("onAlarmReadFailure", ALARM_READ_FAILURE_ACTIONS, "ROLLBACK");

    // preTrafficExecution
    let preTraffic: RolloutPreference["preTrafficExecution"];
    if (known("preTrafficExecution")) {
        const path = `${P}.preTrafficExecution`;
        const pt = value.preTrafficExecution;
        if (!isPlainObject(pt)) {
            fail(path, `${path} must be an object { input?, timeoutSeconds? }, but received ${kind(pt)}.`);
        } else {
            for (const key of Object.keys(pt)) {
                if (!(PRE_TRAFFIC_PROPERTIES as readonly string[]).includes(key)) {
                    const guess = closest(key, PRE_TRAFFIC_PROPERTIES);
                    fail(`${path}.${key}`, `unknown property ${JSON.stringify(key)} on ${path}: ${guess ? `did you mean ${guess}? ` : ""}it accepts ${PRE_TRAFFIC_PROPERTIES.join(", ")}.`);
                }
            }
            let timeoutSeconds = PRE_TRAFFIC_TIMEOUT_SECONDS_DEFAULT;
            if (pt.timeoutSeconds !== undefined && !isUnknown(pt.timeoutSeconds)) {
                const t = pt.timeoutSeconds;
                if (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > PRE_TRAFFIC_TIMEOUT_SECONDS_MAX) {
                    fail(`${path}.timeoutSeconds`, `${path}.timeoutSeconds is ${kind(t)}, but must be a whole number of seconds from 1 to ${PRE_TRAFFIC_TIMEOUT_SECONDS_MAX} (default ${PRE_TRAFFIC_TIMEOUT_SECONDS_DEFAULT}).`);
                } else timeoutSeconds = t;
            } else if (isUnknown(pt.timeoutSeconds)) unknown = true;
            if (isUnknown(pt.input) || containsUnknownDeep(pt.input)) unknown = true;
            else {
                // The input's text is never repeated: it may hold anything.
                const text = executionInputText(pt.input);
                let parsed = true;
                if (typeof pt.input === "string") {
                    try {
                        JSON.parse(text);
                    } catch {
                        parsed = false;
                        fail(`${path}.input`, `${path}.input is a string of ${text.length} characters that is not JSON (its text is not shown); Step Functions takes JSON input: pass an object, or JSON text such as '{"smoke": true}'.`);
                    }
                }
                if (parsed && text.length > EXECUTION_INPUT_MAX_LENGTH) {
                    fail(`${path}.input`, `${path}.input is ${text.length} characters of JSON, more than StartExecution's limit of ${EXECUTION_INPUT_MAX_LENGTH}; send a smaller input.`);
                }
                preTraffic = { input: text, timeoutSeconds };
            }
        }
    }

    // Rules across fields, where the fields they need are valid.
    if (type === "ALL_AT_ONCE") {
        for (const key of ["percentage", "steps"]) {
            if (value[key] !== undefined) fail(`${P}.${key}`, `${P}.${key} has no effect with type ALL_AT_ONCE, which moves all traffic in one shift: remove it, or use type CANARY or LINEAR.`);
        }
    } else if (type === "CANARY" || type === "LINEAR") {
        if (value.percentage !== undefined && value.steps !== undefined) {
            fail(`${P}.steps`, `${P}.steps and ${P}.percentage are both set; steps lists every percentage itself: keep one.`);
        } else if (value.percentage === undefined && value.steps === undefined) {
            fail(`${P}.percentage`, `${P}.percentage is required with type ${type} (the ${type === "CANARY" ? "share the canary gets first" : "share added at each shift"}, ${PERCENTAGE_MIN}-${PERCENTAGE_MAX}), or give steps: [5, 25, 50] instead.`);
        }
        if (value.interval === undefined && value.intervalSeconds === undefined) {
            fail(`${P}.interval`, `${P}.interval is required with type ${type}: the minutes between shifts (${INTERVAL_MINUTES_MIN}-${INTERVAL_MINUTES_MAX}), or intervalSeconds for seconds.`);
        }
    }
    if (value.bakeTimeSeconds !== undefined && value.alarms === undefined && bakeIn !== undefined && bakeIn > 0) {
        fail(`${P}.bakeTimeSeconds`, `${P}.bakeTimeSeconds watches alarms after the final shift, but ${P} names no alarms, so it would only wait: add alarms, or remove bakeTimeSeconds.`);
    }

    if (failures.length > 0 || unknown || type === undefined || target === undefined) return { failures };
    const intervalSeconds = type === "ALL_AT_ONCE" && intervalMinutes === undefined && intervalSecondsIn === undefined ? 0 : (intervalSecondsIn ?? (intervalMinutes ?? 0) * 60);
    // The default bake: one interval, within what the cap leaves after the waits.
    const waits = (shiftsOf(type, percentage, steps).length - 1) * (type === "ALL_AT_ONCE" ? 0 : intervalSeconds);
    const bakeTimeSeconds = bakeIn ?? (alarms.length === 0 ? 0 : Math.max(0, Math.min(intervalSeconds > 0 ? intervalSeconds : ALL_AT_ONCE_BAKE_SECONDS_DEFAULT, TOTAL_SECONDS_MAX - waits)));
    const preference: RolloutPreference = {
        type,
        stateMachineVersionArn: target,
        shifts: shiftsOf(type, percentage, steps),
        intervalSeconds: type === "ALL_AT_ONCE" ? 0 : intervalSeconds,
        bakeTimeSeconds,
        alarmPollSeconds: poll ?? ALARM_POLL_SECONDS_DEFAULT,
        alarms,
        ...(preTraffic ? { preTrafficExecution: preTraffic } : {}),
        treatInsufficientDataAs,
        onAlarmReadFailure,
    };
    const total = totalSeconds(preference);
    if (total > TOTAL_SECONDS_MAX) {
        const shifts = preference.shifts.length;
        fail(
            P,
            `${P} would take ${minutes(total)} (${shifts} shifts, ${shifts - 1} waits of ${minutes(preference.intervalSeconds)}, then a bake of ${minutes(bakeTimeSeconds)}), ` +
                `more than CloudFormation's cap of ${INTERVAL_MINUTES_MAX} minutes for one rollout; use a shorter interval, fewer steps (a larger percentage), or a shorter bake.`,
        );
        return { failures };
    }
    return { failures, preference };
}

function containsUnknownDeep(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknownDeep);
    if (isPlainObject(value)) return Object.values(value).some(containsUnknownDeep);
    return false;
}
