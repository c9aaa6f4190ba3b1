#!/bin/sh
# Builds the nomen server in release mode at the repository root and copies the binary into
# editors/vscode/server/, where the extension looks before trying PATH. Run it before
# `npm run package` to make a .vsix that works without a separate install.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)

cd "$root"
cargo build --release --locked --bin nomen

# Honour CARGO_TARGET_DIR the way cargo does: a relative value is taken from the root.
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in
/*) ;;
*) target=$root/$target ;;
esac

exe=nomen
case "$(uname -s)" in
MINGW* | MSYS* | CYGWIN*) exe=nomen.exe ;;
esac

mkdir -p "$here/server"
rm -f "$here/server/nomen" "$here/server/nomen.exe"
cp "$target/release/$exe" "$here/server/$exe"
# The release profile keeps line tables for backtraces; the packaged copy does not need them.
strip "$here/server/$exe" 2>/dev/null || true
chmod 755 "$here/server/$exe"
echo "bundled $(ls -l "$here/server/$exe" | awk '{print $5}') bytes into $here/server/$exe"
