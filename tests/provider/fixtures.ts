/** Shared values for provider tests: realistic ARNs and a builder for outputs as the provider stores them. */
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const SM = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:orders`;
export const OTHER_SM = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:payments`;
export const V1 = `${SM}:1`;
export const V2 = `${SM}:2`;
export const V3 = `${SM}:3`;
export const PROVIDER_TEXT = "exports.handler = () => provider;";

export function routing(...entries: [string, number][]) {
    return entries.map(([stateMachineVersionArn, weight]) => ({ stateMachineVersionArn, weight }));
}
