#!/usr/bin/env bash
# Build what tests/test_hub.py needs, once (`make hub-env`, run by `make test` as root):
#   HUB_HOME/user-env     every user's server: JupyterHub, JupyterLab, nbgrader, ngshare_exchange and the
#                         course's dependencies (the course itself is installed by deploy/tljh/setup.sh at
#                         test time, as on a real hub). From Debian's /usr/bin/python3, at a world-readable
#                         path: the machine's own Python may live under a private /root. Works offline
#                         afterwards (pip.conf: no index, a wheelhouse with the build tools).
#   HUB_HOME/ngshare-env  ngshare, with the SQLAlchemy 1.4 it needs (deploy/requirements/ngshare.txt).
#   tests/hub/proxy/node_modules   configurable-http-proxy from npm, at the version package-lock.json pins.
# The versions: deploy/requirements/ (shared with the Zero to JupyterHub image).
# Usage: tests/hub/install.sh HUB_HOME [--freeze]. Needs the network (PyPI, npm) when something must be
# built. --freeze writes the environments' full package lists back into deploy/requirements/*-constraints.txt
# (after changing user.txt or ngshare.txt, and a passing hub test).
# Without /usr/bin/python3's venv module or npm it says what is missing and builds nothing (the hub
# test then skips), except under CI=true, where it fails.
set -euo pipefail

hub_home="${1:?usage: install.sh HUB_HOME [--freeze]}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
requirements="$repo/deploy/requirements"

if [ "${2:-}" = "--freeze" ]; then
    { sed -n '1,2p' "$requirements/user-constraints.txt"
      "$hub_home/user-env/bin/pip" freeze --exclude-editable | grep -v '^ngshare'; } >"$requirements/user-constraints.new"
    { sed -n '1,2p' "$requirements/ngshare-constraints.txt"
      "$hub_home/ngshare-env/bin/pip" freeze; } >"$requirements/ngshare-constraints.new"
    mv "$requirements/user-constraints.new" "$requirements/user-constraints.txt"
    mv "$requirements/ngshare-constraints.new" "$requirements/ngshare-constraints.txt"
    exit 0
fi

missing=()
/usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=("python3-venv (Debian's /usr/bin/python3 with venv)")
command -v npm >/dev/null 2>&1 || missing+=("npm")
if [ "${#missing[@]}" -gt 0 ]; then
    echo "hub test environment not built, missing: ${missing[*]} (.ci/run installs them)" >&2
    [ -n "${CI:-}" ] && exit 1
    exit 0
fi

mkdir -p "$hub_home"
chmod 0755 "$hub_home"
# One build (and one hub test, which takes the same lock) at a time, across clones.
exec 9>"$hub_home/.lock"
flock 9

key="$(cat "$requirements"/*.txt "$repo/pyproject.toml" | sha256sum | cut -c1-16)"
stamp="$hub_home/.built-$key"
if [ ! -f "$stamp" ]; then
    rm -f "$hub_home"/.built-*
    started=$SECONDS
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    # the course's runtime dependencies, from pyproject.toml (the one place they are declared)
    /usr/bin/python3 -c 'import sys, tomllib; print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))' \
        "$repo/pyproject.toml" >"$scratch/course-dependencies.txt"

    env="$hub_home/user-env"
    rm -rf "$env"
    /usr/bin/python3 -m venv "$env"
    "$env/bin/pip" install --quiet --upgrade pip
    "$env/bin/pip" install --quiet -c "$requirements/user-constraints.txt" \
        -r "$requirements/user.txt" -r "$scratch/course-dependencies.txt"
    "$env/bin/pip" install --quiet --no-deps -r "$requirements/user-nodeps.txt"
    "$env/bin/pip" download --quiet --only-binary=:all: --dest "$env/wheels" -r "$requirements/build.txt"
    printf '[global]\nno-index = true\nfind-links = %s\n' "$env/wheels" >"$env/pip.conf"
    # the Jupyter config as built: the hub test puts it back before and after it runs setup.sh
    rm -rf "$hub_home/user-env-etc.pristine"
    cp -a "$env/etc" "$hub_home/user-env-etc.pristine"

    ngshare="$hub_home/ngshare-env"
    rm -rf "$ngshare"
    /usr/bin/python3 -m venv "$ngshare"
    "$ngshare/bin/pip" install --quiet --upgrade pip
    "$ngshare/bin/pip" install --quiet -c "$requirements/ngshare-constraints.txt" -r "$requirements/ngshare.txt"

    chmod -R go+rX "$env" "$ngshare"
    touch "$stamp"
    echo "hub test environments built in $((SECONDS - started)) s under $hub_home"
fi

proxy="$here/proxy"
pinned="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["dependencies"]["configurable-http-proxy"])' "$proxy/package.json")"
installed="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$proxy/node_modules/configurable-http-proxy/package.json" 2>/dev/null || true)"
if [ "$installed" != "$pinned" ]; then
    npm ci --prefix "$proxy" --no-audit --no-fund --loglevel=error
fi
