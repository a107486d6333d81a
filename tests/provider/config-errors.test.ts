// settingsFromConfig's errors about aws:endpoints name the key, the rule and the fix, and never repeat a
// config value that may be secret (a whole value that is not JSON, or a structured entry).
import * as assert from "assert";
import { settingsFromConfig } from "../../provider/config";

const SECRET = "endpoint-secret-never-shown";

function errorOf(config: Record<string, string>): string {
    try {
        settingsFromConfig((k) => config[k]);
    } catch (e) {
        return (e as Error).message;
    }
    assert.fail("no error");
}

describe("settingsFromConfig: aws:endpoints errors repeat no secret", () => {
    it("a value that is not JSON: its length, not its text", () => {
        const message = errorOf({ "aws:endpoints": `[{"sfn": "http://127.0.0.1:4566", "token": "${SECRET}"` });
        assert.ok(!message.includes(SECRET), message);
        assert.match(message, /^aws:endpoints is not JSON \(its \d+ characters are not shown, as config may be secret\); set it as a list such as \[\{"sfn": "http:\/\/127\.0\.0\.1:4566"\}\]\.$/);
    });

    it("an entry that is not a URL string: its type, not its content", () => {
        const message = errorOf({ "aws:endpoints": JSON.stringify([{ sfn: { url: SECRET } }]) });
        assert.strictEqual(message, 'aws:endpoints entry sfn must be an http(s) URL such as "http://127.0.0.1:4566", but received an object.');
    });

    it("an entry that is a string but not a URL: quoted (an endpoint is not a secret), shortened", () => {
        assert.strictEqual(
            errorOf({ "aws:endpoints": JSON.stringify([{ sfn: "localhost:4566" }]) }),
            'aws:endpoints entry sfn must be an http(s) URL such as "http://127.0.0.1:4566", but received "localhost:4566".',
        );
        assert.ok(errorOf({ "aws:endpoints": JSON.stringify([{ sfn: "x".repeat(500) }]) }).length < 250);
    });
});
