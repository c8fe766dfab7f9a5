"""Hands inside a user's own Jupyter server, for tests/test_hub.py: type commands into a terminal, or
run code in a kernel, as that user, in that server's environment.

Run with the hub's user environment's Python (it has tornado, as every Jupyter server does); reads a
JSON request on stdin (tokens never appear on a command line other users could read) and prints a
JSON answer on stdout:
    {"kind": "terminal", "base": "<hub>/user/<name>", "token": ..., "commands": [...], "timeout": s}
        -> {"results": [{"command": ..., "status": 0, "output": ...}, ...]}   (stops after a failure)
    {"kind": "kernel", "base": ..., "token": ..., "code": "...", "timeout": s}
        -> {"status": "ok" | "error", "output": "...stdout and the error, if any..."}
A terminal is what a person opens from the Launcher: a new bash in the server's root folder; each
command is typed as a line, and the next only once the shell shows its prompt again (a marker
printed before each prompt carries the exit status).
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import sys
import time
import uuid

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\r")


async def terminal(base: str, token: str, commands: list[str], timeout: float) -> dict:
    headers = {"Authorization": f"token {token}"}
    client = AsyncHTTPClient()
    reply = await client.fetch(HTTPRequest(f"{base}/api/terminals", method="POST", body="{}", headers=headers))
    name = json.loads(reply.body)["name"]
    results = []
    ws = None
    try:
        ws = await websocket_connect(
            HTTPRequest(base.replace("http://", "ws://", 1) + f"/terminals/websocket/{name}", headers=headers)
        )
        deadline = time.monotonic() + timeout
        pending = ""

        async def until(pattern: re.Pattern) -> tuple[re.Match, str]:
            nonlocal pending
            while True:
                found = pattern.search(ANSI.sub("", pending))
                if found:
                    text = ANSI.sub("", pending)
                    pending = text[found.end() :]
                    return found, text[: found.start()]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(ANSI.sub("", pending)[-3000:])
                message = await asyncio.wait_for(ws.read_message(), timeout=left)
                if message is None:
                    raise ConnectionError("the terminal closed: " + ANSI.sub("", pending)[-3000:])
                kind, *rest = json.loads(message)
                if kind == "stdout":
                    pending += rest[0]

        # Each command is typed as a person types it, alone on its line, and the next waits for the
        # shell's next prompt: bash runs PROMPT_COMMAND before each prompt, which prints a marker with
        # the exit status. (A line typed ahead would go to whatever reads the terminal: `sudo` relays
        # it to the command it runs.) The marker is written in two halves, so the echoed line never
        # matches it.
        marker = secrets.token_hex(6)
        done = re.compile(rf"__{marker}__(\d+)__")
        ws.write_message(
            json.dumps(["stdin", f'cd "$JUPYTER_SERVER_ROOT"; PROMPT_COMMAND=\'echo __{marker}""__$?__\'\r'])
        )
        await until(done)
        for command in commands:
            ws.write_message(json.dumps(["stdin", f"{command}\r"]))
            try:
                found, output = await until(done)
            except TimeoutError as exc:
                results.append({"command": command, "status": None, "output": f"timed out after {timeout} s: {exc}"})
                break
            # drop the prompt with the echoed command (the first line)
            body = "\n".join(output.lstrip("\n").split("\n")[1:])
            results.append({"command": command, "status": int(found.group(1)), "output": body})
            if int(found.group(1)) != 0:
                break
    finally:
        if ws is not None:
            ws.close()
        await client.fetch(
            HTTPRequest(f"{base}/api/terminals/{name}", method="DELETE", headers=headers), raise_error=False
        )
    return {"results": results}


async def kernel(base: str, token: str, code: str, timeout: float) -> dict:
    headers = {"Authorization": f"token {token}"}
    client = AsyncHTTPClient()
    reply = await client.fetch(
        HTTPRequest(f"{base}/api/kernels", method="POST", body=json.dumps({"name": "python3"}), headers=headers)
    )
    kernel_id = json.loads(reply.body)["id"]
    ws = None
    try:
        ws = await websocket_connect(
            HTTPRequest(base.replace("http://", "ws://", 1) + f"/api/kernels/{kernel_id}/channels", headers=headers)
        )
        msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
        ws.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "session": session,
                        "username": "",
                        "msg_type": "execute_request",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        output, status = [], "ok"
        deadline = time.monotonic() + timeout
        while True:
            message = await asyncio.wait_for(ws.read_message(), timeout=max(1, deadline - time.monotonic()))
            if message is None:
                raise ConnectionError("the kernel's channel closed")
            msg = json.loads(message)
            if msg.get("parent_header", {}).get("msg_id") != msg_id or msg.get("channel") != "iopub":
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                output.append(content["text"])
            elif kind == "error":
                status = "error"
                output.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return {"status": status, "output": "".join(output)}
    finally:
        if ws is not None:
            ws.close()
        await client.fetch(
            HTTPRequest(f"{base}/api/kernels/{kernel_id}", method="DELETE", headers=headers), raise_error=False
        )


def main() -> None:
    request = json.load(sys.stdin)
    if request["kind"] == "terminal":
        answer = terminal(request["base"], request["token"], request["commands"], request["timeout"])
    else:
        answer = kernel(request["base"], request["token"], request["code"], request["timeout"])
    print(json.dumps(asyncio.run(answer)))


if __name__ == "__main__":
    main()
