# shellcheck shell=bash
# Shared by the scripts in this folder; sourced, not run.
# Sets REPO (the repository root), puts the project's tools first on PATH and defines the helpers below.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO

# Tools live in ~/.cargo/bin (trunk, wasm-bindgen) and .tools/node_modules/.bin (wasm-opt from binaryen).
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
TOOLS_BIN="$REPO/.tools/node_modules/.bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) PATH="$CARGO_BIN:$PATH" ;; esac
case ":$PATH:" in *":$TOOLS_BIN:"*) ;; *) PATH="$TOOLS_BIN:$PATH" ;; esac
export PATH

step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Cargo's target directory (honours CARGO_TARGET_DIR and .cargo/config).
target_dir() {
  if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    printf '%s\n' "$CARGO_TARGET_DIR"
  else
    cargo metadata --format-version 1 --no-deps 2>/dev/null |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
  fi
}

# The wasm-bindgen version pinned in Cargo.lock; wasm-bindgen-cli must match it exactly.
locked_wasm_bindgen_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' "$REPO/Cargo.lock"
}

# The installed wasm_split_cli_support (its wasm-split-cli has no --version; cargo knows).
split_cli_version() {
  cargo install --list | awk '$1 == "wasm_split_cli_support" { sub(/^v/, "", $2); sub(/:$/, "", $2); print $2 }'
}
