"""Answers as plain data: out of the student's kernel, checked by the grader, into the verdict kernel.

The student's kernel is hostile, so what it exports is untrusted input. Three steps, three places:

1. `export(...)` runs IN THE STUDENT'S KERNEL, at the place of each test cell: it looks up the names
   the test reads (course.autograder.reads) and writes them as tagged JSON to a file in the
   scratch folder. Only exact types are accepted (`type(v) is int`, never isinstance), so an object
   whose `__eq__`, `__hash__` or `__class__` lies is refused, not converted; so is a subclass of
   int, str, dict or DataFrame. A refused value is recorded with a message for the student
   ("`x` is a function: store the value itself"). Student code may tamper with this function; it
   can then only write other data, i.e. change its own answers.
2. `check(raw, ...)` runs IN THE GRADER: it parses the file with `json` only (size-capped), walks
   the tree and accepts only the tags below with primitive fields of the right JSON type, within
   depth and item limits, and only the names the test reads. What passes is written again,
   canonically, for the verdict kernel. Nothing is evaluated, unpickled or imported.
3. `load(...)` runs IN THE VERDICT KERNEL: it rebuilds each value from the checked tree, with
   constructors of an allow-list (int, float, str, list, dict, datetime, numpy scalars, pandas
   Timestamp/Timedelta/Series/DataFrame/Index/Categorical with allow-listed dtypes) and binds the
   names; a function answer becomes a lookup table of the results recorded in the student's
   kernel for the exact arguments the test uses.

Tags ("$"): none bool int float str list tuple set frozenset dict date datetime time timedelta
np (numpy scalar) NaT NA Timestamp Timedelta ndarray Series DataFrame Index RangeIndex MultiIndex
Categorical. A column ("col") has a dtype from COLUMN_DTYPES and a list of values.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re

# The student-side functions below use these references, taken when the module is imported (in
# the zygote, before any student code): a notebook that shadows or patches builtins (`list = ...`,
# `builtins.int = ...`) cannot change what the exporter accepts. (It could patch this module
# itself; then it only changes its own exported answers.)
_type, _int, _float, _str, _bool, _list, _tuple, _set, _frozenset, _dict = (
    type,
    int,
    float,
    str,
    bool,
    list,
    tuple,
    set,
    frozenset,
    dict,
)
_len, _repr, _isinstance, _enumerate, _sorted = len, repr, isinstance, enumerate, sorted
_json_dump, _os_makedirs, _os_replace, _open = json.dump, os.makedirs, os.replace, open

FORMAT = 1
MAX_DEPTH = 40
MAX_ITEMS = 5_000_000  # scalars in one test's export
MAX_STR = 10_000_000
EXPORT_DIR = ".course-export"  # in the student's scratch folder

NP_SCALARS = (
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "bool",
)
TIME_UNITS = ("s", "ms", "us", "ns")
NULLABLE = ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "boolean")
_TZ = re.compile(r"^(UTC|[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,3}|[+-]\d\d:\d\d)$")


class Refused(ValueError):
    """A value that cannot be exported as data; the message is for the student."""


class Invalid(ValueError):
    """An export file that is not well-formed (tampered with, or a bug); for the grader."""


# --- 1. in the student's kernel ---------------------------------------------------------------


def _kind_name(value: object) -> str:
    kind = type(value)
    if kind.__module__ in ("builtins", "__main__"):
        name = kind.__qualname__
    else:
        name = f"{kind.__module__}.{kind.__qualname__}"
    return {"function": "function", "builtin_function_or_method": "function", "module": "module", "type": "class"}.get(
        name, name
    )


def _refuse(where: str, value: object, hint: str = "") -> Refused:
    kind = _kind_name(value)
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    hint = hint or {
        "function": "store the value the exercise asks for, not a function",
        "class": "store a value, not a class",
        "module": "store a value, not a module",
    }.get(kind, "store a plain value (a number, text, True/False/None, a date, a list, a dict or a pandas table)")
    return Refused(f"`{where}` is {article} {kind}: {hint}")


class _Budget:
    def __init__(self) -> None:
        self.items = 0

    def spend(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise Refused(f"the answer is too large to check (over {MAX_ITEMS:,} values)")


def _json_float(x: float):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def encode(value: object, where: str = "value", budget: _Budget | None = None, depth: int = 0) -> dict:
    """`value` as a tagged JSON tree; raises Refused (with a message for the student)."""
    budget = budget or _Budget()
    budget.spend()
    if depth > MAX_DEPTH:
        raise Refused(f"`{where}` is nested too deeply to check")
    kind = _type(value)  # the real type: __class__ can lie, type() cannot
    if value is None:
        return {"$": "none"}
    if kind is _bool:
        return {"$": "bool", "v": value}
    if kind is _int:
        return {"$": "int", "v": _int.__int__(value)}
    if kind is _float:
        return {"$": "float", "v": _json_float(_float.__float__(value))}
    if kind is _str:
        if _len(value) > MAX_STR:
            raise Refused(f"`{where}` is a text too long to check")
        budget.spend(_len(value) // 64)
        return {"$": "str", "v": _str.__str__(value)}
    if kind in (_list, _tuple, _set, _frozenset):
        items = (
            _list.__iter__(value)
            if kind is _list
            else _tuple.__iter__(value)
            if kind is _tuple
            else _set.__iter__(value)
            if kind is _set
            else _frozenset.__iter__(value)
        )
        out = [encode(item, f"{where}[{i}]", budget, depth + 1) for i, item in enumerate(items)]
        if kind in (_set, _frozenset):
            out.sort(key=lambda e: json.dumps(e, sort_keys=True))
        return {"$": kind.__name__, "v": out}
    if kind is _dict:
        pairs = []
        for key, item in _dict.items(value):
            shown = repr(key) if _type(key) in (_str, _int, _float, _bool) else "..."
            pairs.append(
                [
                    encode(key, f"{where} key {shown}", budget, depth + 1),
                    encode(item, f"{where}[{shown}]", budget, depth + 1),
                ]
            )
        return {"$": "dict", "v": pairs}
    if kind is _dt.datetime:
        return {"$": "datetime", "v": _dt.datetime.isoformat(value)}
    if kind is _dt.date:
        return {"$": "date", "v": _dt.date.isoformat(value)}
    if kind is _dt.time:
        if value.tzinfo is not None:
            raise _refuse(where, value, "store a time without a time zone")
        return {"$": "time", "v": _dt.time.isoformat(value)}
    if kind is _dt.timedelta:
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    module = kind.__module__ or ""
    if module.startswith("numpy"):
        return _encode_numpy(value, where, budget)
    if module.startswith("pandas"):
        return _encode_pandas(value, where, budget, depth)
    raise _refuse(where, value)


def _encode_numpy(value, where, budget) -> dict:
    import numpy as np

    kind = type(value)
    if kind is np.ndarray:
        if value.ndim == 0 or value.size > MAX_ITEMS:
            raise _refuse(where, value, "store a list or a number instead")
        budget.spend(value.size)
        return {"$": "ndarray", "shape": list(value.shape), "col": _encode_values(value.ravel(), where, budget)}
    name = kind.__name__
    if name == "bool_" or name in NP_SCALARS:
        dtype = np.dtype(kind).name
        if dtype == "bool":
            return {"$": "np", "dtype": "bool", "v": bool(value)}
        return {"$": "np", "dtype": dtype, "v": int(value) if dtype[0] in "iu" else _json_float(float(value))}
    if kind in (np.datetime64, np.timedelta64):
        unit = np.datetime_data(value.dtype)[0]
        if unit not in (*TIME_UNITS, "D", "h", "m"):
            raise _refuse(where, value, "store a pandas Timestamp instead")
        number = None if np.isnat(value) else int(value.astype("int64"))
        return {"$": "np", "dtype": f"{kind.__name__}[{unit}]", "v": number}
    raise _refuse(where, value)


def _tz_name(tz) -> str | None:
    if tz is None:
        return None
    name = str(tz)
    if not _TZ.match(name):
        raise Refused(f"the time zone {name!r} cannot be checked: convert to UTC or drop the time zone")
    return name


def _encode_pandas(value, where, budget, depth) -> dict:
    import pandas as pd

    kind = type(value)
    if value is pd.NaT:
        return {"$": "NaT"}
    if value is pd.NA:
        return {"$": "NA"}
    if kind is pd.Timestamp:
        return {"$": "Timestamp", "v": int(value.value), "unit": value.unit, "tz": _tz_name(value.tz)}
    if kind is pd.Timedelta:
        return {"$": "Timedelta", "v": int(value.value), "unit": value.unit}
    if kind is pd.Series:
        budget.spend(len(value))
        return {
            "$": "Series",
            "name": encode(value.name, f"{where}.name", budget, depth + 1),
            "index": _encode_index(value.index, f"{where}.index", budget, depth),
            "col": _encode_values(value.array, where, budget, depth),
        }
    if kind is pd.DataFrame:
        budget.spend(value.shape[0] * max(1, value.shape[1]))
        columns = []
        for position in range(value.shape[1]):
            label = value.columns[position]
            shown = repr(label) if type(label) in (str, int) else str(position)
            columns.append(_encode_values(value.iloc[:, position].array, f"{where}[{shown}]", budget, depth))
        return {
            "$": "DataFrame",
            "columns": _encode_index(value.columns, f"{where}.columns", budget, depth),
            "index": _encode_index(value.index, f"{where}.index", budget, depth),
            "cols": columns,
        }
    if kind is pd.Categorical:
        return {"$": "Categorical", "col": _encode_values(value, where, budget, depth)}
    if isinstance(value, pd.Index):  # the exact index types are checked in _encode_index
        return _encode_index(value, where, budget, depth)
    raise _refuse(where, value)


def _encode_index(index, where, budget, depth) -> dict:
    import pandas as pd

    kind = type(index)
    if kind is pd.RangeIndex:
        return {
            "$": "RangeIndex",
            "start": int(index.start),
            "stop": int(index.stop),
            "step": int(index.step),
            "name": encode(index.name, f"{where}.name", budget, depth + 1),
        }
    if kind is pd.MultiIndex:
        return {
            "$": "MultiIndex",
            "levels": [_encode_index(level, f"{where}.levels", budget, depth) for level in index.levels],
            "codes": [[int(c) for c in codes] for codes in index.codes],
            "names": [encode(n, f"{where}.names", budget, depth + 1) for n in index.names],
        }
    if kind in (pd.Index, pd.DatetimeIndex, pd.TimedeltaIndex, pd.CategoricalIndex):
        budget.spend(len(index))
        return {
            "$": "Index",
            "col": _encode_values(index.array, where, budget, depth),
            "name": encode(index.name, f"{where}.name", budget, depth + 1),
        }
    raise _refuse(where, index, "use a plain index (reset_index() gives one)")


def _encode_values(values, where, budget, depth: int = 0) -> dict:
    """One column: a numpy array or a pandas extension array, with its dtype."""
    import numpy as np
    import pandas as pd

    dtype = values.dtype
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        values = values.to_numpy()
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        return {
            "dtype": "category",
            "ordered": bool(dtype.ordered),
            "categories": _encode_values(cats.array, f"{where} categories", budget, depth),
            "codes": [int(c) for c in np.asarray(values.codes)],
        }
    if isinstance(dtype, pd.StringDtype):
        na = "NA" if dtype.na_value is pd.NA else "nan"
        out = [None if v is pd.NA or (type(v) is float and math.isnan(v)) else str.__str__(v) for v in values]
        budget.spend(sum(len(v) // 64 for v in out if v))
        return {"dtype": "string", "storage": dtype.storage, "na": na, "v": out}
    if isinstance(dtype, pd.DatetimeTZDtype):
        unit = dtype.unit
        ints = np.asarray(values.asi8).tolist()
        mask = np.asarray(values.isna()).tolist()
        return {
            "dtype": f"datetime64[{unit}]",
            "tz": _tz_name(dtype.tz),
            "v": [None if m else int(i) for i, m in zip(ints, mask, strict=True)],
        }
    name = str(dtype)
    if name in NULLABLE:
        mask = np.asarray(values.isna()).tolist()
        raw = values.to_numpy(dtype=object, na_value=None)
        conv = bool if name == "boolean" else int if name[0] in "IU" else (lambda x: _json_float(float(x)))
        return {"dtype": name, "v": [None if m else conv(x) for x, m in zip(raw, mask, strict=True)]}
    if isinstance(values, np.ndarray):
        if dtype.kind in "iu" and name in NP_SCALARS:
            return {"dtype": name, "v": values.tolist()}
        if dtype.kind == "f" and name in NP_SCALARS:
            return {"dtype": name, "v": [_json_float(x) for x in values.astype("float64").tolist()]}
        if dtype.kind == "b":
            return {"dtype": "bool", "v": values.tolist()}
        if dtype.kind in "mM":
            unit = np.datetime_data(dtype)[0]
            if unit not in TIME_UNITS:
                values = values.astype(f"{(dtype.kind == 'M' and 'datetime64') or 'timedelta64'}[s]")
                unit, name = "s", f"{'datetime64' if dtype.kind == 'M' else 'timedelta64'}[s]"
            ints = values.view("int64").tolist()
            nat = np.isnat(values).tolist()
            return {
                "dtype": f"{'datetime64' if dtype.kind == 'M' else 'timedelta64'}[{unit}]",
                "v": [None if n else i for i, n in zip(ints, nat, strict=True)],
            }
        if dtype.kind == "O":
            return {
                "dtype": "object",
                "v": [encode(item, f"{where}[{i}]", budget, depth + 1) for i, item in enumerate(values.tolist())],
            }
    if isinstance(values, (pd.arrays.DatetimeArray, pd.arrays.TimedeltaArray)):
        return (
            _encode_values(values.to_numpy() if values.tz is None else values, where, budget, depth)
            if isinstance(values, pd.arrays.DatetimeArray)
            else _encode_values(values.to_numpy(), where, budget, depth)
        )
    if isinstance(values, pd.Categorical):
        return _encode_values(values, where, budget, depth)
    raise Refused(
        f"`{where}` has a column of type {name}, which cannot be checked: convert it to numbers, text or dates"
    )


def _literal_call(arguments: str):
    """`3, x=-2` -> ((3,), {"x": -2}), literals only."""
    import ast

    call = ast.parse(f"f({arguments})", mode="eval").body
    return (tuple(ast.literal_eval(a) for a in call.args), {k.arg: ast.literal_eval(k.value) for k in call.keywords})


def call_key(args: tuple, kwargs: dict) -> str:
    """The same text for the same literal arguments, in both kernels."""
    return json.dumps([encode(list(args)), sorted([k, encode(v)] for k, v in kwargs.items())], sort_keys=True)


def export(
    namespace: dict,
    test_id: str,
    required: list[str],
    optional: list[str],
    calls: dict[str, list[str]],
    folder: str = EXPORT_DIR,
) -> None:
    """In the student's kernel, where the test cell would run: write the names `test_id` reads."""
    import sys
    import threading
    import types

    # A tracer or profiler left running (a debugger, or a hostile one) must not steer the export.
    sys.settrace(None)
    sys.setprofile(None)
    threading.settrace(None)
    values, missing, refused, tables = {}, [], {}, {}
    for name in [*required, *optional]:
        if name not in namespace:
            missing.append(name)
            continue
        value = namespace[name]
        try:
            if _type(value) is types.FunctionType and name in calls:
                table = []
                for arguments in calls[name]:
                    args, kwargs = _literal_call(arguments)
                    try:
                        result = {"value": encode(value(*args, **kwargs), f"{name}({arguments})")}
                    except Refused:
                        raise
                    except BaseException as exc:  # the student's function failed: the test will see it fail
                        if type(exc) in (KeyboardInterrupt, SystemExit):
                            raise
                        result = {"raised": _exception_name(exc), "message": _safe_str(exc)}
                    table.append([call_key(args, kwargs), arguments, result])
                tables[name] = table
            else:
                values[name] = encode(value, name)
        except Refused as exc:
            if name in required:
                refused[name] = str(exc)
            else:
                missing.append(name)
        except RecursionError:
            refused[name] = f"`{name}` is nested too deeply to check"
    document = {
        "format": FORMAT,
        "test": test_id,
        "values": values,
        "tables": tables,
        "missing": missing,
        "refused": refused,
    }
    _os_makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{test_id}.json")
    with _open(path + ".part", "w", encoding="utf-8") as file:
        _json_dump(document, file, allow_nan=False, separators=(",", ":"))
    _os_replace(path + ".part", path)


def _exception_name(exc: BaseException) -> str:
    import builtins

    name = type(exc).__name__
    return name if getattr(builtins, name, None) is type(exc) else "Exception"


def _safe_str(exc: BaseException) -> str:
    try:
        text = BaseException.__str__(exc)
    except BaseException:
        text = ""
    return text[:500] if type(text) is str else ""


# --- 2. in the grader ----------------------------------------------------------------------------


def read_export(folder_fd: int, test_id: str, max_bytes: int) -> bytes | None:
    """The raw export file of `test_id`, read without following links, or None if absent.
    Raises Invalid for anything but a regular file within the size limit."""
    import stat

    try:
        fd = os.open(f"{test_id}.json", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Invalid(f"export of {test_id} cannot be opened: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Invalid(f"export of {test_id} is not a regular file")
        if info.st_size > max_bytes:
            raise Invalid(
                f"the values the test {test_id} reads take {info.st_size / 1e6:.1f} MB, "
                f"over the {max_bytes / 1e6:.0f} MB limit"
            )
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise Invalid(f"export of {test_id} grew while read")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


_SCALAR_TAGS = {
    "none",
    "bool",
    "int",
    "float",
    "str",
    "date",
    "datetime",
    "time",
    "timedelta",
    "np",
    "NaT",
    "NA",
    "Timestamp",
    "Timedelta",
}
_COLUMN_DTYPES = (
    set(NP_SCALARS)
    | set(NULLABLE)
    | {"object", "string", "category"}
    | {f"{k}[{u}]" for k in ("datetime64", "timedelta64") for u in TIME_UNITS}
)
_NP_DTYPES = set(NP_SCALARS) | {
    f"{k}[{u}]" for k in ("datetime64", "timedelta64") for u in (*TIME_UNITS, "D", "h", "m")
}


class _Checker:
    def __init__(self) -> None:
        self.items = 0

    def fail(self, what: str) -> None:
        raise Invalid(what)

    def need(self, ok: bool, what: str) -> None:
        if not ok:
            raise Invalid(what)

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise Invalid("too many values")

    def number(self, v, integer: bool = False) -> None:
        if integer:
            self.need(type(v) is int, "expected an integer")
        else:
            self.need(type(v) in (int, float) or v in ("nan", "inf", "-inf"), "expected a number")

    def value(self, node, depth: int = 0) -> None:
        self.count()
        self.need(depth <= MAX_DEPTH + 8, "nested too deeply")
        self.need(type(node) is dict and type(node.get("$")) is str, "expected a tagged value")
        tag = node["$"]
        keys = set(node)
        v = node.get("v")
        if tag in ("none", "NaT", "NA"):
            self.need(keys == {"$"}, "unexpected fields")
        elif tag == "bool":
            self.need(keys == {"$", "v"} and type(v) is bool, "bad bool")
        elif tag == "int":
            self.need(keys == {"$", "v"} and type(v) is int, "bad int")
        elif tag == "float":
            self.need(keys == {"$", "v"}, "bad float")
            self.number(v)
        elif tag == "str":
            self.need(keys == {"$", "v"} and type(v) is str, "bad str")
            self.count(len(v) // 64)
        elif tag in ("list", "tuple", "set", "frozenset"):
            self.need(keys == {"$", "v"} and type(v) is list, "bad sequence")
            for item in v:
                self.value(item, depth + 1)
                if tag in ("set", "frozenset"):
                    self.hashable(item)
        elif tag == "dict":
            self.need(keys == {"$", "v"} and type(v) is list, "bad dict")
            for pair in v:
                self.need(type(pair) is list and len(pair) == 2, "bad dict item")
                self.value(pair[0], depth + 1)
                self.hashable(pair[0])
                self.value(pair[1], depth + 1)
        elif tag in ("date", "datetime", "time"):
            self.need(keys == {"$", "v"} and type(v) is str and len(v) <= 40, f"bad {tag}")
            parse = {
                "date": _dt.date.fromisoformat,
                "datetime": _dt.datetime.fromisoformat,
                "time": _dt.time.fromisoformat,
            }[tag]
            try:
                parse(v)
            except ValueError:
                self.fail(f"bad {tag}")
        elif tag == "timedelta":
            self.need(
                keys == {"$", "v"} and type(v) is list and len(v) == 3 and all(type(x) is int for x in v),
                "bad timedelta",
            )
        elif tag == "np":
            self.need(keys == {"$", "dtype", "v"} and node["dtype"] in _NP_DTYPES, "bad numpy scalar")
            dtype = node["dtype"]
            if dtype == "bool":
                self.need(type(v) is bool, "bad numpy bool")
            elif dtype[0] in "iu" or dtype.startswith(("datetime", "timedelta")):
                self.need(
                    type(v) is int or (v is None and dtype.startswith(("datetime", "timedelta"))), "bad numpy integer"
                )
            else:
                self.number(v)
        elif tag == "Timestamp":
            self.need(
                keys == {"$", "v", "unit", "tz"}
                and type(v) is int
                and node["unit"] in TIME_UNITS
                and (node["tz"] is None or (type(node["tz"]) is str and _TZ.match(node["tz"]))),
                "bad Timestamp",
            )
        elif tag == "Timedelta":
            self.need(keys == {"$", "v", "unit"} and type(v) is int and node["unit"] in TIME_UNITS, "bad Timedelta")
        elif tag == "ndarray":
            self.need(
                keys == {"$", "shape", "col"}
                and type(node["shape"]) is list
                and len(node["shape"]) <= 8
                and all(type(s) is int and s >= 0 for s in node["shape"]),
                "bad ndarray",
            )
            size = math.prod(node["shape"])
            self.need(self.column(node["col"], depth) == size, "ndarray size does not match its shape")
        elif tag == "Series":
            self.need(keys == {"$", "name", "index", "col"}, "bad Series")
            self.value(node["name"], depth + 1)
            self.hashable(node["name"])
            self.need(self.index(node["index"], depth) == self.column(node["col"], depth), "Series length mismatch")
        elif tag == "DataFrame":
            self.need(keys == {"$", "columns", "index", "cols"} and type(node["cols"]) is list, "bad DataFrame")
            self.need(self.index(node["columns"], depth) == len(node["cols"]), "DataFrame columns mismatch")
            rows = self.index(node["index"], depth)
            for col in node["cols"]:
                self.need(self.column(col, depth) == rows, "DataFrame column length mismatch")
        elif tag in ("Index", "RangeIndex", "MultiIndex"):
            self.index(node, depth)
        elif tag == "Categorical":
            self.need(keys == {"$", "col"} and node["col"].get("dtype") == "category", "bad Categorical")
            self.column(node["col"], depth)
        else:
            self.fail(f"unknown tag {tag!r}")

    def hashable(self, node) -> None:
        tag = node["$"]
        if tag in ("tuple", "frozenset"):
            for item in node["v"]:
                self.hashable(item)
        else:
            self.need(tag in _SCALAR_TAGS, "an unhashable key")

    def index(self, node, depth) -> int:
        """Checks an index; returns its length."""
        self.need(type(node) is dict, "bad index")
        tag = node.get("$")
        if tag == "RangeIndex":
            self.need(set(node) == {"$", "start", "stop", "step", "name"}, "bad RangeIndex")
            for k in ("start", "stop", "step"):
                self.number(node[k], integer=True)
            self.need(node["step"] != 0, "bad RangeIndex step")
            self.value(node["name"], depth + 1)
            length = len(range(node["start"], node["stop"], node["step"]))
            self.count(1)
            self.need(length <= MAX_ITEMS, "RangeIndex too long")
            return length
        if tag == "MultiIndex":
            self.need(
                set(node) == {"$", "levels", "codes", "names"}
                and type(node["levels"]) is list
                and type(node["codes"]) is list
                and type(node["names"]) is list
                and len(node["levels"]) == len(node["codes"]) == len(node["names"]) >= 1,
                "bad MultiIndex",
            )
            lengths = set()
            for level, codes in zip(node["levels"], node["codes"], strict=True):
                size = self.index(level, depth)
                self.need(type(codes) is list and all(type(c) is int and -1 <= c < size for c in codes), "bad codes")
                self.count(len(codes))
                lengths.add(len(codes))
            for name in node["names"]:
                self.value(name, depth + 1)
            self.need(len(lengths) == 1, "MultiIndex codes of different lengths")
            return lengths.pop()
        self.need(tag == "Index" and set(node) == {"$", "col", "name"}, "bad Index")
        self.value(node["name"], depth + 1)
        return self.column(node["col"], depth)

    def column(self, col, depth) -> int:
        """Checks a column; returns its length."""
        self.need(type(col) is dict and col.get("dtype") in _COLUMN_DTYPES, "bad column dtype")
        dtype = col["dtype"]
        if dtype == "category":
            self.need(
                set(col) == {"dtype", "ordered", "categories", "codes"}
                and type(col["ordered"]) is bool
                and type(col["codes"]) is list,
                "bad categorical column",
            )
            size = self.column(col["categories"], depth)
            self.need(all(type(c) is int and -1 <= c < size for c in col["codes"]), "bad categorical codes")
            self.count(len(col["codes"]))
            return len(col["codes"])
        if dtype == "string":
            self.need(
                set(col) == {"dtype", "storage", "na", "v"}
                and col["storage"] in ("python", "pyarrow")
                and col["na"] in ("NA", "nan")
                and type(col["v"]) is list,
                "bad string column",
            )
            self.need(all(v is None or type(v) is str for v in col["v"]), "bad string value")
            self.count(len(col["v"]) + sum(len(v) // 64 for v in col["v"] if v))
            return len(col["v"])
        values = col.get("v")
        expected = {"dtype", "v", "tz"} if dtype.startswith("datetime64") and "tz" in col else {"dtype", "v"}
        self.need(set(col) == expected and type(values) is list, "bad column")
        if "tz" in col:
            self.need(type(col["tz"]) is str and _TZ.match(col["tz"]), "bad time zone")
        self.count(len(values))
        if dtype == "object":
            for item in values:
                self.value(item, depth + 1)
        elif dtype in ("bool", "boolean"):
            self.need(all(type(v) is bool or (v is None and dtype == "boolean") for v in values), "bad bool column")
        elif dtype[0] in "iuIU" or dtype.startswith(("datetime64", "timedelta64")):
            nullable = dtype[0] in "IU" or dtype.startswith(("datetime64", "timedelta64"))
            self.need(all(type(v) is int or (v is None and nullable) for v in values), "bad integer column")
        else:  # floats
            self.need(
                all(
                    type(v) in (int, float) or v in ("nan", "inf", "-inf") or (v is None and dtype[0] == "F")
                    for v in values
                ),
                "bad float column",
            )
        return len(values)


def check(raw: bytes, test_id: str, required: list[str], optional: list[str], calls: dict[str, list[str]]) -> dict:
    """Validate one export file's content against what the test reads; return the canonical
    document (only those names, only well-formed values). Raises Invalid."""
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=lambda c: (_ for _ in ()).throw(Invalid(c)))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Invalid(f"export of {test_id} is not JSON: {type(exc).__name__}") from None
    checker = _Checker()
    checker.need(
        type(document) is dict and document.get("format") == FORMAT and document.get("test") == test_id,
        "wrong export header",
    )
    wanted = set(required) | set(optional)
    values, tables = document.get("values"), document.get("tables")
    missing, refused = document.get("missing"), document.get("refused")
    checker.need(
        type(values) is dict and type(tables) is dict and type(missing) is list and type(refused) is dict,
        "bad export layout",
    )
    clean = {"format": FORMAT, "test": test_id, "values": {}, "tables": {}, "missing": [], "refused": {}}
    try:
        for name, node in values.items():
            if name in wanted:
                checker.value(node)
                clean["values"][name] = node
        for name, table in tables.items():
            if name not in wanted or name not in calls:
                continue
            checker.need(type(table) is list, "bad table")
            rows = []
            for row in table:
                checker.need(
                    type(row) is list
                    and len(row) == 3
                    and type(row[0]) is str
                    and type(row[1]) is str
                    and row[1] in calls[name]
                    and type(row[2]) is dict,
                    "bad table row",
                )
                result = row[2]
                if "value" in result:
                    checker.need(set(result) == {"value"}, "bad result")
                    checker.value(result["value"])
                else:
                    checker.need(
                        set(result) == {"raised", "message"}
                        and type(result["raised"]) is str
                        and re.fullmatch(r"[A-Za-z]{1,40}", result["raised"]) is not None
                        and type(result["message"]) is str
                        and len(result["message"]) <= 500,
                        "bad raise",
                    )
                args, kwargs = _literal_call(row[1])
                checker.need(row[0] == call_key(args, kwargs), "call key does not match its arguments")
                rows.append(row)
            clean["tables"][name] = rows
    except RecursionError:
        raise Invalid(f"export of {test_id} is nested too deeply") from None
    clean["missing"] = [n for n in missing if type(n) is str and n in wanted and n not in clean["values"]]
    clean["refused"] = {n: m[:300] for n, m in refused.items() if n in required and type(m) is str}
    for name in required:
        if (
            name not in clean["values"]
            and name not in clean["tables"]
            and name not in clean["refused"]
            and name not in clean["missing"]
        ):
            clean["missing"].append(name)
    return clean


# --- 3. in the verdict kernel -----------------------------------------------------------------


def decode(node):
    """Rebuild a checked value (see `check`), with allow-listed constructors only."""
    tag = node["$"]
    v = node.get("v")
    if tag == "none":
        return None
    if tag in ("bool", "int", "str"):
        return v
    if tag == "float":
        return float(v)
    if tag == "list":
        return [decode(x) for x in v]
    if tag == "tuple":
        return tuple(decode(x) for x in v)
    if tag == "set":
        return {decode(x) for x in v}
    if tag == "frozenset":
        return frozenset(decode(x) for x in v)
    if tag == "dict":
        return {decode(k): decode(x) for k, x in v}
    if tag == "date":
        return _dt.date.fromisoformat(v)
    if tag == "datetime":
        return _dt.datetime.fromisoformat(v)
    if tag == "time":
        return _dt.time.fromisoformat(v)
    if tag == "timedelta":
        return _dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    import numpy as np
    import pandas as pd

    if tag == "np":
        dtype = node["dtype"]
        if dtype.startswith("datetime64"):
            return np.datetime64("NaT", dtype[11:-1]) if v is None else np.datetime64(v, dtype[11:-1])
        if dtype.startswith("timedelta64"):
            return np.timedelta64("NaT", dtype[12:-1]) if v is None else np.timedelta64(v, dtype[12:-1])
        if dtype == "bool":
            return np.bool_(v)
        return np.dtype(dtype).type(float(v) if dtype.startswith("float") else v)
    if tag == "NaT":
        return pd.NaT
    if tag == "NA":
        return pd.NA
    if tag == "Timestamp":
        stamp = pd.Timestamp(v, unit="ns", tz="UTC") if node["tz"] else pd.Timestamp(v, unit="ns")
        if node["tz"]:
            stamp = stamp.tz_convert(node["tz"])
        return stamp.as_unit(node["unit"])
    if tag == "Timedelta":
        return pd.Timedelta(v, unit="ns").as_unit(node["unit"])
    if tag == "ndarray":
        return np.asarray(_column(node["col"])).reshape(node["shape"])
    if tag == "Series":
        return pd.Series(_column(node["col"]), index=_index(node["index"]), name=decode(node["name"]), copy=False)
    if tag == "DataFrame":
        index = _index(node["index"])
        columns = _index(node["columns"])
        frame = pd.DataFrame(
            {i: pd.Series(_column(c), index=index, copy=False) for i, c in enumerate(node["cols"])}, index=index
        )
        frame.columns = columns
        return frame
    if tag in ("Index", "RangeIndex", "MultiIndex"):
        return _index(node)
    if tag == "Categorical":
        return _column(node["col"])
    raise Invalid(f"unknown tag {tag!r}")


def _index(node):
    import pandas as pd

    tag = node["$"]
    if tag == "RangeIndex":
        return pd.RangeIndex(node["start"], node["stop"], node["step"], name=decode(node["name"]))
    if tag == "MultiIndex":
        return pd.MultiIndex(
            levels=[_index(level) for level in node["levels"]],
            codes=node["codes"],
            names=[decode(n) for n in node["names"]],
        )
    return pd.Index(_column(node["col"]), name=decode(node["name"]), tupleize_cols=False)


def _column(col):
    """A numpy array or pandas extension array with the recorded dtype."""
    import numpy as np
    import pandas as pd

    dtype = col["dtype"]
    if dtype == "category":
        categories = _column(col["categories"])
        return pd.Categorical.from_codes(
            col["codes"], dtype=pd.CategoricalDtype(pd.Index(categories), ordered=col["ordered"])
        )
    if dtype == "string":
        kind = pd.StringDtype(col["storage"], na_value=pd.NA if col["na"] == "NA" else np.nan)
        return pd.array(col["v"], dtype=kind)
    values = col["v"]
    if dtype == "object":
        out = np.empty(len(values), dtype=object)
        for i, item in enumerate(values):
            out[i] = decode(item)
        return out
    if dtype in NULLABLE:
        if dtype.startswith("Float"):
            values = [None if x is None else float(x) for x in values]
        return pd.array(values, dtype=dtype)
    if dtype.startswith(("datetime64", "timedelta64")):
        kind, unit = dtype.split("[")
        unit = unit[:-1]
        ints = np.array([np.iinfo("int64").min if x is None else x for x in values], dtype="int64")
        array = ints.view(f"{kind}[{unit}]")
        if col.get("tz"):
            return pd.array(pd.DatetimeIndex(array).tz_localize("UTC").tz_convert(col["tz"]))
        return array
    if dtype.startswith("float"):
        return np.array([float(x) for x in values], dtype=dtype)
    return np.array(values, dtype=dtype)


class RecordedFunction:
    """Stands in for a student's function in the verdict kernel: the results it gave, in the
    student's kernel, for the arguments the test uses. Any other call is an error."""

    def __init__(self, name: str, rows: list) -> None:
        self.__name__ = self.__qualname__ = name
        self._rows = {key: (arguments, result) for key, arguments, result in rows}

    def __call__(self, *args, **kwargs):
        key = call_key(args, kwargs)
        if key not in self._rows:
            raise LookupError(
                f"{self.__name__} was not called with these arguments when the answers were "
                "collected (the test must call it with literal arguments, or declare them)"
            )
        arguments, result = self._rows[key]
        if "value" in result:
            return decode(result["value"])
        import builtins

        kind = getattr(builtins, result["raised"], None)
        if not (isinstance(kind, type) and issubclass(kind, Exception)):
            kind = RuntimeError
        raise kind(f"{self.__name__}({arguments}) raised {result['raised']}: {result['message']}")

    def __repr__(self) -> str:
        return f"<function {self.__name__} (its results on the test's arguments)>"


def load(namespace: dict, path: str, test_id: str) -> None:
    """In the verdict kernel, just before the test: bind the names it reads to the student's values."""
    with open(path, encoding="utf-8") as file:
        documents = json.load(file)
    document = documents[test_id]
    for name in [*document["missing"], *document["values"], *document["tables"]]:
        namespace.pop(name, None)
    for name, node in document["values"].items():
        try:
            namespace[name] = decode(node)
        except (ValueError, TypeError, OverflowError, KeyError) as exc:
            raise ValueError(
                f"`{name}` could not be rebuilt for checking ({type(exc).__name__}): store a plain value"
            ) from None
    for name, rows in document["tables"].items():
        namespace[name] = RecordedFunction(name, rows)
