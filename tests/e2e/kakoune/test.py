"""End-to-end test of editors/kakoune/nomen.kak in a real Kakoune + kak-lsp, headless.

Run from the repository root (tests/e2e/kakoune/run.sh does this):

    NOMEN_BIN=target/release/nomen python3 tests/e2e/kakoune/test.py

Twice: once configured by editors/kakoune/nomen.kak sourced from a user kakrc, once by
editors/kakoune/kak-lsp.toml as kak-lsp's legacy configuration file (see start()). Each time it
starts `kak -ui dummy`, opens a French Markdown file with accents, ’ and an emoji before the names,
and drives the session with `kak -p`, reading results back through `echo -to-file`. Checks that
every inline diagnostic range (Kakoune byte columns) covers the name that the diagnostics list
gives at that position (or, for a later mention, a word of it), that `lsp-hover-buffer` on a surname names the full name, and that an
edit updates the diagnostics. Ends with `kakoune e2e: N passed, M failed`.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.getcwd()
BIN = os.path.abspath(os.environ.get("NOMEN_BIN", "target/release/nomen"))
passed = failed = 0
PREFIX = ""


def check(name, ok, detail=None):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + PREFIX + name, flush=True)
    else:
        failed += 1
        print("FAIL " + PREFIX + name + ("" if detail is None else "\n     " + repr(detail)), flush=True)
    return ok


TEXT = (
    "# Visite à Québec 🍁\n"
    "\n"
    "Jeudi, la cinéaste 🎬 Agnès Varda a retrouvé l’acteur Jean Dujardin à Québec.\n"
    "\n"
    "À l’écran, Varda sourit ; Dujardin l’écoute.\n"
)

NOMEN_KAK = os.path.join(ROOT, "editors/kakoune/nomen.kak")
KAK_LSP_TOML = os.path.join(ROOT, "editors/kakoune/kak-lsp.toml")


def start(mode):
    """A Kakoune session on the fixture, configured the way `mode` says.

    "nomen.kak": a user kakrc (in a temporary XDG_CONFIG_HOME) holding `eval %sh{kak-lsp}`,
    `source editors/kakoune/nomen.kak` and `lsp-enable`. "kak-lsp.toml": the same kakrc without
    nomen.kak, and editors/kakoune/kak-lsp.toml as kak-lsp's (legacy) configuration file.
    Kakoune's own rc (filetype detection, the tools kak-lsp's buffers rely on) loads as usual.
    """
    global tmp, session, path, env, kak
    tmp = tempfile.mkdtemp(prefix="nomen-kak-")
    session = "nomen-e2e-%d-%s" % (os.getpid(), mode.replace(".", "-"))
    path = os.path.join(tmp, "visite.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(TEXT)
    config = os.path.join(tmp, "config")
    os.makedirs(os.path.join(config, "kak"))
    with open(os.path.join(config, "kak", "kakrc"), "w", encoding="utf-8") as f:
        f.write("evaluate-commands %sh{kak-lsp}\n")
        if mode == "nomen.kak":
            f.write("source %s\n" % NOMEN_KAK)
        f.write("lsp-enable\n")
    if mode == "kak-lsp.toml":
        os.makedirs(os.path.join(config, "kak-lsp"))
        shutil.copy(KAK_LSP_TOML, os.path.join(config, "kak-lsp", "kak-lsp.toml"))
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(BIN) + os.pathsep + env["PATH"]
    env["XDG_CONFIG_HOME"] = config
    kak = subprocess.Popen(
        ["kak", "-ui", "dummy", "-s", session, path],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def send(commands):
    """Runs commands in the session's client (kak -p)."""
    subprocess.run(["kak", "-p", session], input=("evaluate-commands -client client0 %{ " + commands + " }").encode(),
                   env=env, check=False, timeout=10)


def query(expr):
    """The value of a Kakoune expansion in client0, written by echo -to-file."""
    out = os.path.join(tmp, "out-%d" % time.monotonic_ns())
    send("echo -quoting kakoune -to-file %s %s" % (out, expr))
    for _ in range(100):
        if os.path.exists(out):
            time.sleep(0.02)
            with open(out, encoding="utf-8") as f:
                return f.read()
        time.sleep(0.02)
    return None


def wait(pred, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.1)
    return pred()


def inline_ranges():
    """[(line, start_col, end_col)] from lsp_inline_diagnostics: 1-based, inclusive byte columns."""
    value = query("%opt{lsp_inline_diagnostics}") or ""
    return [tuple(map(int, m)) for m in re.findall(r"(\d+)\.(\d+),\1\.(\d+)\|", value)]


def buffer_lines():
    out = os.path.join(tmp, "buffer.txt")
    if os.path.exists(out):
        os.remove(out)
    send("evaluate-commands -buffer %s %%{ write -force %s }" % (path, out))
    wait(lambda: os.path.exists(out), 5)
    time.sleep(0.05)
    with open(out, "rb") as f:
        return f.read().split(b"\n")


def covered(lines, line, start, end):
    """Text of an inclusive Kakoune range; the end column is the first byte of the last character."""
    data = lines[line - 1]
    last = data[end - 1:].decode("utf-8", "replace")[:1].encode("utf-8")
    return data[start - 1:end - 1].decode("utf-8", "replace") + last.decode("utf-8", "replace")


def diagnostics_list():
    """{(line, col): message} from the *diagnostics* buffer that lsp-diagnostics fills."""
    out = os.path.join(tmp, "diags-%d.txt" % time.monotonic_ns())
    send("lsp-diagnostics")
    time.sleep(0.3)
    send("evaluate-commands -buffer *diagnostics* %%{ write -force %s }" % out)
    if not wait(lambda: os.path.exists(out), 5):
        return {}
    time.sleep(0.05)
    send("buffer %s" % path)
    found = {}
    with open(out, encoding="utf-8") as f:
        for row in f:
            m = re.match(r"^.*?:(\d+):(\d+): (?:\[[^\]]*\])*\s*(.*? — \w+)", row)
            if m:
                found[(int(m.group(1)), int(m.group(2)))] = m.group(3)
    return found


def check_regions(label):
    lines = buffer_lines()
    messages = diagnostics_list()
    ranges = inline_ranges()
    names = []
    for (line, start, end) in ranges:
        message = messages.get((line, start))
        if message is None:
            continue
        name = message.split(" — ")[0]
        text = covered(lines, line, start, end)
        names.append(text)
        # A later mention may be the surname alone; the message gives the full name.
        check("%s: line %d, diagnostic covers %s or a word of it" % (label, line, name),
              text == name or text in name.split(" "),
              {"covered": text, "message": message, "range": (line, start, end)})
    check("%s: every listed diagnostic has an inline range" % label,
          len(names) == len(messages) and names, {"messages": messages, "ranges": ranges})
    return names


def scenario():
    try:
        ok = wait(lambda: (query("%val{session}") or "").strip().strip("'") == session, 10)
        check("kak session is up with a client", bool(ok))
        ranges = wait(inline_ranges, 20)
        if check("diagnostics arrive (lsp_inline_diagnostics)", ranges, query("%opt{lsp_servers}")):
            names = check_regions("first")
            for want in ["Agnès Varda", "Jean Dujardin", "Québec"]:
                check("%s is marked" % want, want in names, names)

            # Hover on the bare "Varda" of line 5, into the *hover* buffer.
            out = os.path.join(tmp, "hover.txt")
            send("execute-keys gg4jgh/Varda<ret>")  # selects it; the cursor on its last letter
            send("lsp-hover-buffer")
            time.sleep(0.5)
            send("evaluate-commands -buffer *hover* %%{ write -force %s }" % out)
            wait(lambda: os.path.exists(out), 5)
            hover = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
            send("buffer %s" % path)
            check("hover names the full name", "Agnès Varda" in hover, hover)
            check("hover says the kind", "person" in hover, hover)

            # An edit at the start of line 3, before the emoji: kak-lsp sends didChange.
            send("execute-keys gg2jghiHier,<space>Emmanuel<space>Macron<space>et<space><esc>")
            send("lsp-did-change")
            updated = wait(lambda: any(l == 3 and s == 7 for (l, s, e) in inline_ranges()), 10)
            check("diagnostics update after an edit", updated, inline_ranges())
            names = check_regions("after edit")
            check("the new name is marked", "Emmanuel Macron" in names, names)
    finally:
        subprocess.run(["kak", "-p", session], input=b"kill!", env=env, timeout=10, check=False)
        try:
            kak.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kak.kill()
        shutil.rmtree(tmp, ignore_errors=True)


for mode in ["nomen.kak", "kak-lsp.toml"]:
    PREFIX = "[%s] " % mode
    start(mode)
    scenario()

print("kakoune e2e: %d passed, %d failed" % (passed, failed), flush=True)
sys.exit(0 if failed == 0 and passed > 0 else 1)
