"""Run by a student, in their own server's terminal, during tests/test_hub.py: try to read every
path and ngshare URL the test lists (another student's work, the instructor's files) and print
LEAK:<what> for each that worked; then load the course's data the way a notebook does and print
where it came from. Usage: python probe.py SPEC.json
"""

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

spec = json.loads(Path(sys.argv[1]).read_text())
for path in map(Path, spec["paths"]):
    try:
        if path.is_dir():
            os.listdir(path)
        else:
            path.read_bytes()
        print(f"LEAK:{path}")
    except OSError:
        pass
for url in spec["ngshare"]:
    request = urllib.request.Request(url, headers={"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            reply = json.load(response)
    except urllib.error.HTTPError as exc:
        reply = json.load(exc)
    if reply.get("success"):
        print(f"LEAK:{url}")
try:
    import course.data
    import course.paths

    course.data.load_events()
    print(f"DATADIR:{course.paths.data_dir()}")
except Exception as exc:
    print(f"NODATA:{exc!r}")
print("PROBED", len(spec["paths"]), len(spec["ngshare"]))
