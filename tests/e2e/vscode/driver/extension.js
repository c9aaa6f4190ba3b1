// The end-to-end driver: runs inside a real VS Code extension host (code-server) beside the
// packaged nomen extension, checks what a user would see through the public API only, and writes
// `result.json` into the workspace for run.sh to read. Every check records pass, fail or skip with
// the evidence, so a failure says what VS Code actually showed.

const vscode = require('vscode');
const fs = require('fs');
const path = require('path');

const WORD = /[\p{L}\p{M}\p{N}]/u;

let driverContext;

function activate(context) {
    driverContext = context;
    // Not awaited: the checks take seconds and VS Code should not wait on them to finish
    // activating the extension.
    void main();
}

async function main() {
    const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
    const spec = JSON.parse(fs.readFileSync(path.join(root, 'nomen-e2e.json'), 'utf8'));
    const result = { started: new Date().toISOString(), checks: [], timings: {}, seen: {} };
    const write = () =>
        fs.writeFileSync(path.join(root, 'result.json.tmp'), JSON.stringify(result, null, 2));
    try {
        await run(root, spec, result);
    } catch (error) {
        result.checks.push({ name: 'driver', status: 'fail', detail: String(error && error.stack) });
    }
    result.finished = new Date().toISOString();
    write();
    // Renamed into place so that run.sh never reads a half-written file.
    fs.renameSync(path.join(root, 'result.json.tmp'), path.join(root, 'result.json'));
}

async function run(root, spec, result) {
    const check = (name, status, detail) => result.checks.push({ name, status, detail });
    const t0 = Date.now();

    const uri = vscode.Uri.file(path.join(root, spec.fixture));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    const ext = vscode.extensions.getExtension('nomen.nomen');
    if (ext === undefined) {
        check('extension-active', 'fail', 'nomen.nomen is not installed');
        return;
    }
    const api = await ext.activate();
    const init = api && api.initializeResult();
    check(
        'extension-active',
        init ? 'pass' : 'fail',
        init ? { languageId: doc.languageId, serverInfo: init.serverInfo, positionEncoding: init.capabilities.positionEncoding } : 'no initialize result: the server did not start',
    );
    if (!init) {
        return;
    }
    result.seen.capabilities = init.capabilities;

    // 1. Diagnostics arrive for the opened document.
    const first = await settled(uri, () => true, 30000);
    result.timings.firstDiagnosticsMs = Date.now() - t0;
    result.seen.diagnostics = first.map((d) => describe(doc, d));
    if (first.length === 0) {
        check('diagnostics-arrive', 'fail', 'no nomen diagnostics within 30 s');
        return;
    }
    check('diagnostics-arrive', 'pass', `${first.length} diagnostics`);

    // 2. Each diagnostic's range holds whole words of the name its message gives. Extractor
    // independent: an off-by-one from a position-encoding bug (é, ’, the emoji's surrogate pair)
    // cuts a word and fails here.
    check('ranges-match-messages', ...rangesMatchMessages(doc, first));

    // 3. The diagnostics are exactly the fixture's names, in order, with the expected messages.
    const got = first.map((d) => doc.getText(d.range));
    const want = spec.mentions.map((m) => m.text);
    check('diagnostics-are-exactly-the-names', same(got, want) ? 'pass' : 'fail', { got, want });
    const gotMessages = first.map((d) => d.message);
    const wantMessages = spec.mentions.map((m) => `${m.entity} — ${m.kind}`);
    check(
        'messages-name-entity-and-kind',
        same(gotMessages, wantMessages) ? 'pass' : 'fail',
        { got: gotMessages, want: wantMessages },
    );

    // 4. Hover on a name shows, in bold, the entity its diagnostic names.
    {
        const d = first[0];
        const entity = parseMessage(d.message).entity;
        const text = await hoverText(uri, d.range.start.translate(0, 1));
        const ok = text !== undefined && unescape(text).includes(`**${entity}**`);
        check('hover-on-a-name', ok ? 'pass' : 'fail', { at: doc.getText(d.range), entity, hover: text });
    }

    // 5. Hover on a later surname shows the full name.
    {
        const h = spec.hover;
        const offset = nthIndex(doc.getText(), h.text, h.occurrence);
        const pos = doc.positionAt(offset + 1);
        const text = await hoverText(uri, pos);
        const ok = text !== undefined && unescape(text).includes(h.expect);
        check('hover-surname-shows-full-name', ok ? 'pass' : 'fail', {
            at: `${h.text} #${h.occurrence} (line ${pos.line + 1})`,
            expect: h.expect,
            hover: text,
        });
    }

    // 6. Semantic tokens cover the names, once the server offers them.
    await semanticTokens(doc, first, init, check);

    // 7. An edit through WorkspaceEdit: diagnostics follow, for the new names and the old ones.
    await edit(doc, uri, first, spec.edit, check, result);

    // 8. Settings reach the server: run.sh starts VS Code with `nomen.diagnostics.severity` set
    // in the user settings (sent as initializationOptions); changing it afterwards must reach the
    // running server through workspace/didChangeConfiguration.
    await settings(uri, first, spec.settings, check, result);

    // 9. Untitled plain text is in the default document selector.
    const scratch = await untitled(spec.untitled, check);

    // 10. The restart command brings up a new server that publishes again.
    await restartCommand(uri, api, check, result);

    // 11. A server path that does not exist: no server, one clear message in the output channel;
    // clearing the setting brings the bundled server back.
    await missingBinary(uri, api, check, result);

    // 12. A consistency diagnostic's quick fix, applied the way the light bulb applies it.
    await quickFix(root, spec.quickFix, check);

    // 12b. The annotation commands are in the command palette, and one of them annotates a
    // selection that the save writes to the document's .ann.
    await annotationCommands(root, check);

    // 13. Narrowing `nomen.documentSelector` to Markdown files restarts the server, which then
    // leaves the untitled plain text alone and still analyses the Markdown file.
    await documentSelector(uri, scratch, api, check);

    result.timings.totalMs = Date.now() - t0;
}

async function edit(doc, uri, before, spec, check, result) {
    const end = doc.positionAt(doc.getText().length);
    const editStartLine = end.line;
    const we = new vscode.WorkspaceEdit();
    we.insert(uri, end, spec.append);
    const t = Date.now();
    const applied = await vscode.workspace.applyEdit(we);
    if (!applied) {
        check('edit-updates-diagnostics', 'fail', 'applyEdit returned false');
        return;
    }
    const beforeKey = key(before);
    const after = await settled(uri, (ds) => key(ds) !== beforeKey, 15000);
    result.timings.diagnosticsAfterEditMs = Date.now() - t;
    result.seen.diagnosticsAfterEdit = after.map((d) => describe(doc, d));

    const problems = [];
    const old = after.filter((d) => d.range.start.line < editStartLine);
    if (key(old) !== beforeKey) {
        problems.push('diagnostics before the edit changed');
    }
    const text = doc.getText();
    const names = spec.names.map((name) => {
        const start = text.lastIndexOf(name);
        return { name, start, end: start + name.length, hit: false };
    });
    const fresh = after.filter((d) => d.range.start.line >= editStartLine);
    if (fresh.length === 0) {
        problems.push('no diagnostic on the added text');
    }
    for (const d of fresh) {
        const s = doc.offsetAt(d.range.start);
        const e = doc.offsetAt(d.range.end);
        const inside = names.find((n) => n.start >= 0 && s >= n.start && e <= n.end);
        if (inside === undefined) {
            problems.push(`diagnostic on "${doc.getText(d.range)}" is not inside an added name`);
        } else {
            inside.hit = true;
        }
    }
    for (const n of names.filter((n) => !n.hit)) {
        problems.push(`no diagnostic on the added name "${n.name}"`);
    }
    const [status, detail] = rangesMatchMessages(doc, after);
    if (status !== 'pass') {
        problems.push(detail);
    }
    check('edit-updates-diagnostics', problems.length === 0 ? 'pass' : 'fail', {
        problems,
        added: fresh.map((d) => describe(doc, d)),
    });
}

async function settings(uri, first, spec, check, result) {
    const initial = vscode.DiagnosticSeverity[spec.initialSeverity];
    const initialOk = first.every((d) => d.severity === initial);
    check('initialization-options-reach-server', initialOk ? 'pass' : 'fail', {
        want: spec.initialSeverity,
        got: [...new Set(first.map((d) => vscode.DiagnosticSeverity[d.severity]))],
    });

    const config = vscode.workspace.getConfiguration('nomen');
    const before = key(nomenDiagnostics(uri));
    const t = Date.now();
    await config.update('diagnostics.severity', spec.changedSeverity.toLowerCase(), vscode.ConfigurationTarget.Global);
    result.timings.settingsUpdateMs = Date.now() - t;
    const changed = vscode.DiagnosticSeverity[spec.changedSeverity];
    const after = await settled(uri, (ds) => key(ds) !== before && ds.every((d) => d.severity === changed), 15000);
    result.timings.diagnosticsAfterSettingsMs = Date.now() - t;
    check(
        'changed-settings-reach-server',
        after.length > 0 && after.every((d) => d.severity === changed) ? 'pass' : 'fail',
        { want: spec.changedSeverity, got: [...new Set(after.map((d) => vscode.DiagnosticSeverity[d.severity]))] },
    );
}

async function untitled(text, check) {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: text });
    await vscode.window.showTextDocument(doc);
    const ds = await settled(doc.uri, () => true, 15000);
    const [status, detail] = rangesMatchMessages(doc, ds);
    check('untitled-plaintext', ds.length > 0 && status === 'pass' ? 'pass' : 'fail', {
        uri: doc.uri.toString(),
        diagnostics: ds.map((d) => describe(doc, d)),
        ranges: detail,
    });
    return doc;
}

async function documentSelector(uri, scratch, api, check) {
    const old = api.initializeResult();
    const config = vscode.workspace.getConfiguration('nomen');
    await config.update('documentSelector', [{ language: 'markdown', scheme: 'file' }], vscode.ConfigurationTarget.Global);
    const restarted = await until(() => {
        const now = api.initializeResult();
        return now !== undefined && now !== old;
    }, 15000);
    const md = restarted ? await settled(uri, () => true, 15000) : [];
    // Give the new server the time it took to publish for the Markdown file, and some more.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const plain = nomenDiagnostics(scratch.uri);
    check('document-selector-setting', restarted && md.length > 0 && plain.length === 0 ? 'pass' : 'fail', {
        restarted,
        markdownDiagnostics: md.length,
        untitledPlaintextDiagnostics: plain.length,
    });
}

async function quickFix(root, spec, check) {
    const uri = vscode.Uri.file(path.join(root, spec.fixture));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ofCode = () =>
        vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nomen' && codeOf(d) === spec.code);
    const found = await until(() => ofCode()[0], 15000);
    if (found === undefined) {
        check('quick-fix', 'fail', `no ${spec.code} diagnostic on ${spec.fixture}`);
        return;
    }
    const actions =
        (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, found.range, 'quickfix')) ?? [];
    const atText = doc.getText(found.range);
    const action = actions.find((a) => a.title.includes(spec.title));
    if (action === undefined) {
        check('quick-fix', 'fail', { diagnostic: describe(doc, found), actions: actions.map((a) => a.title) });
        return;
    }
    if (action.edit) {
        await vscode.workspace.applyEdit(action.edit);
    }
    if (action.command) {
        await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    }
    const fixed = doc.getText().startsWith(spec.after);
    const gone = await until(() => ofCode().length === 0, 10000);
    check('quick-fix', atText === spec.at && fixed && gone ? 'pass' : 'fail', {
        diagnosticOn: atText,
        want: spec.at,
        action: action.title,
        firstLine: doc.lineAt(0).text,
        diagnosticGone: gone,
    });
}

async function annotationCommands(root, check) {
    const ext = vscode.extensions.getExtension('nomen.nomen');
    const contributed = (ext.packageJSON.contributes.commands || [])
        .map((c) => c.command)
        .filter((c) => c.startsWith('nomen.annotate.'));
    const hidden = ((ext.packageJSON.contributes.menus || {}).commandPalette || [])
        .filter((m) => m.when === 'false')
        .map((m) => m.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c) || hidden.includes(c));
    check('annotation-commands-in-palette', contributed.length === 9 && missing.length === 0 ? 'pass' : 'fail', {
        contributed,
        missing,
    });

    const file = path.join(root, 'annotate.md');
    fs.writeFileSync(file, 'Léa Brun 😀 rencontre Hugo Marchal à Lyon.\n');
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await settled(uri, () => true, 15000);
    const start = doc.getText().indexOf('Hugo Marchal');
    editor.selection = new vscode.Selection(doc.positionAt(start), doc.positionAt(start + 'Hugo Marchal'.length));
    // The label as a key binding passes it; without it, a quick pick asks.
    await vscode.commands.executeCommand('nomen.annotate.add', 'Person');
    const annotated = await until(
        () =>
            vscode.languages
                .getDiagnostics(uri)
                .find((d) => d.source === 'nomen' && codeOf(d) === 'annotation' && d.message === 'Hugo Marchal — Person'),
        15000,
    );
    // An edit before it moves it; the save writes the .ann.
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'Hier, '));
    await doc.save();
    const annPath = path.join(root, 'annotate.ann');
    const written = await until(() => fs.existsSync(annPath) && fs.readFileSync(annPath, 'utf8'), 15000);
    const want = 'T1\tPerson 27 39\tHugo Marchal\n';
    check('annotation-command-and-save-write-the-ann', annotated && written === want ? 'pass' : 'fail', {
        annotated: annotated ? annotated.message : null,
        written,
        want,
    });
}

async function restartCommand(uri, api, check, result) {
    const old = api.initializeResult();
    const t = Date.now();
    await vscode.commands.executeCommand('nomen.restart');
    const fresh = api.initializeResult();
    const ds = await settled(uri, () => true, 15000);
    result.timings.restartMs = Date.now() - t;
    const ok = fresh !== undefined && fresh !== old && ds.length > 0;
    check('restart-command', ok ? 'pass' : 'fail', {
        newServer: fresh !== undefined && fresh !== old,
        diagnosticsAfterRestart: ds.length,
    });
}

async function missingBinary(uri, api, check, result) {
    const missing = path.join(path.dirname(uri.fsPath), 'no-such-dir', 'nomen');
    const config = vscode.workspace.getConfiguration('nomen');
    await config.update('server.path', missing, vscode.ConfigurationTarget.Global);
    const stopped = await until(() => api.initializeResult() === undefined, 10000);
    // The extension's output channel is written to the extension host's log folder, next to
    // this extension's own; that is what a user reads after "Show Output". The file exists
    // from earlier messages and is flushed in the background: wait for the line itself.
    const says = (t) => t.includes(missing) && t.includes('does not exist or is not executable');
    const read = () => {
        const logs = outputChannelLog('nomen');
        return logs === undefined ? '' : fs.readFileSync(logs, 'utf8');
    };
    const text = (await until(() => (says(read()) ? read() : undefined), 10000)) ?? read();
    const explained = says(text);
    const noStack = !/\n\s+at .+:\d+:\d+/.test(text);
    check('missing-binary-message', stopped && explained && noStack ? 'pass' : 'fail', {
        stopped,
        explained,
        noStack,
        log: text.split('\n').filter((l) => l.includes('nomen.server.path')),
    });

    await config.update('server.path', undefined, vscode.ConfigurationTarget.Global);
    const back = await until(() => api.initializeResult(), 15000);
    const ds = back ? await settled(uri, () => true, 15000) : [];
    check('server-back-after-fixing-path', back && ds.length > 0 ? 'pass' : 'fail', {
        server: back !== undefined,
        diagnostics: ds.length,
    });
}

function outputChannelLog(name) {
    const exthost = path.dirname(driverContext.logUri.fsPath);
    for (const dir of fs.readdirSync(exthost).filter((d) => d.startsWith('output_logging_'))) {
        for (const file of fs.readdirSync(path.join(exthost, dir))) {
            if (file.endsWith(`-${name}.log`)) {
                return path.join(exthost, dir, file);
            }
        }
    }
    return undefined;
}

async function until(f, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = f();
        if (value || Date.now() > deadline) {
            return value;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

async function semanticTokens(doc, diagnostics, init, check) {
    if (!init.capabilities.semanticTokensProvider) {
        check('semantic-tokens-on-names', 'skip', 'the server offers no semantic tokens');
        return;
    }
    const legend = await vscode.commands.executeCommand('vscode.provideDocumentSemanticTokensLegend', doc.uri);
    const tokens = await vscode.commands.executeCommand('vscode.provideDocumentSemanticTokens', doc.uri);
    if (!legend || !tokens) {
        check('semantic-tokens-on-names', 'fail', { legend, tokens: tokens ? 'present' : 'none' });
        return;
    }
    const decoded = decode(tokens.data, legend);
    const missing = diagnostics
        .filter((d) => d.range.isSingleLine)
        .filter(
            (d) =>
                !decoded.some(
                    (t) =>
                        t.line === d.range.start.line &&
                        t.start === d.range.start.character &&
                        t.length === d.range.end.character - d.range.start.character &&
                        t.type !== undefined,
                ),
        )
        .map((d) => doc.getText(d.range));
    check('semantic-tokens-on-names', decoded.length > 0 && missing.length === 0 ? 'pass' : 'fail', {
        legend: legend.tokenTypes,
        tokens: decoded.map((t) => `${t.line + 1}:${t.start + 1} ${doc.getText(new vscode.Range(t.line, t.start, t.line, t.start + t.length))} ${t.type}`),
        namesWithoutToken: missing,
    });
}

function decode(data, legend) {
    const out = [];
    let line = 0;
    let start = 0;
    for (let i = 0; i + 5 <= data.length; i += 5) {
        line += data[i];
        start = data[i] === 0 ? start + data[i + 1] : data[i + 1];
        out.push({ line, start, length: data[i + 2], type: legend.tokenTypes[data[i + 3]] });
    }
    return out;
}

function rangesMatchMessages(doc, diagnostics) {
    const bad = [];
    const text = doc.getText();
    for (const d of diagnostics) {
        const got = doc.getText(d.range);
        const { entity } = parseMessage(d.message);
        const s = doc.offsetAt(d.range.start);
        const e = doc.offsetAt(d.range.end);
        const cutBefore = s > 0 && WORD.test(text[s - 1]) && WORD.test(text[s]);
        const cutAfter = e < text.length && WORD.test(text[e]) && WORD.test(text[e - 1]);
        if (got === '' || got.trim() !== got || cutBefore || cutAfter || !wholeWords(entity, got)) {
            bad.push(`${d.range.start.line + 1}:${d.range.start.character + 1} "${got}" vs "${d.message}"`);
        }
    }
    return bad.length === 0 ? ['pass', `${diagnostics.length} ranges hold words of their names`] : ['fail', bad.join('; ')];
}

// Whether `part` occurs in `name` starting and ending on word boundaries.
function wholeWords(name, part) {
    for (let i = name.indexOf(part); i >= 0; i = name.indexOf(part, i + 1)) {
        const before = i === 0 || !WORD.test(name[i - 1]);
        const after = i + part.length === name.length || !WORD.test(name[i + part.length]);
        if (before && after) {
            return true;
        }
    }
    return false;
}

function parseMessage(message) {
    const i = message.lastIndexOf(' — ');
    return i < 0 ? { entity: message, kind: '' } : { entity: message.slice(0, i), kind: message.slice(i + 3) };
}

async function hoverText(uri, position) {
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, position);
    if (!hovers || hovers.length === 0) {
        return undefined;
    }
    return hovers
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : c.value))
        .join('\n');
}

function unescape(markdown) {
    return markdown.replace(/\\([\\`*_{}\[\]()#+\-.!<>|~])/g, '$1');
}

function nthIndex(text, needle, n) {
    let i = -1;
    for (let k = 0; k < n; k++) {
        i = text.indexOf(needle, i + 1);
        if (i < 0) {
            throw new Error(`"${needle}" occurs fewer than ${n} times in the fixture`);
        }
    }
    return i;
}

// The diagnostics nomen publishes for mentions (code `entity`); the consistency checks publish
// others, with their own codes, on top.
function nomenDiagnostics(uri) {
    return vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.source === 'nomen' && codeOf(d) === 'entity')
        .sort((a, b) => a.range.start.compareTo(b.range.start));
}

function codeOf(d) {
    return typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
}

function key(diagnostics) {
    return JSON.stringify(
        diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message, d.severity]),
    );
}

// Waits until the document has diagnostics that satisfy `accept`, then until they stay the same
// for a second (the server debounces, and VS Code may deliver a burst).
async function settled(uri, accept, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last;
    let since = Date.now();
    while (Date.now() < deadline) {
        const ds = nomenDiagnostics(uri);
        const k = key(ds);
        if (k !== last) {
            last = k;
            since = Date.now();
        } else if (ds.length > 0 && accept(ds) && Date.now() - since >= 1000) {
            return ds;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return nomenDiagnostics(uri);
}

function describe(doc, d) {
    const r = d.range;
    return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1} "${doc.getText(r)}" ${d.message}`;
}

function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}

function deactivate() {}

module.exports = { activate, deactivate };
