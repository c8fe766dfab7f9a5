"""JupyterHub for tests/test_hub.py: start it (with configurable-http-proxy and the ngshare service),
talk to its REST API, and act inside a user's own server (tests/hub/remote.py: a terminal, a kernel).

The hub runs as root, as on TLJH, and spawns each server as its user. It runs under
tests/hub/reaper.py, whose descendants everything it starts stays (servers, kernels, terminals,
`sudo course grade`, the proxy, ngshare) whatever session or user it runs as. It is stopped with
SIGTERM, which stops the servers, the proxy and the services it started; whatever is still running
after that, or if it does not exit in time, the reaper ends, and reports. Nothing else is signalled.
"""

from __future__ import annotations

import json
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.hub.site import HERE, PROXY, REAPER, Site, wait_for

STOP_GRACE = 60  # s the hub has to stop its servers before the reaper ends what is left


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CommandFailed(AssertionError):
    pass


@dataclass
class Hub:
    site: Site
    process: subprocess.Popen
    url: str
    token: str  # the test-driver service's token
    log: Path
    report: Path
    started_in: float = 0.0
    leftovers: list | None = None  # what the reaper had to end after the hub stopped

    # --- starting and stopping ------------------------------------------------------------------------------
    @classmethod
    def start(cls, site: Site, timeout: float = 120) -> Hub:
        values = {
            "user_env": str(site.user_env),
            "port": free_port(),
            "hub_port": free_port(),
            "proxy_api_port": free_port(),
            "ngshare_port": free_port(),
            "proxy": str(PROXY),
            "proxy_token": secrets.token_hex(32),
            "driver_token": secrets.token_hex(32),
            "run": str(site.run),
            "users": site.users,
            "hub_config_dir": str(site.hub_config),
            "ngshare_python": str(site.ngshare_env / "bin" / "python"),
            "ngshare_loopback": str(HERE / "ngshare_loopback.py"),
            "ngshare_admin": site.instructor,
        }
        values_file = site.run / "hub-site.json"
        values_file.write_text(json.dumps(values, indent=1))
        log = site.run / "jupyterhub.log"
        env = {
            "PATH": f"{site.user_env / 'bin'}:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
            "HOME": str(site.run),
            "HUB_TEST_SITE": str(values_file),
        }
        report = site.run / "hub-reaper.json"
        command = [str(site.user_env / "bin" / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]
        started = time.monotonic()
        with open(log, "w") as stream:
            process = subprocess.Popen(
                [sys.executable, str(REAPER), str(report), str(STOP_GRACE), "--", *command],
                cwd=site.run,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stream,
                start_new_session=True,
            )
        hub = cls(site, process, f"http://127.0.0.1:{values['port']}", values["driver_token"], log, report)
        try:

            def answering() -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"JupyterHub exited ({process.returncode}):\n{hub.log_tail()}")
                return _status(f"{hub.url}/hub/api/") == 200 and _status(f"{hub.url}/services/ngshare/healthz") == 200

            wait_for(answering, timeout, "JupyterHub, the proxy and ngshare answering")
        except BaseException:
            hub.stop()
            raise
        hub.started_in = time.monotonic() - started
        return hub

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""

    def stop(self) -> int | None:
        """SIGTERM (through the reaper): the hub stops every server, the proxy and ngshare; the reaper
        ends whatever is left. Returns the hub's exit status; `leftovers` says what had to be ended."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_GRACE + 60)
        except subprocess.TimeoutExpired:  # the reaper itself hangs: only it is killed, by its pid
            self.process.kill()
            self.process.wait()
            return None
        answer = json.loads(self.report.read_text()) if self.report.exists() else {}
        self.leftovers = answer.get("leftovers")
        return answer.get("status")

    # --- the REST API ---------------------------------------------------------------------------------------
    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else {})
        except urllib.error.HTTPError as exc:
            return exc.code, {"error": exc.read().decode()[:500]}

    def start_server(self, user: str, timeout: float = 240) -> float:
        """Start a user's server (as logging in would); return the seconds until it was ready."""
        started = time.monotonic()
        status, answer = self.api("POST", f"/users/{user}/server")
        if status not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"could not start {user}'s server: {status} {answer}")

        def ready() -> bool:
            return bool(self.api("GET", f"/users/{user}")[1].get("servers", {}).get("", {}).get("ready"))

        wait_for(ready, timeout, f"{user}'s server ready (hub log: {self.log})", interval=0.3)
        return time.monotonic() - started

    def start_servers(self, users: list[str]) -> dict[str, float]:
        with ThreadPoolExecutor(len(users)) as pool:
            return dict(zip(users, pool.map(self.start_server, users), strict=True))

    # --- inside a user's server -----------------------------------------------------------------------------
    def _remote(self, request: dict, timeout: float) -> dict:
        request = {"token": self.token, "timeout": timeout, **request}
        done = subprocess.run(
            [str(self.site.user_env / "bin" / "python"), str(HERE / "remote.py")],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=timeout + 60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tests/hub/remote.py failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout)

    def terminal(self, user: str, commands: list[str], timeout: float = 600) -> list[dict]:
        """Type `commands`, one line each, into a new terminal of `user`'s server; insist each exits 0.
        Returns each command's output."""
        results = self._remote({"kind": "terminal", "base": f"{self.url}/user/{user}", "commands": commands}, timeout)
        results = results["results"]
        for result in results:
            if result["status"] != 0:
                raise CommandFailed(
                    f"{user}$ {result['command']}\n-> exit {result['status']}\n{result['output'][-4000:]}"
                )
        if len(results) != len(commands):
            raise CommandFailed(f"{user}: only {len(results)} of {len(commands)} commands ran")
        return results

    def run(self, user: str, command: str, timeout: float = 600) -> str:
        """One command in `user`'s terminal; its output."""
        return self.terminal(user, [command], timeout)[0]["output"]

    def kernel(self, user: str, code: str, timeout: float = 300) -> dict:
        """Run `code` in a new kernel of `user`'s server (as a notebook's kernel runs)."""
        return self._remote({"kind": "kernel", "base": f"{self.url}/user/{user}", "code": code}, timeout)

    def contents(self, user: str, path: str, content: str | None = None) -> str:
        """Read (or, given `content`, save) a text file through `user`'s server, as JupyterLab's editor does."""
        url = f"{self.url}/user/{user}/api/contents/{path}"
        headers = {"Authorization": f"token {self.token}", "Content-Type": "application/json"}
        if content is None:
            request = urllib.request.Request(url + "?type=file&format=text", headers=headers)
        else:
            body = json.dumps({"type": "file", "format": "text", "content": content}).encode()
            request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read().decode()).get("content") or ""


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0
