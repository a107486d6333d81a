// STS on the same port as Step Functions: AssumeRole and GetCallerIdentity over the AWS Query protocol, as
// the SDK's STS client speaks it (@aws-sdk/nested-clients sts, @aws-sdk/core AwsQueryProtocol): POST / with
// an application/x-www-form-urlencoded body `Action=<op>&Version=2011-06-15&<members>`, lists as
// `Name.member.N[.Field]`; the answer is XML `<OpResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
// <OpResult>...</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>` (the SDK reads the
// `<Op>Result` element under the root; timestamps ISO 8601), and errors are errors.ts's StsError. Pure: the
// HTTP shell is server.ts's.

import { C, StsError, STS_MSG, constraintViolation, stsError } from "./errors";
import { Identities, Principal, parseRoleArn } from "./iam";

export const STS_VERSION = "2011-06-15";
export const STS_XMLNS = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;
export const STS_OPERATIONS = ["AssumeRole", "GetCallerIdentity"] as const;

export interface StsAnswer {
  readonly status: number;
  readonly xml: string;
  /** "ok" or the error code, for the call log. */
  readonly outcome: string;
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** The form body as a flat record (`Tags.member.1.Key` stays one key). */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/** Members of a Query list `name.member.N` (or `name.member.N.field`), in N order. */
function queryList(form: Record<string, string>, name: string, field?: string): string[] {
  const re = new RegExp(`^${name}\\.member\\.(\\d+)${field ? `\\.${field}` : ""}$`);
  return Object.entries(form)
    .map(([k, v]) => [re.exec(k)?.[1], v] as const)
    .filter((e): e is readonly [string, string] => e[0] !== undefined)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, v]) => v);
}

export function stsErrorXml(e: StsError, requestId: string): string {
  return `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>${e.type}</Type><Code>${xmlEscape(e.code)}</Code>` +
    `<Message>${xmlEscape(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function answer(operation: string, result: string, requestId: string): StsAnswer {
  return {
    status: 200,
    outcome: "ok",
    xml: `<${operation}Response xmlns="${STS_XMLNS}"><${operation}Result>${result}</${operation}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

const fail = (e: StsError, requestId: string): StsAnswer => ({ status: e.status, xml: stsErrorXml(e, requestId), outcome: e.code });

/** ISO 8601 to the second, as STS writes Expiration. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Coral's model checks of AssumeRole, with the constraints of the STS Smithy model (aws-sdk-js-v3
 * codegen/sdk-codegen/aws-models/sts.json: arnType 20-2048, roleSessionNameType 2-64 `[\w+=,.@-]*`,
 * roleDurationSecondsType 900-43200, externalIdType 2-1224 `[\w+=,.@:/-]*`, sessionPolicyDocumentType 1-2048,
 * sourceIdentityType 2-64, tagListType / tagKeyListType at most 50). Reported as STS's `ValidationError`
 * with Coral's "N validation error(s) detected: ..." text (the count/separator format is errors.ts's, UNVERIFIED
 * for more than one).
 */
function validateAssumeRole(form: Record<string, string>): StsError | undefined {
  const list: string[] = [];
  const required = (path: string, v: string | undefined) => {
    if (v === undefined) list.push(constraintViolation(null, path, C.notNull));
    return v !== undefined;
  };
  const length = (path: string, v: string | undefined, min: number, max: number) => {
    if (v === undefined) return;
    if (v.length > max) list.push(constraintViolation(v, path, C.maxLen(max)));
    if (v.length < min) list.push(constraintViolation(v, path, C.minLen(min)));
  };
  const pattern = (path: string, v: string | undefined, re: RegExp, source: string) => {
    if (v !== undefined && !re.test(v)) list.push(constraintViolation(v, path, C.pattern(source)));
  };
  if (required("roleArn", form.RoleArn)) length("roleArn", form.RoleArn, 20, 2048);
  if (required("roleSessionName", form.RoleSessionName)) {
    length("roleSessionName", form.RoleSessionName, 2, 64);
    pattern("roleSessionName", form.RoleSessionName, /^[\w+=,.@-]*$/, "[\\w+=,.@-]*");
  }
  if (form.DurationSeconds !== undefined) {
    const n = Number(form.DurationSeconds);
    if (!Number.isInteger(n)) list.push(constraintViolation(form.DurationSeconds, "durationSeconds", "Member must be an integer"));
    else if (n > 43200) list.push(constraintViolation(String(n), "durationSeconds", C.maxValue(43200)));
    else if (n < 900) list.push(constraintViolation(String(n), "durationSeconds", C.minValue(900)));
  }
  length("externalId", form.ExternalId, 2, 1224);
  pattern("externalId", form.ExternalId, /^[\w+=,.@:/-]*$/, "[\\w+=,.@:/-]*");
  length("policy", form.Policy, 1, 2048);
  length("sourceIdentity", form.SourceIdentity, 2, 64);
  pattern("sourceIdentity", form.SourceIdentity, /^[\w+=,.@-]*$/, "[\\w+=,.@-]*");
  const tags = queryList(form, "Tags", "Key");
  if (tags.length > 50) list.push(constraintViolation(`[${tags.length} tags]`, "tags", C.maxLen(50)));
  const transitive = queryList(form, "TransitiveTagKeys");
  if (transitive.length > 50) list.push(constraintViolation(`[${transitive.length} keys]`, "transitiveTagKeys", C.maxLen(50)));
  if (list.length === 0) return undefined;
  return stsError("ValidationError", `${list.length} validation error${list.length === 1 ? "" : "s"} detected: ${list.join("; ")}`);
}

function assumeRole(identities: Identities, caller: Principal, form: Record<string, string>, requestId: string): StsAnswer {
  const invalid = validateAssumeRole(form);
  if (invalid) return fail(invalid, requestId);
  const roleArn = form.RoleArn;
  if (!parseRoleArn(roleArn)) return fail(stsError("ValidationError", STS_MSG.invalidRoleArn), requestId);
  if (form.Policy !== undefined) {
    try {
      JSON.parse(form.Policy);
    } catch {
      return fail(stsError("MalformedPolicyDocument", STS_MSG.malformedPolicy), requestId);
    }
  }
  if (identities.isDenied(roleArn)) return fail(stsError("AccessDenied", STS_MSG.assumeRoleDenied(caller.arn, roleArn), 403), requestId);
  const duration = form.DurationSeconds === undefined ? 3600 : Number(form.DurationSeconds);
  // Role chaining (a role session assuming a role) is limited to one hour, whatever the role allows.
  if (caller.role && duration > 3600) return fail(stsError("ValidationError", STS_MSG.chainedDuration), requestId);
  if (duration > identities.maxSessionSeconds(roleArn)) return fail(stsError("ValidationError", STS_MSG.maxSessionDuration), requestId);

  const s = identities.issue(roleArn, form.RoleSessionName, duration);
  const source = form.SourceIdentity !== undefined ? `<SourceIdentity>${xmlEscape(form.SourceIdentity)}</SourceIdentity>` : "";
  return answer("AssumeRole",
    source +
    `<AssumedRoleUser><AssumedRoleId>${xmlEscape(s.principal.userId)}</AssumedRoleId><Arn>${xmlEscape(s.principal.arn)}</Arn></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${s.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(s.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${xmlEscape(s.sessionToken)}</SessionToken><Expiration>${isoSeconds(s.expiration)}</Expiration></Credentials>`,
    requestId);
}

function getCallerIdentity(caller: Principal, requestId: string): StsAnswer {
  return answer("GetCallerIdentity",
    `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(caller.userId)}</UserId><Account>${caller.account}</Account>`, requestId);
}

/** One STS call by `caller` (already authenticated by server.ts). */
export function handleSts(identities: Identities, caller: Principal, form: Record<string, string>, requestId: string): StsAnswer {
  switch (form.Action) {
    case "AssumeRole": return assumeRole(identities, caller, form, requestId);
    case "GetCallerIdentity": return getCallerIdentity(caller, requestId);
    default: return fail(stsError("InvalidAction", STS_MSG.invalidAction(form.Action ?? "")), requestId);
  }
}

/** What the call log records of an STS call: the form members, without Action and Version. */
export function stsLogParams(form: Record<string, string>): Record<string, string> {
  const { Action: _a, Version: _v, ...rest } = form;
  return rest;
}
