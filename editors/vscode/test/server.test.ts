// Unit tests of the server lookup order (setting, bundled binary, PATH) and of the message shown
// when nothing is found. Run with `npm test`; no VS Code needed.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';

import { findServer, ServerNotFound } from '../src/server';

let dir: string;
let savedPath: string | undefined;

beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomen-vscode-'));
    savedPath = process.env.PATH;
    process.env.PATH = path.join(dir, 'empty-bin');
});

afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
});

function settings(serverPath: string) {
    return { get: <T>(key: string) => (key === 'server.path' ? (serverPath as T) : undefined) };
}

function file(rel: string, mode: number): string {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, '#!/bin/sh\n');
    fs.chmodSync(p, mode);
    return p;
}

test('the setting wins over the bundled binary and PATH', () => {
    const configured = file('custom/nomen', 0o755);
    file('ext/server/nomen', 0o755);
    file('bin/nomen', 0o755);
    process.env.PATH = path.join(dir, 'bin');
    assert.deepEqual(findServer(path.join(dir, 'ext'), settings(configured)), {
        path: configured,
        origin: 'setting nomen.server.path',
    });
});

test('a setting that points nowhere is an error, not a silent fallback', () => {
    file('ext/server/nomen', 0o755);
    const found = findServer(path.join(dir, 'ext'), settings(path.join(dir, 'missing/nomen')));
    assert.ok(found instanceof ServerNotFound);
    assert.match(found.message, /missing\/nomen" set in "nomen.server.path" does not exist/);
});

test('the bundled binary comes next, made executable if unpacking lost the bit', () => {
    const bundled = file('ext/server/nomen', 0o644);
    file('bin/nomen', 0o755);
    process.env.PATH = path.join(dir, 'bin');
    assert.deepEqual(findServer(path.join(dir, 'ext'), settings('')), {
        path: bundled,
        origin: 'bundled with the extension',
    });
    assert.equal(fs.statSync(bundled).mode & 0o111, 0o111);
});

test('then nomen on PATH, skipping entries that are not executable', () => {
    file('a/nomen', 0o644);
    const onPath = file('b/nomen', 0o755);
    process.env.PATH = [path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter);
    assert.deepEqual(findServer(path.join(dir, 'ext'), settings('  ')), { path: onPath, origin: 'PATH' });
});

test('nothing found: one message that says what to do', () => {
    const found = findServer(path.join(dir, 'ext'), settings(''));
    assert.ok(found instanceof ServerNotFound);
    assert.match(found.message, /cannot find the server binary "nomen"/);
    assert.match(found.message, /nomen.server.path/);
    assert.match(found.message, /Restart server/);
    assert.match(found.details, /ext\/server\/nomen is missing/);
});
