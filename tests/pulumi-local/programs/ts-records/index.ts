// The smallest TypeScript program: one record, to check the TypeScript path of the runner.
import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Record } = require("../records/provider");

const config = new pulumi.Config();
const record = new Record("typed", { key: "typed", value: config.get("value") ?? "t1" });
export const value: pulumi.Output<string> = record.value;
