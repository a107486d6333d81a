// Version ARNs across partitions and regions: what the installed SDK knows (its partition data, through the
// public @aws-sdk/util-endpoints) is enforced; what it does not know yet (a newer region or partition) is
// left to AWS, as long as it has a region's and a partition's shape. Nothing AWS accepts is refused at preview.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { describeArnProblem, knownPartitionOf, parseAliasArn, parseVersionArn } from "../../provider/arn";
import { checkAlias } from "../../provider/check";

const ACCOUNT = "123456789012";
const version = (partition: string, region: string, n = 1) => `arn:${partition}:states:${region}:${ACCOUNT}:stateMachine:orders:${n}`;
const FORM = "arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version number>";

/** [partition, region, why it is accepted] */
const ACCEPTED: [string, string, string][] = [
    // Regions the SDK lists, one or two per partition it knows.
    ["aws", "us-east-1", "listed"],
    ["aws", "eu-central-2", "listed"],
    ["aws", "ap-southeast-7", "listed"],
    ["aws-cn", "cn-north-1", "listed"],
    ["aws-cn", "cn-northwest-1", "listed"],
    ["aws-us-gov", "us-gov-west-1", "listed"],
    ["aws-us-gov", "us-gov-east-1", "listed"],
    ["aws-iso", "us-iso-east-1", "listed"],
    ["aws-iso-b", "us-isob-east-1", "listed"],
    ["aws-iso-e", "eu-isoe-west-1", "listed"],
    ["aws-iso-f", "us-isof-south-1", "listed"],
    ["aws-eusc", "eusc-de-east-1", "listed"],
    // Regions newer than the SDK, in a known partition's shape (its regionRegex, or the aws fallback).
    ["aws", "us-north-7", "newer region, aws shape"],
    ["aws", "mx-south-2", "newer region, aws shape"],
    ["aws-cn", "cn-south-1", "newer region, matched by aws-cn's regionRegex"],
    ["aws-us-gov", "us-gov-north-1", "newer region, matched by aws-us-gov's regionRegex"],
    ["aws-iso", "us-iso-south-1", "newer region, matched by aws-iso's regionRegex"],
    ["aws-iso-b", "us-isob-south-1", "newer region, matched by aws-iso-b's regionRegex"],
    ["aws-iso-e", "eu-isoe-north-1", "newer region, matched by aws-iso-e's regionRegex"],
    ["aws-iso-f", "us-isof-west-1", "newer region, matched by aws-iso-f's regionRegex"],
    ["aws-eusc", "eusc-de-west-2", "newer region, matched by aws-eusc's regionRegex"],
    ["aws-eusc", "eusc-fr-east-1", "newer region outside aws-eusc's regionRegex (eusc-de-...): unknown, left to AWS"],
    // Partitions newer than the SDK.
    ["aws-newcloud", "nc-central-1", "newer partition"],
    ["aws-iso-z", "us-isoz-east-1", "newer partition, in the iso shape"],
    ["aws-sovereign2", "svn-west-1", "newer partition with a digit"],
    ["aws", "zz-east-1", "a region no partition knows: left to AWS"],
];

/** [partition, region, the partition the region is in] */
const MISMATCHED: [string, string, string][] = [
    ["aws-cn", "us-east-1", "aws"],
    ["aws", "cn-north-1", "aws-cn"],
    ["aws", "eusc-de-east-1", "aws-eusc"],
    ["aws", "us-gov-west-1", "aws-us-gov"],
    ["aws-us-gov", "cn-north-1", "aws-cn"],
    ["aws-iso-b", "us-iso-east-1", "aws-iso"],
    ["aws-iso", "us-isob-east-1", "aws-iso-b"],
    ["aws-iso-e", "us-isof-south-1", "aws-iso-f"],
    ["aws-eusc", "eu-central-1", "aws"],
    // Unlisted regions that a non-aws partition's regionRegex claims: as authoritative as a listed one.
    ["aws", "cn-south-1", "aws-cn"],
    ["aws", "eusc-de-west-2", "aws-eusc"],
    ["aws-cn", "us-gov-north-1", "aws-us-gov"],
    // A partition the SDK does not know, with a region it does.
    ["aws-mars", "us-east-1", "aws"],
];

/** [ARN, fragment of the reason] */
const MALFORMED: [string, string][] = [
    [version("azure", "zz-east-1"), "its partition 'azure' is not a partition name"],
    [version("AWS", "zz-east-1"), "its partition 'AWS' is not a partition name"],
    [version("aws_new", "zz-east-1"), "its partition 'aws_new' is not a partition name"],
    [version("aws-", "zz-east-1"), "its partition 'aws-' is not a partition name"],
    [version("aws", "useast1"), "its region 'useast1' is not a region name like us-east-1"],
    [version("aws", "us-east"), "its region 'us-east'"],
    [version("aws", "US-EAST-1"), "its region 'US-EAST-1'"],
    [version("aws", "us-east-1a"), "its region 'us-east-1a'"],
    [version("aws", "1us-east-1"), "its region '1us-east-1'"],
    [version("aws", "us2-east-1"), "its region 'us2-east-1'"],
    [version("aws", "us--east-1"), "its region 'us--east-1'"],
    [version("aws", "us_east-1"), "its region 'us_east-1'"],
    [version("aws", "aws-global"), "its region 'aws-global'"],
    [version("aws-cn", "aws-cn-global"), "its region 'aws-cn-global'"],
    [`arn:aws:states::${ACCOUNT}:stateMachine:orders:1`, "its region ''"],
    [version("aws", "eusc-de-east-1").replace(ACCOUNT, "12345"), "its account '12345' is not a 12-digit account id"],
];

describe("version ARNs: partitions and regions", () => {
    describe("accepted", () => {
        for (const [partition, region, why] of ACCEPTED) {
            it(`${partition} in ${region} (${why})`, () => {
                const arn = version(partition, region, 3);
                const parsed = parseVersionArn(arn);
                assert.ok(parsed.ok, parsed.ok ? "" : describeArnProblem(parsed.problem));
                assert.deepStrictEqual(parsed.value, {
                    partition, region, accountId: ACCOUNT, stateMachineName: "orders", version: 3,
                    stateMachineArn: `arn:${partition}:states:${region}:${ACCOUNT}:stateMachine:orders`,
                });
                // And through check, as a user writes it; the alias ARN of such a state machine parses too.
                assert.deepStrictEqual(checkAlias({}, { name: "live", routingConfiguration: [{ stateMachineVersionArn: arn, weight: 100 }] }).failures, []);
                assert.strictEqual(parseAliasArn(arn.replace(/:3$/, ":live")).region, region);
            });
        }
    });

    describe("a partition that does not match a region the SDK knows: refused, with the ARN to write", () => {
        for (const [partition, region, expected] of MISMATCHED) {
            it(`${partition} with ${region} (in ${expected})`, () => {
                const parsed = parseVersionArn(version(partition, region));
                assert.ok(!parsed.ok);
                assert.deepStrictEqual(parsed.problem, { kind: "partition-mismatch", partition, region, expected });
                const [f] = checkAlias({}, { name: "live", routingConfiguration: [{ stateMachineVersionArn: version(partition, region), weight: 100 }] }).failures;
                assert.strictEqual(f.property, "routingConfiguration[0].stateMachineVersionArn");
                assert.strictEqual(
                    f.reason,
                    `routingConfiguration[0].stateMachineVersionArn "${version(partition, region)}" is not a state machine version ARN: ` +
                        `its partition '${partition}' does not match its region '${region}' (which is in '${expected}'); ` +
                        `write arn:${expected}:states:${region}:<account>:stateMachine:<name>:<version number>.`,
                );
            });
        }
    });

    describe("not shaped like a partition or a region: refused", () => {
        for (const [arn, fragment] of MALFORMED) {
            it(arn, () => {
                const parsed = parseVersionArn(arn);
                assert.ok(!parsed.ok);
                const reason = describeArnProblem(parsed.problem);
                assert.ok(reason.includes(fragment), reason);
                assert.ok(reason.endsWith(`expected ${FORM}`), reason);
            });
        }
    });

    describe("what the SDK's partition data is taken to say", () => {
        it("a listed region: its partition", () => {
            assert.strictEqual(knownPartitionOf("us-east-1"), "aws");
            assert.strictEqual(knownPartitionOf("eusc-de-east-1"), "aws-eusc");
            assert.strictEqual(knownPartitionOf("us-isof-south-1"), "aws-iso-f");
        });
        it("an unlisted region matched by a non-aws partition's regionRegex: that partition", () => {
            assert.strictEqual(knownPartitionOf("cn-south-1"), "aws-cn");
            assert.strictEqual(knownPartitionOf("us-gov-north-1"), "aws-us-gov");
        });
        it("an unlisted region that aws's regionRegex matches, or nothing matches: unknown (aws is also the fallback)", () => {
            assert.strictEqual(knownPartitionOf("us-north-7"), undefined);
            assert.strictEqual(knownPartitionOf("zz-east-1"), undefined);
            assert.strictEqual(knownPartitionOf("eusc-fr-east-1"), undefined);
        });
    });

    it("loads the partition data lazily from the public @aws-sdk/util-endpoints, never from @aws-sdk/core", () => {
        // A module-level import would be captured in the serialized provider as a require of a package's internal file.
        const source = fs.readFileSync(path.join(__dirname, "../../provider/arn.ts"), "utf8");
        assert.doesNotMatch(source, /^import[^;]*["']@aws-sdk\/(util-endpoints|core)/m);
        assert.doesNotMatch(source, /(require\(|from )["']@aws-sdk\/core/);
        assert.match(source, /require\("@aws-sdk\/util-endpoints"\)/);
    });
});
