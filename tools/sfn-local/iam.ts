// Who is calling, in which account: the endpoint's small model of IAM. An access key maps to an account
// (`accounts`, else the default account); AssumeRole issues temporary keys, with a session token, that map
// to the role's account. A Step Functions call may only touch resources of the caller's account (AWS would
// also need a resource-based policy, which Step Functions does not have). No policies, no role existence, no
// signature verification: see README "Not modelled".

import { createHash, randomBytes } from "crypto";
import { partitionOf } from "./arn";
import { EXPIRED_TOKEN, SfnError, UNRECOGNIZED_CLIENT, accessDenied } from "./errors";

/** The IAM user every long-term access key stands for: `arn:aws:iam::<account>:user/test`. */
export const USER_NAME = "test";
/** AWS's default MaxSessionDuration of a role. */
export const DEFAULT_ROLE_MAX_SESSION_SECONDS = 3600;

export interface Principal {
  readonly account: string;
  /** `arn:<p>:iam::<account>:user/test` or `arn:<p>:sts::<account>:assumed-role/<role name>/<session name>`. */
  readonly arn: string;
  /** As GetCallerIdentity reports it: `AIDA...` for a user, `AROA...:<session name>` for an assumed role. */
  readonly userId: string;
  /** Set for temporary credentials issued by AssumeRole. */
  readonly role?: { readonly roleArn: string; readonly sessionName: string };
}

export interface IssuedSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch ms. */
  readonly expiration: number;
  readonly principal: Principal;
}

export interface IdentityOptions {
  readonly defaultAccount: string;
  /** Access key id -> account id, for long-term keys; others map to the default account. */
  readonly accounts?: Readonly<Record<string, string>>;
  /** Role ARNs that may not be assumed (AccessDenied), to show the error path. */
  readonly deniedRoles?: readonly string[];
  /** Role ARN -> its MaxSessionDuration in seconds (default 3600, as AWS's). */
  readonly roleMaxSessionSeconds?: Readonly<Record<string, number>>;
  readonly now: () => number;
}

/** `arn:<partition>:iam::<account>:role/<path/><name>` */
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/;

export function parseRoleArn(arn: string): { partition: string; account: string; name: string } | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1], account: m[2], name: m[4] } : undefined;
}

/** A stable, AWS-shaped unique id (`AIDA` / `AROA` + 17 characters) for what `seed` names. */
function uniqueId(prefix: string, seed: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = createHash("sha256").update(seed).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[bytes[i] % 32];
  return id;
}

function randomKey(prefix: string, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return prefix + Array.from(randomBytes(length), (b) => alphabet[b % 32]).join("");
}

export class Identities {
  private readonly sessions = new Map<string, IssuedSession>();

  constructor(private readonly opts: IdentityOptions) {
    for (const [key, account] of Object.entries({ accountId: opts.defaultAccount, ...opts.accounts })) {
      if (!/^\d{12}$/.test(account)) throw new Error(`sfn-local: the account of ${key} must be 12 digits (ARNs carry it). Received: '${account}'`);
    }
  }

  userPrincipal(account: string, region: string): Principal {
    return { account, arn: `arn:${partitionOf(region)}:iam::${account}:user/${USER_NAME}`, userId: uniqueId("AIDA", `${account}/${USER_NAME}`) };
  }

  /**
   * The caller of a request signed with `accessKeyId` (and `sessionToken`, from X-Amz-Security-Token).
   * Keys this endpoint issued need their session token, unexpired; any other key is a long-term key of the
   * account `accounts` gives it, or of the default account (tokens sent with those are not checked).
   */
  resolve(accessKeyId: string, sessionToken: string | undefined, region: string): Principal | SfnError {
    const issued = this.sessions.get(accessKeyId);
    if (issued) {
      if (sessionToken !== issued.sessionToken) return UNRECOGNIZED_CLIENT;
      if (this.opts.now() >= issued.expiration) return EXPIRED_TOKEN;
      return issued.principal;
    }
    return this.userPrincipal(this.opts.accounts?.[accessKeyId] ?? this.opts.defaultAccount, region);
  }

  isDenied(roleArn: string): boolean {
    return (this.opts.deniedRoles ?? []).includes(roleArn);
  }

  maxSessionSeconds(roleArn: string): number {
    return this.opts.roleMaxSessionSeconds?.[roleArn] ?? DEFAULT_ROLE_MAX_SESSION_SECONDS;
  }

  /** Issues temporary credentials for a role session (the checks are sts.ts's). */
  issue(roleArn: string, sessionName: string, durationSeconds: number): IssuedSession {
    const role = parseRoleArn(roleArn)!;
    const principal: Principal = {
      account: role.account,
      arn: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`,
      userId: `${uniqueId("AROA", roleArn)}:${sessionName}`,
      role: { roleArn, sessionName },
    };
    const session: IssuedSession = {
      accessKeyId: randomKey("ASIA", 16),
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: randomBytes(96).toString("base64"),
      expiration: this.opts.now() + durationSeconds * 1000,
      principal,
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }

  /** Sessions issued so far (for tests; secrets included, never logged). */
  issued(): IssuedSession[] {
    return [...this.sessions.values()];
  }
}

// ---- The cross-account rule of Step Functions calls ------------------------------------------------------

const STATES_ACCOUNT = /^arn:[^:]+:states:[^:]*:(\d{12}):/;

/** The resource ARNs a Step Functions call names, the one AWS authorizes on first. */
export function resourceArns(operation: string, p: any): string[] {
  const str = (v: unknown): string[] => (typeof v === "string" ? [v] : []);
  const routing = (r: unknown): string[] =>
    Array.isArray(r) ? r.flatMap((i) => str((i as { stateMachineVersionArn?: unknown })?.stateMachineVersionArn)) : [];
  switch (operation) {
    case "DescribeStateMachine": case "UpdateStateMachine": case "DeleteStateMachine": case "PublishStateMachineVersion":
    case "ListStateMachineVersions": case "ListStateMachineAliases": case "StartExecution":
      return str(p?.stateMachineArn);
    case "DeleteStateMachineVersion":
      return str(p?.stateMachineVersionArn);
    case "CreateStateMachineAlias": {
      // The alias to be, `<state machine ARN>:<name>`, then the versions it routes to.
      const versions = routing(p?.routingConfiguration);
      const machine = versions[0]?.replace(/:[^:]+$/, "");
      return [...(machine && typeof p?.name === "string" ? [`${machine}:${p.name}`] : []), ...versions];
    }
    case "UpdateStateMachineAlias":
      return [...str(p?.stateMachineAliasArn), ...routing(p?.routingConfiguration)];
    case "DescribeStateMachineAlias": case "DeleteStateMachineAlias":
      return str(p?.stateMachineAliasArn);
    case "DescribeExecution":
      return str(p?.executionArn);
    default:
      return [];
  }
}

/** AccessDeniedException when the call names a resource of another account than the caller's. */
export function checkAccess(principal: Principal, operation: string, params: unknown): SfnError | undefined {
  for (const arn of resourceArns(operation, params)) {
    const account = STATES_ACCOUNT.exec(arn)?.[1];
    if (account !== undefined && account !== principal.account) return accessDenied(principal.arn, operation, arn);
  }
  return undefined;
}
