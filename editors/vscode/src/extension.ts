// The nomen extension: starts `nomen lsp` and connects it to VS Code through
// vscode-languageclient. Everything the user sees (hovers, diagnostics, semantic colouring) comes
// from the server; this file only finds the binary, passes settings and offers a restart command
// (the annotation commands of the palette are in annotate.ts).

import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    DocumentFilter,
    ExecuteCommandRequest,
    InitializeResult,
    LanguageClient,
    LanguageClientOptions,
    ServerOptions,
} from 'vscode-languageclient/node';

import * as annotate from './annotate';
import { findServer, ServerNotFound } from './server';

const SECTION = 'nomen';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

/** What `activate` returns to other extensions (the end-to-end driver reads it). */
export interface NomenApi {
    /** The server's `initialize` result, or undefined while no server runs. */
    initializeResult(): InitializeResult | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<NomenApi> {
    // The client's own trace and logs share this channel, so one place shows everything.
    output = vscode.window.createOutputChannel('nomen');
    context.subscriptions.push(output);

    context.subscriptions.push(
        vscode.commands.registerCommand('nomen.restart', () => restart(context)),
        // Runs the server's `nomen.model.reset` (vscode-languageclient registers the server's
        // commands under their own names, hence another name here): it removes
        // .nomen/model.delta and uses the shipped model again.
        vscode.commands.registerCommand('nomen.resetModel', async () => {
            if (client === undefined) {
                void vscode.window.showWarningMessage('nomen: the server is not running');
                return;
            }
            await client.sendRequest(ExecuteCommandRequest.type, { command: 'nomen.model.reset', arguments: [] });
            void vscode.window.showInformationMessage('nomen: the workspace model is reset to the shipped one');
        }),
        vscode.workspace.onDidChangeConfiguration((event) => {
            // The other settings reach the running server through didChangeConfiguration; these
            // two decide which process runs and which documents it sees, so they need a restart.
            if (
                event.affectsConfiguration('nomen.server.path') ||
                event.affectsConfiguration('nomen.documentSelector')
            ) {
                void restart(context);
            } else if (event.affectsConfiguration(SECTION)) {
                void client
                    ?.sendNotification(DidChangeConfigurationNotification.type, {
                        settings: { [SECTION]: serverSettings() },
                    })
                    .catch((error) => output?.appendLine(`nomen: sending settings: ${String(error)}`));
            }
        }),
    );

    annotate.register(context, () => client);

    restarting = start(context);
    await restarting;
    return { initializeResult: () => client?.initializeResult };
}

export async function deactivate(): Promise<void> {
    await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
    const log = output!;
    const found = findServer(context.extensionPath, vscode.workspace.getConfiguration(SECTION));
    if (found instanceof ServerNotFound) {
        log.appendLine(found.message);
        log.appendLine(found.details);
        void showMissingServer(found);
        return;
    }
    log.appendLine(`nomen: starting ${found.path} (${found.origin})`);

    const run = { command: found.path, args: ['lsp'] };
    const serverOptions: ServerOptions = { run, debug: run };
    const clientOptions: LanguageClientOptions = {
        documentSelector: documentSelector(),
        outputChannel: log,
        initializationOptions: serverSettings(),
        // No `synchronize.configurationSection`: it would send the whole section, client-only
        // keys included, and the server warns about keys it does not know. The
        // onDidChangeConfiguration handler in `activate` sends the server's part instead.
    };

    client = new LanguageClient('nomen', 'nomen', serverOptions, clientOptions);
    try {
        await client.start();
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.appendLine(`nomen: the server did not start: ${message}`);
        void vscode.window
            .showErrorMessage(
                `nomen: the server at ${found.path} did not start (${message}). See the "nomen" output for details.`,
                'Show Output',
            )
            .then((choice) => {
                if (choice === 'Show Output') {
                    log.show(true);
                }
            });
        client = undefined;
    }
}

async function stop(): Promise<void> {
    const running = client;
    client = undefined;
    if (running === undefined) {
        return;
    }
    try {
        await running.stop();
    } catch (error) {
        // A server that already died cannot be stopped politely; there is nothing left to do.
        output?.appendLine(`nomen: stopping the server: ${String(error)}`);
    }
}

// Restarts run one after another: a settings change arriving during a restart must not leave
// two servers running.
let restarting: Promise<void> = Promise.resolve();

function restart(context: vscode.ExtensionContext): Promise<void> {
    restarting = restarting.then(async () => {
        output?.appendLine('nomen: restarting the server');
        await stop();
        await start(context);
    });
    return restarting;
}

async function showMissingServer(missing: ServerNotFound): Promise<void> {
    const choice = await vscode.window.showErrorMessage(missing.message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'nomen.server.path');
    } else if (choice === 'Show Output') {
        output?.show(true);
    }
}

// Keys of the `nomen` section that only the extension reads.
const CLIENT_ONLY = ['server', 'trace', 'documentSelector'];

// The server's part of the `nomen` section as a plain object, for `initializationOptions` and
// `workspace/didChangeConfiguration`.
function serverSettings(): Record<string, unknown> {
    const section = JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(SECTION))) as Record<
        string,
        unknown
    >;
    for (const key of CLIENT_ONLY) {
        delete section[key];
    }
    return section;
}

function documentSelector(): DocumentFilter[] {
    const configured = vscode.workspace.getConfiguration(SECTION).get<unknown>('documentSelector');
    const filters = Array.isArray(configured)
        ? configured.filter(
              (filter): filter is DocumentFilter =>
                  typeof filter === 'object' &&
                  filter !== null &&
                  ('language' in filter || 'scheme' in filter || 'pattern' in filter),
          )
        : [];
    if (filters.length > 0) {
        return filters;
    }
    return ['plaintext', 'markdown'].flatMap((language) =>
        ['file', 'untitled'].map((scheme) => ({ language, scheme })),
    );
}
