#!/usr/bin/env bash
# The steps of action.yml, kept here so they can be run and tested outside GitHub Actions.
#   action.sh resolve   INPUT_VERSION -> outputs `spec` (what npm installs) and `key` (cache key)
#   action.sh install   CAIRN_SPEC -> installs cairn-status into $RUNNER_TEMP/cairn-cli
#   action.sh run       runs `cairn $INPUT_COMMAND` in the current folder with the inputs
set -euo pipefail
ACTION_DIR="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
PREFIX="${RUNNER_TEMP:-}/cairn-cli"
out() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >> "$GITHUB_OUTPUT"; else echo "$1=$2"; fi; }

case "${1:-}" in
  resolve)
    version="${INPUT_VERSION:-}"
    if [ -z "$version" ]; then
      version="$(node -p "require(process.argv[1]).version" "$ACTION_DIR/package.json")"
    fi
    if [ "$version" = "source" ]; then
      # Build the package from the action's own checkout (a fork whose version is not on npm).
      out spec "source"
      out key "source-$(cd "$ACTION_DIR" && git rev-parse HEAD 2>/dev/null || date +%s)"
    elif [ -f "$version" ]; then
      out spec "$(cd "$(dirname "$version")" && pwd)/$(basename "$version")"
      out key "tarball-$(sha256sum "$version" | cut -c1-16)"
    else
      out spec "cairn-status@$version"
      out key "npm-$version"
    fi
    ;;
  install)
    : "${RUNNER_TEMP:?RUNNER_TEMP is not set}"
    spec="${CAIRN_SPEC:?CAIRN_SPEC is not set}"
    # A second Cairn step in the same job finds it installed.
    if [ -x "$PREFIX/node_modules/.bin/cairn" ] && [ "$(cat "$PREFIX/.spec" 2>/dev/null)" = "$spec" ]; then
      echo "Cairn ($spec) is installed already."
      exit 0
    fi
    target="$spec"
    if [ "$spec" = "source" ]; then
      echo "Building Cairn from $ACTION_DIR"
      work="$(mktemp -d)"
      (cd "$ACTION_DIR" && npm ci --no-audit --no-fund && npm pack --pack-destination "$work" >/dev/null)
      target="$(ls "$work"/cairn-status-*.tgz)"
    fi
    mkdir -p "$PREFIX"
    [ -f "$PREFIX/package.json" ] || echo '{"private":true}' > "$PREFIX/package.json"
    npm install --prefix "$PREFIX" --omit=dev --no-audit --no-fund --no-save "$target"
    echo "$spec" > "$PREFIX/.spec"
    "$PREFIX/node_modules/.bin/cairn" --version
    ;;
  run)
    : "${RUNNER_TEMP:?RUNNER_TEMP is not set}"
    args=("${INPUT_COMMAND:-run}")
    if [ -n "${INPUT_SHARD:-}" ]; then args+=(--shard "$INPUT_SHARD"); fi
    if [ -n "${INPUT_REGION:-}" ]; then args+=(--region "$INPUT_REGION"); fi
    # More arguments are split on spaces, as a shell would (no globbing).
    if [ -n "${INPUT_ARGS:-}" ]; then set -f; read -r -a extra <<< "$INPUT_ARGS"; set +f; args+=("${extra[@]}"); fi
    exec "$PREFIX/node_modules/.bin/cairn" "${args[@]}"
    ;;
  *)
    echo "usage: action.sh resolve|install|run" >&2
    exit 2
    ;;
esac
