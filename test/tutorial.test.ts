// The tutorial's "Testing the Complete Application" section, run command for command with the
// real curl (and jq, as the tutorial does) against a started server. Only the port differs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startServer } from './helpers.ts';

const SCRIPT = String.raw`
echo "@@register"
# Register a new user
curl -X POST http://localhost:8880/api/register \
  -H "Content-Type: application/json" \
  -d '{"username": "testuser", "password": "testpass123"}'

echo; echo "@@login"
# Login and get token
TOKEN=$(curl -X POST http://localhost:8880/api/login \
  -H "Content-Type: application/json" \
  -d '{"username": "testuser", "password": "testpass123"}' \
  | jq -r '.token')

echo "Token: $TOKEN"

echo "@@notes"
# Create some notes
curl -X POST http://localhost:8880/api/secure/notes \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d '{"content": "First note"}'

curl -X POST http://localhost:8880/api/secure/notes \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d '{"content": "Second note"}'

echo; echo "@@list"
# List notes with pagination
curl "http://localhost:8880/api/secure/notes?limit=10&offset=0" \
  -H "Authorization: Bearer $TOKEN"

echo; echo "@@upload"
# Upload a file
echo "Test file content" > test.txt
UPLOAD_RESPONSE=$(curl -X POST http://localhost:8880/api/secure/upload \
  -H "Authorization: Bearer $TOKEN" \
  -F "file=@test.txt")

echo "Upload response: $UPLOAD_RESPONSE"

# Extract filename from response
FILENAME=$(echo $UPLOAD_RESPONSE | jq -r '.filename')

# Download the file
curl http://localhost:8880/api/secure/download/$FILENAME \
  -H "Authorization: Bearer $TOKEN" \
  -o downloaded_test.txt

echo "@@download"
# Verify file content
cat downloaded_test.txt

echo "@@no-token"
# Test without token (should fail)
curl http://localhost:8880/api/secure/notes

echo; echo "@@bad-token"
# Test with invalid token (should fail)
curl http://localhost:8880/api/secure/notes \
  -H "Authorization: Bearer invalid_token"

echo; echo "@@bad-upload"
# Test invalid file upload (should fail)
curl -X POST http://localhost:8880/api/secure/upload \
  -H "Authorization: Bearer $TOKEN" \
  -F "file=@malicious.exe"

echo; echo "@@preflight"
# Test preflight request
curl -X OPTIONS http://localhost:8880/api/login \
  -H "Origin: http://localhost:3000" \
  -H "Access-Control-Request-Method: POST" -w '%{http_code}'
`;

test("the tutorial's curl session works as printed", async (t) => {
  const s = await startServer(t);
  const work = mkdtempSync(join(tmpdir(), 'curl-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  writeFileSync(join(work, 'malicious.exe'), 'MZ not really a program');
  const port = new URL(s.url).port;
  const script = SCRIPT.replaceAll('localhost:8880', `localhost:${port}`);
  // Asynchronously: the server answers from this same process.
  const { stdout: out } = await promisify(execFile)('bash', ['-e', '-c', script], { cwd: work, encoding: 'utf8' });
  const step: Record<string, string> = Object.fromEntries(out.split('@@').slice(1).map((part) => {
    const nl = part.indexOf('\n');
    return [part.slice(0, nl), part.slice(nl + 1).trim()];
  }));

  const at = (name: string): string => step[name] ?? assert.fail(`no output for step ${name}`);
  assert.deepEqual(JSON.parse(at('register')), { message: 'User registered' });
  assert.match(at('login'), /^Token: eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.deepEqual(at('notes').split('}{').length, 2);
  assert.match(at('notes'), /^\{"message":"Note added","id":\d+\}\{"message":"Note added","id":\d+\}$/);
  assert.deepEqual(JSON.parse(at('list')).notes.map((n: { content: string }) => n.content), ['First note', 'Second note']);
  const upload = JSON.parse(at('upload').replace('Upload response: ', ''));
  assert.equal(upload.message, 'File uploaded');
  assert.equal(upload.original_name, 'test.txt');
  assert.equal(at('download'), 'Test file content');
  assert.deepEqual(JSON.parse(at('no-token')), { error: 'Missing Bearer token' });
  assert.deepEqual(JSON.parse(at('bad-token')), { error: 'Invalid token' });
  assert.deepEqual(JSON.parse(at('bad-upload')), { error: 'File type not allowed' });
  assert.equal(at('preflight'), '204');
  assert.deepEqual(s.uploads(), [upload.filename]);
});
