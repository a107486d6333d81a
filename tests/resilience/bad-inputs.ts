// The bad inputs of the resilience suite: AWS's rules and beyond them. Each is a whole set of alias args
// (built from real version ARNs), the property check must refuse it on, and a piece of the value the
// message must quote (a description is the exception: never quoted, only its type or length). JSON cannot
// carry NaN or Infinity: the program decodes "__NaN__" and friends.
export interface Versions { v1: string; v2: string; other: string; sm: string }

export interface BadInput {
    title: string;
    /** The alias args (name is added when absent, so that autonaming never hides a failure). */
    args: (v: Versions) => Record<string, unknown>;
    /** The failure's property. */
    property: string;
    /** Text the message must contain: the value as received (or its telling part). */
    quotes: (v: Versions) => string;
}

const r = (arn: string, weight: unknown) => ({ stateMachineVersionArn: arn, weight });
const one = (v: Versions) => [r(v.v1, 100)];
const base = (v: Versions, extra: Record<string, unknown>) => ({ name: "bad", routingConfiguration: one(v), ...extra });
const route = (routing: (v: Versions) => unknown) => (v: Versions) => ({ name: "bad", routingConfiguration: routing(v) });

export const BAD_INPUTS: BadInput[] = [
    // routingConfiguration: the list
    { title: "routing missing", args: () => ({ name: "bad" }), property: "routingConfiguration", quotes: () => "is required" },
    { title: "routing null", args: route(() => null), property: "routingConfiguration", quotes: () => "null" },
    { title: "routing empty", args: route(() => []), property: "routingConfiguration", quotes: () => "0 entries" },
    { title: "routing a string", args: route((v) => v.v1), property: "routingConfiguration", quotes: (v) => v.v1 },
    { title: "routing a number", args: route(() => 100), property: "routingConfiguration", quotes: () => "100" },
    { title: "routing an object, not a list", args: route((v) => r(v.v1, 100)), property: "routingConfiguration", quotes: () => 'an object with keys "stateMachineVersionArn", "weight"' },
    { title: "three entries", args: route((v) => [r(v.v1, 34), r(v.v2, 33), r(`${v.sm}:9`, 33)]), property: "routingConfiguration", quotes: () => "3" },
    { title: "an entry that is null", args: route(() => [null]), property: "routingConfiguration[0]", quotes: () => "null" },
    { title: "an entry that is a string", args: route((v) => [v.v1]), property: "routingConfiguration[0]", quotes: (v) => v.v1 },
    { title: "an entry with an unknown key", args: route((v) => [{ ...r(v.v1, 100), alias: "x" }]), property: "routingConfiguration[0].alias", quotes: () => "alias" },
    { title: "an entry with a misspelled key", args: route((v) => [{ stateMachineVersionARN: v.v1, weight: 100 }]), property: "routingConfiguration[0].stateMachineVersionARN", quotes: () => "stateMachineVersionARN" },
    // weights
    { title: "weight missing", args: route((v) => [{ stateMachineVersionArn: v.v1 }]), property: "routingConfiguration[0].weight", quotes: () => "is required" },
    { title: "weight null", args: route((v) => [r(v.v1, null)]), property: "routingConfiguration[0].weight", quotes: () => "null" },
    { title: "weight NaN", args: route((v) => [r(v.v1, "__NaN__")]), property: "routingConfiguration[0].weight", quotes: () => "NaN" },
    { title: "weight Infinity", args: route((v) => [r(v.v1, "__Infinity__")]), property: "routingConfiguration[0].weight", quotes: () => "Infinity" },
    { title: "weight a float", args: route((v) => [r(v.v1, 50.5), r(v.v2, 49.5)]), property: "routingConfiguration[0].weight", quotes: () => "50.5" },
    { title: "weight a string", args: route((v) => [r(v.v1, "100")]), property: "routingConfiguration[0].weight", quotes: () => "\"100\"" },
    { title: "weight a boolean", args: route((v) => [r(v.v1, true)]), property: "routingConfiguration[0].weight", quotes: () => "true" },
    { title: "weight negative", args: route((v) => [r(v.v1, -10), r(v.v2, 110)]), property: "routingConfiguration[0].weight", quotes: () => "-10" },
    { title: "weight above 100", args: route((v) => [r(v.v1, 101)]), property: "routingConfiguration[0].weight", quotes: () => "101" },
    { title: "weights summing to 99", args: route((v) => [r(v.v1, 90), r(v.v2, 9)]), property: "routingConfiguration", quotes: () => "99" },
    { title: "weights summing to 101", args: route((v) => [r(v.v1, 90), r(v.v2, 11)]), property: "routingConfiguration", quotes: () => "101" },
    { title: "a single weight of 99", args: route((v) => [r(v.v1, 99)]), property: "routingConfiguration", quotes: () => "99" },
    { title: "a single weight of 0", args: route((v) => [r(v.v1, 0)]), property: "routingConfiguration", quotes: () => "0" },
    // version ARNs
    { title: "version ARN missing", args: route(() => [{ weight: 100 }]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "is required" },
    { title: "version ARN null", args: route(() => [r(null as unknown as string, 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "null" },
    { title: "version ARN a number", args: route(() => [r(42 as unknown as string, 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "42" },
    { title: "version ARN empty", args: route(() => [r("", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "\"\"" },
    { title: "unqualified state machine ARN", args: route((v) => [r(v.sm, 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: (v) => v.sm },
    { title: "alias ARN", args: route((v) => [r(`${v.sm}:prod`, 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: (v) => `${v.sm}:prod` },
    { title: "version 0", args: route((v) => [r(`${v.sm}:0`, 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: (v) => `${v.sm}:0` },
    { title: "a Lambda ARN", args: route(() => [r("arn:aws:lambda:us-east-1:123456789012:function:f:1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "arn:aws:lambda:us-east-1:123456789012:function:f:1" },
    { title: "not an ARN", args: route(() => [r("orders:1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "orders:1" },
    { title: "an execution ARN", args: route(() => [r("arn:aws:states:us-east-1:123456789012:execution:orders:run-1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "execution:orders:run-1" },
    { title: "an unknown partition", args: route(() => [r("arn:aws-mars:states:us-east-1:123456789012:stateMachine:orders:1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "aws-mars" },
    { title: "a China ARN with a US region", args: route(() => [r("arn:aws-cn:states:us-east-1:123456789012:stateMachine:orders:1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "aws-cn" },
    { title: "a GovCloud ARN with a China region", args: route(() => [r("arn:aws-us-gov:states:cn-north-1:123456789012:stateMachine:orders:1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "cn-north-1" },
    { title: "a short account id", args: route(() => [r("arn:aws:states:us-east-1:12345:stateMachine:orders:1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "12345" },
    { title: "no region", args: route(() => [r("arn:aws:states::123456789012:stateMachine:orders:1", 100)]), property: "routingConfiguration[0].stateMachineVersionArn", quotes: () => "arn:aws:states::123456789012" },
    { title: "duplicate versions", args: route((v) => [r(v.v1, 50), r(v.v1, 50)]), property: "routingConfiguration[1].stateMachineVersionArn", quotes: (v) => v.v1 },
    { title: "versions of two state machines", args: route((v) => [r(v.v1, 50), r(v.other, 50)]), property: "routingConfiguration[1].stateMachineVersionArn", quotes: (v) => v.other.replace(/:\d+$/, "") },
    { title: "the same version in two partitions", args: route((v) => [r(v.v1, 50), r(v.v1.replace("arn:aws:", "arn:aws-cn:").replace("us-east-1", "cn-north-1"), 50)]), property: "routingConfiguration[1].stateMachineVersionArn", quotes: () => "cn-north-1" },
    // name
    { title: "name empty", args: (v) => base(v, { name: "" }), property: "name", quotes: () => "is empty" },
    { title: "name of 81 characters", args: (v) => base(v, { name: "a".repeat(81) }), property: "name", quotes: () => "81" },
    { title: "name digits only", args: (v) => base(v, { name: "12345" }), property: "name", quotes: () => "12345" },
    { title: "name with a space", args: (v) => base(v, { name: "my alias" }), property: "name", quotes: () => "my alias" },
    { title: "name with a colon", args: (v) => base(v, { name: "prod:1" }), property: "name", quotes: () => "prod:1" },
    { title: "name with unicode", args: (v) => base(v, { name: "prød" }), property: "name", quotes: () => "prød" },
    { title: "name with an emoji", args: (v) => base(v, { name: "live🚀" }), property: "name", quotes: () => "live" },
    { title: "name a number", args: (v) => base(v, { name: 7 }), property: "name", quotes: () => "7" },
    { title: "name null", args: (v) => base(v, { name: null }), property: "name", quotes: () => "null" },
    { title: "name a list", args: (v) => base(v, { name: ["live"] }), property: "name", quotes: () => "a list of 1 entry" },
    // description
    { title: "description of 257 characters", args: (v) => base(v, { description: "d".repeat(257) }), property: "description", quotes: () => "257" },
    // (a description is never quoted: AWS treats it as sensitive; its type or its length is)
    { title: "description a number", args: (v) => base(v, { description: 42 }), property: "description", quotes: () => "received a number;" },
    { title: "description an object", args: (v) => base(v, { description: { text: "x" } }), property: "description", quotes: () => "received an object;" },
    // adoptExisting and unknown properties
    { title: "adoptExisting a string", args: (v) => base(v, { adoptExisting: "yes" }), property: "adoptExisting", quotes: () => "\"yes\"" },
    { title: "adoptExisting a number", args: (v) => base(v, { adoptExisting: 1 }), property: "adoptExisting", quotes: () => "1" },
    { title: "routingConfigurations (aws.sfn.Alias's plural)", args: (v) => ({ name: "bad", routingConfiguration: one(v), routingConfigurations: one(v) }), property: "routingConfigurations", quotes: () => "routingConfigurations" },
    { title: "misspelled description", args: (v) => base(v, { descripton: "x" }), property: "descripton", quotes: () => "descripton" },
    { title: "an unknown property", args: (v) => base(v, { tags: { team: "orders" } }), property: "tags", quotes: () => "tags" },
    { title: "aliasName instead of name", args: (v) => ({ aliasName: "bad", routingConfiguration: one(v) }), property: "aliasName", quotes: () => "aliasName" },
];

/** Valid edges: accepted by check (and by the endpoint). */
export const GOOD_EDGES = (v: Versions): Record<string, unknown>[] => [
    { name: "n".repeat(80), routingConfiguration: [r(v.v1, 100)] },
    { name: "a", routingConfiguration: [r(v.v1, 0), r(v.v2, 100)] },
    { name: "1a", description: "d".repeat(256), routingConfiguration: [r(v.v1, 50), r(v.v2, 50)] },
];
