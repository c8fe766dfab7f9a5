#!/usr/bin/env bash
# Build what tests/test_hub.py needs, once (`make hub-env`; `make test` runs it as root):
#   HUB_HOME/user-env     every user's server: JupyterHub, JupyterLab, nbgrader, ngshare_exchange and the
#                         course's dependencies (the course itself is installed by deploy/tljh/setup.sh at
#                         test time, as on a real hub). From Debian's /usr/bin/python3, at a world-readable
#                         path: the machine's own Python may live under a private /root. Works offline
#                         afterwards (its pip.conf: no index, a folder of wheels with the build tools).
#   HUB_HOME/ngshare-env  ngshare, with the SQLAlchemy 1.4 it needs (deploy/requirements/ngshare.txt).
#   tests/hub/proxy/node_modules   configurable-http-proxy from npm, exactly as package-lock.json pins it.
# The versions are deploy/requirements/*.txt, shared with the Zero to JupyterHub image; each environment is
# rebuilt when they, pyproject.toml or this script change (about 3 minutes; needs PyPI and npm).
#
# Usage: tests/hub/install.sh HUB_HOME            build what is missing or out of date
#        tests/hub/install.sh HUB_HOME --check    exit 0 if what is built matches this checkout (the hub
#                                                 test asks first: a stale build fails it at once, naming
#                                                 `make hub-env`, instead of failing later in pip)
#        tests/hub/install.sh HUB_HOME --freeze   write the environments' full package lists back into
#                                                 deploy/requirements/*-constraints.txt (after changing
#                                                 user.txt or ngshare.txt, and a passing hub test)
# Without root, Debian's /usr/bin/python3 (3.11 or newer, with venv) or npm it says what is missing and
# builds nothing (the hub test then skips), except under CI=true, where that is an error.
set -euo pipefail

usage="usage: install.sh HUB_HOME [--check|--freeze]"
hub_home="${1:?$usage}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
requirements="$repo/deploy/requirements"
proxy="$here/proxy"

freeze() {
    local name="$1" env="$2" file="$requirements/$1-constraints.txt"
    { grep '^#' "$file"
      "$env/bin/pip" freeze --exclude-editable | grep -v -i -e '^ngshare[-_]exchange==' -e '^summits-and-warheads'
    } >"$file.new"
    mv "$file.new" "$file"
    echo "wrote $file ($(grep -vc '^#' "$file") packages)"
}

# What a build depends on: the pins, the course's dependencies and this script. The hash names the
# stamp HUB_HOME/.built-KEY; the proxy's stamp is the hash of its package-lock.json.
key="$(cat "$requirements"/*.txt "$repo/pyproject.toml" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
lock="$(sha256sum "$proxy/package-lock.json" | cut -c1-16)"

case "${2:-}" in
    "") ;;
    --check)
        stale=()
        [ -f "$hub_home/.built-$key" ] && [ -x "$hub_home/user-env/bin/jupyterhub" ] \
            || stale+=("$hub_home (built for another deploy/requirements/*.txt, pyproject.toml or install.sh, or not built)")
        [ "$(cat "$proxy/node_modules/.installed-lock" 2>/dev/null)" = "$lock" ] \
            || stale+=("configurable-http-proxy in $proxy/node_modules (package-lock.json changed, or not installed)")
        if [ "${#stale[@]}" -gt 0 ]; then
            printf 'out of date: %s\n' "${stale[@]}" >&2
            echo "run \`make hub-env\` (as root; HUB_HOME=$hub_home) to rebuild the hub test's environments" >&2
            exit 1
        fi
        exit 0 ;;
    --freeze)
        freeze user "$hub_home/user-env"
        freeze ngshare "$hub_home/ngshare-env"
        exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
esac

missing=()
[ "$(id -u)" = "0" ] || missing+=("root (the hub test makes Unix accounts)")
/usr/bin/python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
    || missing+=("Debian's /usr/bin/python3 3.11 or newer, with venv (apt-get install python3-venv)")
command -v npm >/dev/null 2>&1 || missing+=("npm (apt-get install nodejs npm)")
if [ "${#missing[@]}" -gt 0 ]; then
    echo "hub test environment not built, missing: ${missing[*]} (.ci/run installs them)" >&2
    [ -n "${CI:-}" ] && exit 1
    exit 0
fi

mkdir -p "$hub_home"
chmod 0755 "$hub_home"
# One build (and one hub test, which takes the same lock) at a time, across clones of the repository.
exec 9>"$hub_home/.lock"
flock 9

if [ ! -f "$hub_home/.built-$key" ]; then
    rm -f "$hub_home"/.built-*
    started=$SECONDS
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    # the course's runtime dependencies, from pyproject.toml (the one place they are declared)
    /usr/bin/python3 -c 'import sys, tomllib; print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))' \
        "$repo/pyproject.toml" >"$scratch/course-dependencies.txt"

    env="$hub_home/user-env"
    rm -rf "$env" "$hub_home/user-env-etc.pristine"
    /usr/bin/python3 -m venv "$env"
    "$env/bin/pip" install --quiet --upgrade pip
    "$env/bin/pip" install --quiet -c "$requirements/user-constraints.txt" \
        -r "$requirements/user.txt" -r "$scratch/course-dependencies.txt"
    "$env/bin/pip" install --quiet --no-deps -r "$requirements/user-nodeps.txt"
    "$env/bin/pip" download --quiet --only-binary=:all: --dest "$env/wheels" -r "$requirements/build.txt"
    printf '[global]\nno-index = true\nfind-links = %s\n' "$env/wheels" >"$env/pip.conf"
    # the Jupyter config as built: the hub test puts it back before and after it runs setup.sh
    cp -a "$env/etc" "$hub_home/user-env-etc.pristine"

    ngshare="$hub_home/ngshare-env"
    rm -rf "$ngshare"
    /usr/bin/python3 -m venv "$ngshare"
    "$ngshare/bin/pip" install --quiet --upgrade pip
    "$ngshare/bin/pip" install --quiet -c "$requirements/ngshare-constraints.txt" -r "$requirements/ngshare.txt"

    chmod -R go+rX "$env" "$ngshare" "$hub_home/user-env-etc.pristine"
    touch "$hub_home/.built-$key"
    echo "hub test environments built in $((SECONDS - started)) s under $hub_home"
fi

# configurable-http-proxy: reinstalled whenever package-lock.json changes (npm ci installs exactly it)
if [ "$(cat "$proxy/node_modules/.installed-lock" 2>/dev/null)" != "$lock" ]; then
    npm ci --prefix "$proxy" --no-audit --no-fund --loglevel=error
    echo "$lock" >"$proxy/node_modules/.installed-lock"
fi
