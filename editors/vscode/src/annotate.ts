// The annotation commands of the command palette. Each one reads the active editor's document,
// selection or cursor, asks for a label with a quick pick when it needs one (unless a key binding
// passes it as the argument), and has the server do the work through workspace/executeCommand
// (the server's own `nomen.annotation.*` commands): the server keeps the annotations and writes
// the `.ann` file when the document is saved.

import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';

/** A palette command: its identifier, and the server command it runs. */
interface Annotating {
    id: string;
    run: (client: LanguageClient, editor: vscode.TextEditor, arg: unknown) => Promise<void>;
}

/** The palette commands, in the order package.json lists them. */
export const COMMANDS: Annotating[] = [
    { id: 'nomen.annotate.add', run: (c, e, arg) => addWith(c, e, arg, 'nomen.annotation.add', {}) },
    {
        id: 'nomen.annotate.addAll',
        run: (c, e, arg) => addWith(c, e, arg, 'nomen.annotation.addAll', { scope: 'document' }),
    },
    {
        id: 'nomen.annotate.addAllWorkspace',
        run: (c, e, arg) => addWith(c, e, arg, 'nomen.annotation.addAll', { scope: 'workspace' }),
    },
    { id: 'nomen.annotate.remove', run: (c, e) => atCursor(c, e, 'nomen.annotation.remove', {}) },
    {
        id: 'nomen.annotate.relabel',
        run: async (c, e, arg) => {
            const label = await pickLabel(c, e, arg);
            if (label !== undefined) {
                await atCursor(c, e, 'nomen.annotation.relabel', { label });
            }
        },
    },
    {
        id: 'nomen.annotate.resize',
        run: (c, e) =>
            atCursor(c, e, 'nomen.annotation.resize', {
                range: c.code2ProtocolConverter.asRange(e.selection),
                position: c.code2ProtocolConverter.asPosition(e.selection.start),
            }),
    },
    {
        id: 'nomen.annotate.link',
        run: async (c, e, arg) => {
            const id =
                typeof arg === 'string'
                    ? arg
                    : await vscode.window.showInputBox({
                          prompt: 'The reference to link the annotation to',
                          placeHolder: 'Wikidata:Q90',
                      });
            if (id) {
                await atCursor(c, e, 'nomen.annotation.link', { id });
            }
        },
    },
    { id: 'nomen.annotate.accept', run: (c, e) => atCursor(c, e, 'nomen.annotation.accept', {}) },
    { id: 'nomen.annotate.reject', run: (c, e) => atCursor(c, e, 'nomen.annotation.reject', {}) },
];

/** Registers the palette commands; `client` gives the running client, if any. */
export function register(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
    for (const command of COMMANDS) {
        context.subscriptions.push(
            vscode.commands.registerCommand(command.id, async (arg?: unknown) => {
                const running = client();
                const editor = vscode.window.activeTextEditor;
                if (running === undefined || editor === undefined) {
                    void vscode.window.showWarningMessage('nomen: open a text or Markdown file to annotate it');
                    return;
                }
                try {
                    await command.run(running, editor, arg);
                } catch (error) {
                    const message = error instanceof Error ? error.message : String(error);
                    void vscode.window.showErrorMessage(message);
                }
            }),
        );
    }
}

function execute(client: LanguageClient, command: string, argument: object): Promise<unknown> {
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });
}

function uriOf(client: LanguageClient, editor: vscode.TextEditor): string {
    return client.code2ProtocolConverter.asUri(editor.document.uri);
}

/** The label passed by a key binding, else the one picked among the document's labels. */
async function pickLabel(client: LanguageClient, editor: vscode.TextEditor, arg: unknown): Promise<string | undefined> {
    if (typeof arg === 'string' && arg !== '') {
        return arg;
    }
    const labels = await execute(client, 'nomen.annotation.labels', { uri: uriOf(client, editor) });
    const items = Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [];
    return vscode.window.showQuickPick(items, { placeHolder: 'Label of the annotation' });
}

async function addWith(
    client: LanguageClient,
    editor: vscode.TextEditor,
    arg: unknown,
    command: string,
    extra: object,
): Promise<void> {
    if (editor.selection.isEmpty) {
        void vscode.window.showWarningMessage('nomen: select the text to annotate');
        return;
    }
    const label = await pickLabel(client, editor, arg);
    if (label === undefined) {
        return;
    }
    await execute(client, command, {
        uri: uriOf(client, editor),
        range: client.code2ProtocolConverter.asRange(editor.selection),
        label,
        ...extra,
    });
}

async function atCursor(client: LanguageClient, editor: vscode.TextEditor, command: string, extra: object): Promise<void> {
    await execute(client, command, {
        uri: uriOf(client, editor),
        position: client.code2ProtocolConverter.asPosition(editor.selection.active),
        ...extra,
    });
}
