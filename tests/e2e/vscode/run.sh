#!/usr/bin/env bash
# End-to-end test of the packaged nomen extension in a real VS Code (code-server 4.99.4, driven
# by headless Chromium). Usage:
#   tests/e2e/vscode/run.sh               build, package, install, run the driver, print the tally
#   tests/e2e/vscode/run.sh screenshot    the same set-up without the driver; saves a hover
#                                         screenshot to editors/vscode/hover.png
# Everything downloaded or generated lives under tests/e2e/vscode/.cache (gitignored); the
# set-up steps are skipped when their stamp is there, so a second run is quick.
set -euo pipefail

mode=${1:-test}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
ext=$root/editors/vscode
cache=$here/.cache
cs=$cache/cs/node_modules/code-server
CODE_SERVER_VERSION=4.99.4
PLAYWRIGHT_VERSION=1.57.0

t_start=$(date +%s)
log() { printf '[%4ss] %s\n' "$(($(date +%s) - t_start))" "$*" >&2; }

need_system_packages() {
    local missing=()
    command -v chromium >/dev/null || missing+=(chromium)
    command -v rg >/dev/null || missing+=(ripgrep)
    [ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
    [ -e /usr/include/node/node_api.h ] || missing+=("node headers in /usr/include/node")
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            log "installing ${missing[*]} with apt-get"
            apt-get update -q >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                chromium ripgrep libkrb5-dev >&2
        else
            echo "missing: ${missing[*]} (apt-get install chromium ripgrep libkrb5-dev)" >&2
            exit 2
        fi
    fi
}

# code-server from npm without its install scripts (they download ripgrep and expect network),
# then its native modules rebuilt offline against the system Node headers.
setup_code_server() {
    local stamp=$cache/cs/.ready-$CODE_SERVER_VERSION
    [ -e "$stamp" ] && return
    log "installing code-server $CODE_SERVER_VERSION"
    rm -rf "$cache/cs"
    mkdir -p "$cache/cs"
    echo '{"name":"nomen-e2e-code-server","private":true}' >"$cache/cs/package.json"
    (cd "$cache/cs" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
        "code-server@$CODE_SERVER_VERSION" >&2)
    (cd "$cache/cs" && npm_config_nodedir=/usr npm rebuild argon2 --loglevel=error >&2)
    (cd "$cs/lib/vscode" && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
        --loglevel=error >&2)
    (cd "$cs/lib/vscode" && npm_config_nodedir=/usr npm rebuild kerberos @vscode/spdlog \
        native-watchdog @vscode/deviceid --loglevel=error >&2)
    # node-pty's own post-install step wants to fetch node-gyp through npx; the build is all
    # that Linux needs, so run node-gyp (shipped with npm) directly.
    local gyp
    gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
    (cd "$cs/lib/vscode/node_modules/node-pty" && node "$gyp" rebuild --nodedir=/usr >/dev/null)
    mkdir -p "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin"
    cp "$(command -v rg)" "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
    ln -sfn node_modules "$cs/lib/vscode/node_modules.asar"
    touch "$stamp"
}

setup_playwright() {
    local stamp=$cache/pw/.ready-$PLAYWRIGHT_VERSION
    [ -e "$stamp" ] && return
    log "installing playwright-core $PLAYWRIGHT_VERSION"
    mkdir -p "$cache/pw"
    echo '{"name":"nomen-e2e-playwright","private":true}' >"$cache/pw/package.json"
    (cd "$cache/pw" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
        "playwright-core@$PLAYWRIGHT_VERSION" >&2)
    touch "$stamp"
}

# The extension exactly as a user gets it: npm ci from the lock file, the server bundled, vsce.
package_extension() {
    if [ ! -e "$ext/node_modules/.package-lock.json" ] ||
        [ "$ext/package-lock.json" -nt "$ext/node_modules/.package-lock.json" ]; then
        log "npm ci in editors/vscode"
        (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
    log "unit tests of the extension (npm test)"
    (cd "$ext" && npm test --silent >/dev/null 2>&1) || {
        (cd "$ext" && npm test >&2) || true
        echo "vscode e2e: 0 passed, 1 failed (the extension's unit tests)"
        exit 1
    }
    log "building the server (cargo build --release) and bundling it"
    (cd "$ext" && sh scripts/bundle-server.sh >&2)
    log "packaging nomen.vsix"
    (cd "$ext" && npm run -s package >/dev/null)
    if [ "$mode" = test ]; then
        log "packaging the driver"
        (cd "$here/driver" && "$ext/node_modules/.bin/vsce" package --no-dependencies \
            --allow-missing-repository --skip-license --out "$cache/driver.vsix" >/dev/null)
    fi
}

# A fresh profile, extensions directory and workspace on every run.
prepare_profile() {
    run=$cache/run-$mode
    rm -rf "$run"
    mkdir -p "$run/user/User" "$run/extensions" "$run/workspace" "$run/chrome"
    cat >"$run/user/User/settings.json" <<'EOF'
{
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "workbench.enableExperiments": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "git.enabled": false,
  "chat.commandCenter.enabled": false,
  "window.commandCenter": false,
  "editor.minimap.enabled": false,
  "editor.hover.delay": 100,
  "workbench.colorTheme": "Default Dark Modern"
}
EOF
    cp "$here/fixtures/"*.md "$run/workspace/"
    if [ "$mode" = test ]; then
        cp "$here/fixtures/reunion.expected.json" "$run/workspace/nomen-e2e.json"
        # A non-default value that the driver can see arrive through initializationOptions.
        node -e '
            const fs = require("fs");
            const [file, spec] = process.argv.slice(1);
            const settings = JSON.parse(fs.readFileSync(file, "utf8"));
            const severity = JSON.parse(fs.readFileSync(spec, "utf8")).settings.initialSeverity;
            settings["nomen.diagnostics.severity"] = severity.toLowerCase();
            fs.writeFileSync(file, JSON.stringify(settings, null, 2));
        ' "$run/user/User/settings.json" "$here/fixtures/reunion.expected.json"
    fi
    log "installing the extensions into a fresh profile"
    node "$cs/out/node/entry.js" --user-data-dir "$run/user" --extensions-dir "$run/extensions" \
        --install-extension "$ext/nomen.vsix" >&2
    if [ "$mode" = test ]; then
        node "$cs/out/node/entry.js" --user-data-dir "$run/user" --extensions-dir "$run/extensions" \
            --install-extension "$cache/driver.vsix" >&2
    fi
}

pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT

start_code_server() {
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    log "starting code-server on 127.0.0.1:$port"
    node "$cs/out/node/entry.js" --auth none --bind-addr "127.0.0.1:$port" \
        --user-data-dir "$run/user" --extensions-dir "$run/extensions" \
        --disable-telemetry --disable-update-check --disable-workspace-trust \
        --disable-getting-started-override --ignore-last-opened \
        "$run/workspace" >"$run/code-server.log" 2>&1 &
    pids+=($!)
    local i
    for i in $(seq 1 100); do
        if node -e 'require("http").get(process.argv[1],r=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))' \
            "http://127.0.0.1:$port/healthz" 2>/dev/null; then
            return
        fi
        sleep 0.2
    done
    cat "$run/code-server.log" >&2
    echo "code-server did not answer on port $port" >&2
    exit 1
}

chromium_flags=(--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --disable-features=Translate,MediaRouter --window-size=1280,800)

run_driver() {
    local url="http://127.0.0.1:$port/?folder=$run/workspace"
    log "opening the workbench in headless Chromium"
    chromium "${chromium_flags[@]}" --user-data-dir="$run/chrome" --remote-debugging-port=0 \
        "$url" >"$run/chromium.log" 2>&1 &
    pids+=($!)
    local i
    for i in $(seq 1 1800); do
        [ -e "$run/workspace/result.json" ] && break
        sleep 0.1
    done
    if [ ! -e "$run/workspace/result.json" ]; then
        echo "no result.json after 180 s; logs in $run" >&2
        tail -n 30 "$run/code-server.log" >&2
        echo "vscode e2e: 0 passed, 1 failed"
        exit 1
    fi
    log "driver finished"
    cp "$run/workspace/result.json" "$cache/result.json"
    node - "$run/workspace/result.json" <<'EOF'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
let pass = 0, fail = 0, skip = 0;
for (const c of r.checks) {
    if (c.status === 'pass') pass++; else if (c.status === 'skip') skip++; else fail++;
    const detail = typeof c.detail === 'string' ? c.detail : JSON.stringify(c.detail);
    console.log(`${c.status.toUpperCase().padEnd(4)} ${c.name}` + (c.status === 'pass' ? '' : `\n     ${detail}`));
}
console.log(`timings: ${JSON.stringify(r.timings)}`);
console.log(`vscode e2e: ${pass} passed, ${fail} failed` + (skip ? `, ${skip} skipped` : ''));
process.exit(fail === 0 && pass > 0 ? 0 : 1);
EOF
}

run_screenshot() {
    local out=${2:-$ext/hover.png}
    log "taking the hover screenshot"
    NODE_PATH=$cache/pw/node_modules node "$here/screenshot.js" \
        "http://127.0.0.1:$port/?folder=$run/workspace" "$run/chrome" "$out" "${chromium_flags[@]}"
    log "saved $out"
}

need_system_packages
setup_code_server
[ "$mode" = screenshot ] && setup_playwright
package_extension
prepare_profile
start_code_server
case $mode in
test) run_driver ;;
screenshot) run_screenshot "$@" ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
log "done"
