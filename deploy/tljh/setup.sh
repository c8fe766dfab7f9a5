#!/usr/bin/env bash
# Set up Summits and Warheads on The Littlest JupyterHub, once, as root, from the course's clone at
# /srv/summits-and-warheads (this script's own repository is the course it sets up):
#     sudo bash /srv/summits-and-warheads/deploy/tljh/setup.sh jupyter-ada \
#         --user-env /opt/tljh/user --hub-config /opt/tljh/config/jupyterhub_config.d --exchange /srv/nbgrader/exchange
# The first argument is the instructor's Unix account: on TLJH, `jupyter-` and their JupyterHub
# user name (TLJH creates it when they first log in). The options are TLJH's folders (these are
# the defaults). It can be run again (e.g. after `git pull`). docs/deploy-tljh.md explains each step;
# tests/test_hub.py runs this script, with its own folders, before driving a whole term.
set -euo pipefail

usage="usage: setup.sh INSTRUCTOR-ACCOUNT [--user-env DIR] [--hub-config DIR] [--exchange DIR]"
account="${1:?$usage}"
shift
user_env=/opt/tljh/user
hub_config=/opt/tljh/config/jupyterhub_config.d
exchange=/srv/nbgrader/exchange
while [ $# -gt 0 ]; do
    case "$1" in
        --user-env) user_env="${2:?$usage}"; shift 2 ;;
        --hub-config) hub_config="${2:?$usage}"; shift 2 ;;
        --exchange) exchange="${2:?$usage}"; shift 2 ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
course_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$course_root/deploy/tljh"
hub_user="${account#jupyter-}"
if ! id "$account" >/dev/null 2>&1; then
    echo "no Unix account $account: log in to JupyterHub once as $hub_user (TLJH creates jupyter-$hub_user), then run this again" >&2
    exit 1
fi
group="$(id -gn "$account")"

# 1. The course package, installed editable FROM the instructor's course root: every kernel, the
#    hidden tests and `course grade` read this folder's data/ and course/, so the instructor's edits
#    reach students and the grader without reinstalling.
"$user_env/bin/pip" install --quiet -e "$course_root"

# 2. The course root belongs to the instructor. Students may pass through it (0711) to import
#    course/ and read data/, and see nothing else: notebooks/ (solutions, hidden tests),
#    nbgrader_config.py and nbgrader's folders stay private. The folders nbgrader writes are made
#    here, private, before nbgrader makes them with 0755; so is an empty gradebook (SQLite fills
#    an empty file; its journal takes the file's mode).
for folder in release submitted autograded feedback reports; do
    mkdir -p "$course_root/$folder"
done
[ -e "$course_root/gradebook.db" ] || touch "$course_root/gradebook.db"
chown -R "$account:$group" "$course_root"
chmod -R go-rwx "$course_root"
chmod 0711 "$course_root"
chmod -R go+rX "$course_root/course" "$course_root/data"

# 3. The exchange: a folder every user may write to (nbgrader insists on o+rwx), with the course's
#    own folder made by the instructor's account first, so no student can claim it.
mkdir -p "$exchange/summits-and-warheads"
chmod 1777 "$exchange"
chown "$account:$group" "$exchange/summits-and-warheads"
chmod 0755 "$exchange/summits-and-warheads"
mkdir -p "$user_env/etc/jupyter"
sed "s|\"/srv/nbgrader/exchange\"|\"$exchange\"|" "$here/nbgrader_config.py" >"$user_env/etc/jupyter/nbgrader_config.py.new"
chmod 0644 "$user_env/etc/jupyter/nbgrader_config.py.new"
mv "$user_env/etc/jupyter/nbgrader_config.py.new" "$user_env/etc/jupyter/nbgrader_config.py"

# 4. Students: the Assignments tab only, instructor tools disabled and locked. The instructor: the
#    tools back on, from a config folder of their own.
"$user_env/bin/python" "$course_root/deploy/configure_jupyter.py" \
    --env "$user_env" --instructor-config "$user_env/etc/jupyter/instructor" --course-root "$course_root"

# 5. The hub: the instructor's server opens at the course root with that config folder; private umask.
mkdir -p "$hub_config"
sed -e "s|^COURSE_ROOT = .*|COURSE_ROOT = \"$course_root\"|" \
    -e "s|^INSTRUCTOR_CONFIG = .*|INSTRUCTOR_CONFIG = \"$user_env/etc/jupyter/instructor\"|" \
    -e "s|^INSTRUCTORS = .*|INSTRUCTORS = {\"$hub_user\"}|" \
    "$here/jupyterhub_config.d/summits-and-warheads.py" >"$hub_config/summits-and-warheads.py"
chmod 0644 "$hub_config/summits-and-warheads.py"

echo "Done. Now: sudo tljh-config reload hub. $hub_user's server opens in $course_root with the formgrader."
echo "Grade as root for full isolation (docs/deploy-tljh.md): sudo \"\$(command -v course)\" grade MODULE"
