// Where the `nomen` binary is: the `nomen.server.path` setting, else the binary bundled in the
// extension, else `nomen` on PATH. Kept apart from the client so that the order is easy to read.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type Origin = 'setting nomen.server.path' | 'bundled with the extension' | 'PATH';

export interface FoundServer {
    path: string;
    origin: Origin;
}

export class ServerNotFound {
    constructor(
        /** One sentence for the error notification: what is missing and what to do. */
        readonly message: string,
        /** Where we looked, for the output channel. */
        readonly details: string,
    ) {}
}

interface Settings {
    get<T>(key: string): T | undefined;
}

const EXE = process.platform === 'win32' ? 'nomen.exe' : 'nomen';

export function findServer(extensionPath: string, settings: Settings): FoundServer | ServerNotFound {
    const configured = (settings.get<string>('server.path') ?? '').trim();
    if (configured !== '') {
        const resolved = expand(configured);
        if (isExecutable(resolved)) {
            return { path: resolved, origin: 'setting nomen.server.path' };
        }
        return new ServerNotFound(
            `nomen: the server binary "${resolved}" set in "nomen.server.path" does not exist or is not executable. ` +
                'Fix the setting, or clear it to use the bundled binary or "nomen" on PATH.',
            `nomen: nomen.server.path = ${configured} -> ${resolved}: missing or not executable`,
        );
    }

    const bundled = path.join(extensionPath, 'server', EXE);
    if (fs.existsSync(bundled)) {
        makeExecutable(bundled);
        if (isExecutable(bundled)) {
            return { path: bundled, origin: 'bundled with the extension' };
        }
    }

    const onPath = searchPath(EXE);
    if (onPath !== undefined) {
        return { path: onPath, origin: 'PATH' };
    }

    return new ServerNotFound(
        'nomen: cannot find the server binary "nomen". Install it (cargo install --path . in the nomen ' +
            'repository) and put it on PATH, or set "nomen.server.path" to its location, then run "nomen: Restart server".',
        `nomen: no server binary: nomen.server.path is empty, ${bundled} is missing, ` +
            `and no ${EXE} on PATH (${process.env.PATH ?? ''})`,
    );
}

function expand(configured: string): string {
    let expanded = configured;
    if (expanded === '~' || expanded.startsWith('~/')) {
        expanded = path.join(os.homedir(), expanded.slice(1));
    }
    // A relative path is relative to the first workspace folder, which is where users keep a
    // locally built binary (`target/release/nomen`); the extension host's own cwd means nothing.
    if (!path.isAbsolute(expanded)) {
        const folder = workspaceFolder();
        if (folder !== undefined) {
            expanded = path.join(folder, expanded);
        }
    }
    return expanded;
}

function workspaceFolder(): string | undefined {
    // Loaded lazily so that this module stays usable outside the extension host.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vscode = require('vscode') as typeof import('vscode');
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function searchPath(name: string): string | undefined {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
        if (dir === '') {
            continue;
        }
        const candidate = path.join(dir, name);
        if (isExecutable(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

function isExecutable(file: string): boolean {
    try {
        if (!fs.statSync(file).isFile()) {
            return false;
        }
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

// A .vsix is a zip archive, and some ways of unpacking it drop the executable bit.
function makeExecutable(file: string): void {
    if (process.platform === 'win32' || isExecutable(file)) {
        return;
    }
    try {
        fs.chmodSync(file, 0o755);
    } catch {
        // Read-only install location: isExecutable() will say no and we fall through to PATH.
    }
}
