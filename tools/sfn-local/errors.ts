// Every error this endpoint can answer, with AWS's codes and wording in one place.
// Source of truth: /work/shared/notes/sfn-alias-api.md and the LocalStack snapshots recorded against
// real AWS (test_sfn_api_aliasing / test_sfn_api_versioning). Anything marked UNVERIFIED is a plausible
// guess that no source pins down; keep such wording here and nowhere else so it can be corrected once.

/** An AWS error as a value: the pure store returns these instead of throwing. */
export interface SfnError {
  readonly kind: "error";
  /** The code the SDK turns into `error.name`. */
  readonly code: string;
  readonly message: string;
  /** The namespace before `#` in `__type` (AWS JSON 1.0). */
  readonly namespace: string;
  readonly status: number;
}

export const SFN_NAMESPACE = "com.amazonaws.swf.service.v2.model";
/** Coral model-constraint failures (length, range, pattern, required) come from Coral, not from SFN. */
export const CORAL_VALIDATE_NAMESPACE = "com.amazon.coral.validate";
export const CORAL_SERVICE_NAMESPACE = "com.amazon.coral.service";
export const CORAL_AVAILABILITY_NAMESPACE = "com.amazon.coral.availability";

export function sfnError(code: string, message: string, namespace = SFN_NAMESPACE, status = 400): SfnError {
  return { kind: "error", code, message, namespace, status };
}

export function isSfnError(x: unknown): x is SfnError {
  return typeof x === "object" && x !== null && (x as SfnError).kind === "error";
}

/** The `__type` field of the body. */
export function errorType(e: SfnError): string {
  return `${e.namespace}#${e.code}`;
}

/** AWS also sends the code in `x-amzn-ErrorType`, as `Code:http://internal.amazon.com/coral/<ns>/`. */
export function errorTypeHeader(e: SfnError): string {
  return `${e.code}:http://internal.amazon.com/coral/${e.namespace}/`;
}

// ---- Coral model validation ("N validation error(s) detected: ...") --------------------------------

/** One failed model constraint; rendered the Coral way and joined with "; ". */
export function constraintViolation(value: string | null, path: string, constraint: string): string {
  const shown = value === null ? "null" : `'${value}'`;
  return `Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`;
}

/**
 * UNVERIFIED: sensitive members (description) are rendered without their value, as Coral does for
 * other services' sensitive fields ("Value at 'password' failed to satisfy constraint: ...").
 */
export function sensitiveConstraintViolation(path: string, constraint: string): string {
  return `Value at '${path}' failed to satisfy constraint: ${constraint}`;
}

/**
 * Coral reports every failed constraint of a request at once. UNVERIFIED for more than one failure: the
 * count and the "; " separator follow Coral's format seen in other AWS JSON services.
 */
export function coralValidationError(violations: readonly string[]): SfnError {
  const n = violations.length;
  const head = `${n} validation error${n === 1 ? "" : "s"} detected: `;
  return sfnError("ValidationException", head + violations.join("; "), CORAL_VALIDATE_NAMESPACE);
}

export const C = {
  notNull: "Member must not be null",
  maxLen: (n: number) => `Member must have length less than or equal to ${n}`,
  /** UNVERIFIED: the notes only say lower bounds use "greater than or equal to". */
  minLen: (n: number) => `Member must have length greater than or equal to ${n}`,
  maxValue: (n: number) => `Member must have value less than or equal to ${n}`,
  /** UNVERIFIED, as minLen. */
  minValue: (n: number) => `Member must have value greater than or equal to ${n}`,
  pattern: (p: string) => `Member must satisfy regular expression pattern: ${p}`,
};

// ---- Step Functions' own errors -------------------------------------------------------------------

export const MSG = {
  // Verified (notes / LocalStack snapshots against AWS).
  routingNotDistinct: (arns: readonly string[]) =>
    `Routing configuration must contain distinct state machine version ARNs. Received: [${arns.join(", ")}]`,
  routingNotVersions: (arns: readonly string[]) =>
    `Routing configuration must contain state machine version ARNs. Received: [${arns.join(", ")}]`,
  routingWeightSum: (weights: readonly number[]) =>
    `Sum of routing configuration weights must equal 100. Received: [${weights.join(", ")}]`,
  aliasConflict:
    "Failed to create alias because an alias with the same name and a different routing configuration already exists.",
  resourceNotFound: "Request references a resource that does not exist.",
  invalidToken: "Invalid Token: 'Invalid token'",
  versionReferenced: (aliasNames: readonly string[]) =>
    `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${aliasNames.join(", ")}]`,
  versionDescriptionWithoutPublish: "Version description can only be set when publish is true",
  stateMachineDoesNotExist: (arn: string) => `State Machine Does Not Exist: '${arn}'`,
  publishRevisionConflict: (asked: string, current: string | undefined) =>
    `Failed to publish the State Machine version for revision ${asked}. The current State Machine revision is ${current ?? "null"}.`,

  // UNVERIFIED wordings: plausible, in AWS's voice.
  routingTwoStateMachines: (arns: readonly string[]) =>
    `Routing configuration must contain state machine version ARNs of the same state machine. Received: [${arns.join(", ")}]`,
  routingOtherStateMachine: (aliasArn: string, arns: readonly string[]) =>
    `Routing configuration must contain state machine version ARNs of the state machine of alias '${aliasArn}'. Received: [${arns.join(", ")}]`,
  aliasQuota: (max: number) =>
    `Failed to create alias because the maximum number of aliases (${max}) for the state machine has been reached.`,
  versionQuota: (max: number) =>
    `Failed to publish version because the maximum number of versions (${max}) for the state machine has been reached.`,
  /** LocalStack's wording (unverified against AWS). */
  updateAliasNothing: "Either the description or the RoutingConfiguration must be specified",
  updateStateMachineNothing:
    "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified",
  invalidArn: (arn: string) => `Invalid Arn: 'Resource type not valid in this context: ${arn}'`,
  invalidArnPrefix: (arn: string) => `Invalid Arn: 'Invalid ARN prefix: ${arn}'`,
  invalidName: (name: string) => `Invalid Name: '${name}'`,
  invalidDefinitionJson: "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: definition is not valid JSON'",
  invalidDefinitionSchema: (what: string) => `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${what}'`,
  stateMachineAlreadyExists: (arn: string) => `State Machine Already Exists: '${arn}'`,
  executionAlreadyExists: (arn: string) => `Execution Already Exists: '${arn}'`,
  executionDoesNotExist: (arn: string) => `Execution Does Not Exist: '${arn}'`,
};

// ---- Transport-level errors the HTTP layer answers (never from the store) ----------------------------

/** UNVERIFIED for SFN: the notes mark the throttling body itself as unverified. */
export const THROTTLING = sfnError("ThrottlingException", "Rate exceeded", CORAL_AVAILABILITY_NAMESPACE);
/** UNVERIFIED: what a Coral JSON service answers to a request without any Authorization header. */
export const MISSING_AUTH = sfnError("MissingAuthenticationTokenException", "Missing Authentication Token", CORAL_SERVICE_NAMESPACE);
/** UNVERIFIED: an Authorization header that is not SigV4 with a credential scope. */
export const INCOMPLETE_SIGNATURE = sfnError(
  "IncompleteSignatureException",
  "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
  CORAL_SERVICE_NAMESPACE,
);
export const UNKNOWN_OPERATION = sfnError("UnknownOperationException", "", CORAL_SERVICE_NAMESPACE);
export const SERIALIZATION = sfnError("SerializationException", "Start of structure or map found where not expected.", CORAL_SERVICE_NAMESPACE);
/** Fault injection bodies (UNVERIFIED wording; the SDK retries on the status alone). */
export const INTERNAL_FAILURE = sfnError("InternalFailure", "An internal error occurred.", CORAL_SERVICE_NAMESPACE, 500);
export const SERVICE_UNAVAILABLE = sfnError("ServiceUnavailable", "Service Unavailable", CORAL_SERVICE_NAMESPACE, 503);

// ---- Identities: tokens, cross-account calls, STS (iam.ts, sts.ts) ---------------------------------------

/**
 * UNVERIFIED for Step Functions: the wording Coral JSON services answer to a request signed with a session
 * key whose session token is missing or wrong.
 */
export const UNRECOGNIZED_CLIENT = sfnError("UnrecognizedClientException", "The security token included in the request is invalid.", CORAL_SERVICE_NAMESPACE);
/** UNVERIFIED for Step Functions: a session whose credentials have expired. */
export const EXPIRED_TOKEN = sfnError("ExpiredTokenException", "The security token included in the request is expired", CORAL_SERVICE_NAMESPACE);

/**
 * UNVERIFIED: a Step Functions call on a resource of another account than the caller's. The form
 * ("User: <principal> is not authorized to perform: <action> on resource: <arn> because no resource-based
 * policy allows the <action> action") is the one AWS uses for cross-account denials; the namespace and the
 * exact wording for Step Functions are not pinned down by any source at hand.
 */
export function accessDenied(principalArn: string, operation: string, resource: string): SfnError {
  const action = `states:${operation}`;
  return sfnError(
    "AccessDeniedException",
    `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} because no resource-based policy allows the ${action} action`,
    CORAL_SERVICE_NAMESPACE,
  );
}

/**
 * An STS error (AWS Query protocol). The body is `<ErrorResponse><Error><Type/><Code/><Message/></Error>
 * <RequestId/></ErrorResponse>`, as AWS documents for Query APIs (SQS developer guide, "Interpreting XML
 * API responses") and as the SDK's AwsQueryProtocol reads it (@aws-sdk/core protocols: loadQueryErrorCode
 * takes `Error.Code`, loadQueryErrorMessage `Error.Message`; the request id comes from `x-amzn-RequestId`).
 * Codes and HTTP statuses of modelled errors are the STS model's awsQueryError traits
 * (@aws-sdk/nested-clients sts: ExpiredTokenException 400, MalformedPolicyDocument 400, RegionDisabledException 403).
 */
export interface StsError {
  readonly kind: "error";
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** "Sender" (the caller's fault) or "Receiver". */
  readonly type: "Sender" | "Receiver";
}

export function stsError(code: string, message: string, status = 400, type: "Sender" | "Receiver" = "Sender"): StsError {
  return { kind: "error", code, message, status, type };
}

export const STS_MSG = {
  /**
   * The wording of AWS CLI output quoted in public reports ("An error occurred (AccessDenied) when calling
   * the AssumeRole operation: User: arn:aws:iam::111111111111:user/my-user is not authorized to perform:
   * sts:AssumeRole on resource: arn:aws:iam::222222222222:role/target-role"); status 403 UNVERIFIED.
   */
  assumeRoleDenied: (principalArn: string, roleArn: string) =>
    `User: ${principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  /** UNVERIFIED: seen in public reports for a RoleArn that is not a role ARN. */
  invalidRoleArn: "Request ARN is invalid",
  /** UNVERIFIED wording; the rule is the AssumeRole API reference's (role chaining: at most one hour). */
  chainedDuration: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
  /** UNVERIFIED wording; the rule is the API reference's (at most the role's maximum session duration). */
  maxSessionDuration: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
  /** UNVERIFIED wording. */
  malformedPolicy: "The policy is not in the valid JSON format.",
  /** UNVERIFIED: what a Query service answers to an unknown Action. */
  invalidAction: (action: string) => `Could not find operation ${action} for version 2011-06-15`,
};

/** UNVERIFIED: STS's answer to a request with a wrong session token. */
export const STS_INVALID_TOKEN = stsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
/** Code and status from the STS model (ExpiredTokenException, 400); wording UNVERIFIED. */
export const STS_EXPIRED_TOKEN = stsError("ExpiredTokenException", "The security token included in the request is expired", 400);
/** UNVERIFIED: an unsigned STS request. */
export const STS_MISSING_AUTH = stsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
