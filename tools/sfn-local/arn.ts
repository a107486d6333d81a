// Step Functions ARNs: the one place that knows their shapes.
//   state machine  arn:{partition}:states:{region}:{account}:stateMachine:{name}
//   version        {stateMachineArn}:{n}            (n a positive integer)
//   alias          {stateMachineArn}:{aliasName}    (alias names must contain a non-digit)
//   execution      arn:{partition}:states:{region}:{account}:execution:{stateMachineName}:{executionName}

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function stateMachineArn(region: string, account: string, name: string): string {
  return `arn:${partitionOf(region)}:states:${region}:${account}:stateMachine:${name}`;
}

export function executionArn(region: string, account: string, stateMachineName: string, name: string): string {
  return `arn:${partitionOf(region)}:states:${region}:${account}:execution:${stateMachineName}:${name}`;
}

export type ParsedStateMachineArn =
  | { kind: "stateMachine"; stateMachineArn: string; name: string; region: string; account: string }
  | { kind: "version"; stateMachineArn: string; name: string; region: string; account: string; version: number }
  | { kind: "alias"; stateMachineArn: string; name: string; region: string; account: string; alias: string };

const SM_ARN = /^arn:(aws|aws-cn|aws-us-gov):states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)(?::([^:]+))?$/;

/** Parses a state machine, version or alias ARN; undefined for anything else. */
export function parseStateMachineArn(arn: unknown): ParsedStateMachineArn | undefined {
  if (typeof arn !== "string") return undefined;
  const m = SM_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition, region, account, name, qualifier] = m;
  const base = { stateMachineArn: `arn:${partition}:states:${region}:${account}:stateMachine:${name}`, name, region, account };
  if (qualifier === undefined) return { kind: "stateMachine", ...base };
  if (/^[0-9]+$/.test(qualifier)) return { kind: "version", ...base, version: Number(qualifier) };
  return { kind: "alias", ...base, alias: qualifier };
}
