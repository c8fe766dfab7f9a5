"""The JupyterHub that tests/test_hub.py starts: TLJH's shape, on one machine, with what a test needs.

As on The Littlest JupyterHub: every file in the site's jupyterhub_config.d/ is loaded, in name
order (deploy/tljh/setup.sh installed the course's there), every server runs from the shared user
environment, and configurable-http-proxy (npm) routes requests. Different, and why:
- PAM against real Unix accounts the test made with useradd/chpasswd (TLJH's default is its
  FirstUseAuthenticator, which sets a password at first login and makes `jupyter-NAME` accounts);
- JupyterHub's default LocalProcessSpawner with `umask 0077` before the server starts (TLJH uses
  SystemdSpawner, where the course's hub config sets the unit's UMask; there is no systemd here);
- terminals are plain `bash` (a login shell would run Debian's /etc/profile, which resets PATH;
  TLJH puts its environment back on PATH in /etc/profile.d);
- loopback ports chosen by the test, and a "test-driver" service whose token lets the test start
  servers and type into terminals;
- ngshare as a hub-managed service on loopback (on Kubernetes it is a chart of its own).

The test writes the values into a JSON file and names it in HUB_TEST_SITE.
"""

import json
import os
from glob import glob

c = get_config()  # noqa: F821
with open(os.environ["HUB_TEST_SITE"]) as _file:
    site = json.load(_file)
env = site["user_env"]

c.JupyterHub.bind_url = f"http://127.0.0.1:{site['port']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = site["hub_port"]
c.ConfigurableHTTPProxy.command = [site["proxy"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{site['proxy_api_port']}"
c.ConfigurableHTTPProxy.auth_token = site["proxy_token"]
c.JupyterHub.db_url = f"sqlite:///{site['run']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{site['run']}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{site['run']}/jupyterhub.pid"

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(site["users"])

c.Spawner.cmd = ["/bin/sh", "-c", 'umask 0077 && exec "$@"', "sh", f"{env}/bin/jupyterhub-singleuser"]
c.Spawner.args = ['--ServerApp.terminado_settings={"shell_command": ["/bin/bash"]}']
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "PATH": f"{env}/bin:/usr/local/bin:/usr/bin:/bin",
    # where deploy/z2jh/nbgrader_config.py finds ngshare (on Kubernetes: its default, through proxy-public)
    "NGSHARE_URL": f"http://127.0.0.1:{site['port']}/services/ngshare",
}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180

c.JupyterHub.services = [
    {"name": "test-driver", "api_token": site["driver_token"]},
    {
        "name": "ngshare",
        "url": f"http://127.0.0.1:{site['ngshare_port']}",
        "command": [
            site["ngshare_python"],
            site["ngshare_loopback"],
            "--admins",
            site["ngshare_admin"],
            "--database",
            f"sqlite:///{site['run']}/ngshare/ngshare.db",
            "--storage",
            f"{site['run']}/ngshare/files/",
        ],
        "oauth_no_confirm": True,
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "test-driver",
        "scopes": ["admin:users", "admin:servers", "access:servers", "tokens", "read:users"],
        "services": ["test-driver"],
    }
]

for _extra in sorted(glob(os.path.join(site["hub_config_dir"], "*.py"))):
    load_subconfig(_extra)  # noqa: F821  (as TLJH's own jupyterhub_config.py does)
