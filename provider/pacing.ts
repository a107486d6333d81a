/**
 * Client-side pacing and the retry decision, as pure functions of the clock and the error: what a call
 * waits before it is sent, and whether a failed call is sent again. No I/O; aws.ts holds the state.
 */

/** One AWS token bucket as AWS publishes it: `burst` calls at once, then `refillPerSecond`. */
export interface BucketSpec {
    readonly burst: number;
    readonly refillPerSecond: number;
}

/**
 * AWS's bucket, mirrored on the client. Each call reserves a token before it is sent; tokens may go below
 * zero, which queues later calls behind earlier ones in the order they asked (a reservation, not a race).
 * A throttled answer proves AWS's bucket is empty now (another client may share it), so `empty()` drops
 * whatever the mirror still believed it had: from then on calls go out at the refill rate, which is the
 * most AWS grants, so almost none bounces.
 */
export class TokenBucket {
    private tokens: number;
    private at: number;

    constructor(private readonly spec: BucketSpec, now: number) {
        this.tokens = spec.burst;
        this.at = now;
    }

    private refill(now: number): void {
        if (now > this.at) {
            this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.at) / 1000) * this.spec.refillPerSecond);
            this.at = now;
        }
    }

    /** Takes one token; returns how long (ms) the call must wait before it is sent. */
    reserve(now: number): number {
        this.refill(now);
        this.tokens -= 1;
        return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.spec.refillPerSecond) * 1000);
    }

    /** AWS said its bucket is empty: keep the queue already reserved, forget any tokens left. */
    empty(now: number): void {
        this.refill(now);
        this.tokens = Math.min(this.tokens, 0);
    }

    /** Tokens available now (negative: reserved ahead). For tests. */
    level(now: number): number {
        this.refill(now);
        return this.tokens;
    }
}

/** How a failed call is treated. */
export type FailureKind = "throttling" | "transient" | "final";

interface ErrorLike {
    name?: string;
    $metadata?: { httpStatusCode?: number };
}

/**
 * The SDK's own classification, as its retry middleware makes it (@smithy/core retry `getRetryErrorType`,
 * through the public @smithy/service-error-classification): THROTTLING (throttling codes, 429);
 * TRANSIENT (timeouts, connection resets and refusals, 500/502/503/504, `$retryable` errors, a clock skew
 * the SDK has just corrected); SERVER_ERROR (any other 5xx); anything else is CLIENT_ERROR, which the SDK
 * does not retry either (the legacy decider's `isClockSkewError` is not used: it counts every
 * AccessDeniedException). Every alias call is safe to repeat, so all three retryable kinds are sent again.
 */
export function classify(e: unknown): FailureKind {
    if (typeof e !== "object" || e === null) return "final";
    const c = require("@smithy/service-error-classification") as typeof import("@smithy/service-error-classification");
    const err = e as ErrorLike & Parameters<typeof c.isThrottlingError>[0];
    if (c.isThrottlingError(err)) return "throttling";
    if (c.isTransientError(err) || c.isServerError(err)) return "transient";
    return "final";
}

/** Whether AWS itself answered (so its service granted a token), as opposed to a fault on the way. */
export function awsAnswered(e: unknown, kind: FailureKind): boolean {
    const status = (e as ErrorLike | undefined)?.$metadata?.httpStatusCode;
    return kind === "final" && typeof status === "number" && status < 500;
}

/** Full jitter on an exponential base (AWS's "exponential backoff and jitter"), capped. */
export function backoffMs(round: number, random: number, baseMs = 100, capMs = 20_000): number {
    return random * Math.min(capMs, baseMs * 2 ** Math.min(round, 16));
}
