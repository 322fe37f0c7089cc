#!/usr/bin/env bash
# Installs the host clients the interop suite drives (`npm run test:hosts`) into .hosts/, pinned.
# Idempotent: when every client is already installed at its pinned version, it does nothing.
# Claude Code's postinstall only links its native binary from an optional dependency (it downloads
# nothing), so scripts stay enabled for this folder alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.hosts"
pins=("@anthropic-ai/claude-code@2.1.332" "@openai/codex@0.171.0" "skills@1.5.18")

installed() { # name@version -> 0 when node_modules holds exactly that version
  local spec="$1" name="${1%@*}" version="${1##*@}"
  local manifest="$dir/node_modules/$name/package.json"
  [[ -f "$manifest" ]] || return 1
  [[ "$(node -p "require(process.argv[1]).version" "$manifest")" == "$version" ]] || return 1
  [[ -n "$spec" ]]
}

missing=()
for pin in "${pins[@]}"; do installed "$pin" || missing+=("$pin"); done
if [[ ${#missing[@]} -eq 0 && -x "$dir/node_modules/.bin/claude" && -x "$dir/node_modules/.bin/codex" && -x "$dir/node_modules/.bin/skills" ]]; then
  echo "hosts: already installed (${pins[*]})"
  exit 0
fi

mkdir -p "$dir"
[[ -f "$dir/package.json" ]] || echo '{"name":"hosts","private":true}' >"$dir/package.json"
echo "hosts: installing ${pins[*]} into $dir"
npm install --prefix "$dir" --no-audit --no-fund --save-exact "${pins[@]}"
for bin in claude codex skills; do
  "$dir/node_modules/.bin/$bin" --version
done
