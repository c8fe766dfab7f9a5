#!/usr/bin/env bash
# Set up Summits and Warheads on The Littlest JupyterHub. Run once, as the TLJH admin, from a
# clone of this repository placed at /srv/summits-and-warheads:
#     sudo bash /srv/summits-and-warheads/deploy/tljh/setup.sh INSTRUCTOR
# INSTRUCTOR is the instructor's JupyterHub user name (their Unix account is jupyter-INSTRUCTOR).
set -euo pipefail

instructor="${1:?usage: setup.sh INSTRUCTOR}"
repo=/srv/summits-and-warheads
user_env=/opt/tljh/user/bin          # TLJH's shared Python environment for all users

# 1. The course package (data, widgets, grading) for every user's kernel.
"$user_env/pip" install --quiet -e "$repo"

# 2. The exchange: a folder every user may write to; nbgrader sets finer permissions inside it.
mkdir -p /srv/nbgrader/exchange
chmod 0777 /srv/nbgrader/exchange
touch /srv/nbgrader/nbgrader.log && chmod 0666 /srv/nbgrader/nbgrader.log
install -m 0644 "$repo/deploy/tljh/nbgrader_config.py" /etc/jupyter/nbgrader_config.py

# 3. Students see the assignment list and Validate; only the instructor sees the formgrader and
#    the assignment-creation tools.
"$user_env/jupyter" labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader
"$user_env/jupyter" labextension disable --level=sys_prefix @jupyter/nbgrader:create-assignment
runuser -u "jupyter-$instructor" -- "$user_env/jupyter" labextension enable --level=user @jupyter/nbgrader:formgrader
runuser -u "jupyter-$instructor" -- "$user_env/jupyter" labextension enable --level=user @jupyter/nbgrader:create-assignment

# 4. The instructor's course folder: a copy of the repository in their home.
home="/home/jupyter-$instructor"
if [ ! -d "$home/summits-and-warheads" ]; then
    cp -r "$repo" "$home/summits-and-warheads"
    chown -R "jupyter-$instructor:jupyter-$instructor" "$home/summits-and-warheads"
fi
echo "Done. The instructor works in $home/summits-and-warheads; grade as root for full isolation:"
echo "    cd $home/summits-and-warheads && sudo $user_env/course grade MODULE"
