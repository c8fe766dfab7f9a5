"""Which names a test cell reads from the notebook, found from its code.

The verdict kernel (course.autograder.verdict) runs a test cell on plain-data copies of the
student's values; this module decides which values. A test cell "reads" a name when some statement
loads it at a point where the cell itself has not yet bound it (at module level, or from inside a
function, lambda or comprehension that does not bind it locally). Names the instructor's setup
cells define, Python's builtins and IPython's own (`get_ipython`, `In`, `Out`...) are not exported:
the verdict kernel has its own, pristine ones.

Two kinds of read:
- required: loaded before any binding in the cell. If the student's value cannot be exported as
  data, the test fails with a message saying why.
- optional: loaded somewhere, but also bound somewhere in the cell (a loop variable, a name
  assigned in one branch). Exported when possible, silently skipped when not.

Calls: for each read name, the calls the test makes to it with literal arguments (`double(3)`).
An answer that is a function is exported as the table of its results on exactly those arguments,
computed in the student's kernel. Calls with computed arguments cannot be tabled; the instructor
declares them instead in the test cell's metadata: {"course": {"calls": {"double": ["3", "x=-2"]}}}
(each a Python argument list as text), or lists the names to export: {"course": {"reads": [...]}}.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

# IPython's own names in every user namespace: never the student's to provide
IPYTHON_NAMES = frozenset(
    {
        "get_ipython",
        "exit",
        "quit",
        "In",
        "Out",
        "_ih",
        "_oh",
        "_dh",
        "_",
        "__",
        "___",
        "_i",
        "_ii",
        "_iii",
        "display",
        "__builtins__",
        "__name__",
        "__doc__",
    }
)
BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass
class Reads:
    required: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    calls: dict[str, list[str]] = field(default_factory=dict)  # name -> argument lists as source text
    uncallable: dict[str, str] = field(default_factory=dict)  # name -> a call site with computed arguments

    @property
    def names(self) -> list[str]:
        return self.required + self.optional


def _targets(node: ast.AST) -> set[str]:
    """Names bound by an assignment target (tuples, starred, not attributes or subscripts)."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, (ast.Tuple, ast.List)):
        return set().union(*(_targets(e) for e in node.elts)) if node.elts else set()
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return set()


def _scope_locals(node: ast.AST) -> set[str]:
    """Names local to a function, lambda or comprehension (approximately: parameters, and names
    stored anywhere in its own body, not counting nested scopes or `global` declarations)."""
    bound: set[str] = set()
    declared_global: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
            if arg is not None:
                bound.add(arg.arg)
        body = node.body if isinstance(node.body, list) else [node.body]
    else:  # comprehension
        for gen in node.generators:
            bound |= _targets(gen.target)
        body = [node.elt] if not isinstance(node, ast.DictComp) else [node.key, node.value]
        body += [cond for gen in node.generators for cond in gen.ifs]
    stack = list(body)
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Global):
            declared_global |= set(n.names)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            bound.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
            continue
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            continue
        stack.extend(ast.iter_child_nodes(n))
    return bound - declared_global


def _loads(node: ast.AST, shadowed: frozenset[str] = frozenset()) -> list[ast.Name]:
    """Name loads in `node` that resolve to the module's namespace, nested scopes included."""
    found: list[ast.Name] = []
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and node.id not in shadowed:
            found.append(node)
        return found
    if isinstance(
        node,
        (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp),
    ):
        inner = shadowed | _scope_locals(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:  # evaluated in the enclosing scope
                found += _loads(deco, shadowed)
            for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]:
                found += _loads(default, shadowed)
            for stmt in node.body:
                found += _loads(stmt, inner)
            return found
        if isinstance(node, ast.Lambda):
            for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]:
                found += _loads(default, shadowed)
            return found + _loads(node.body, inner)
        first, *rest = node.generators  # the first iterable is evaluated in the enclosing scope
        found += _loads(first.iter, shadowed)
        for cond in first.ifs:
            found += _loads(cond, inner)
        for gen in rest:
            found += _loads(gen.iter, inner) + [n for c in gen.ifs for n in _loads(c, inner)]
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            found += _loads(part, inner)
        return found
    for child in ast.iter_child_nodes(node):
        found += _loads(child, shadowed)
    return found


def _module_bindings(stmt: ast.stmt) -> set[str]:
    """Names a module-level statement binds in the module namespace (branches included)."""
    bound: set[str] = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
            continue
        if isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            continue
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in n.names if a.name != "*"}
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            bound.add(n.id)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.NamedExpr):
            bound |= _targets(n.target)
        stack.extend(ast.iter_child_nodes(n))
    return bound


def _walk_statements(body: list[ast.stmt], bound: set[str], first_read: dict[str, bool]) -> None:
    """In statement order: record each module-level read (required when nothing bound it yet),
    then the statement's bindings. Compound statements are entered so that a loop's target is
    bound before its body reads it."""
    for stmt in body:
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            _note(_loads(stmt.iter), bound, first_read)
            bound |= _targets(stmt.target)
            _walk_statements(stmt.body, bound, first_read)
            _walk_statements(stmt.orelse, bound, first_read)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                _note(_loads(item.context_expr), bound, first_read)
                if item.optional_vars is not None:
                    bound |= _targets(item.optional_vars)
            _walk_statements(stmt.body, bound, first_read)
        elif isinstance(stmt, (ast.If, ast.While)):
            _note(_loads(stmt.test), bound, first_read)
            _walk_statements(stmt.body, bound, first_read)
            _walk_statements(stmt.orelse, bound, first_read)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            _walk_statements(stmt.body, bound, first_read)
            for handler in stmt.handlers:
                if handler.type is not None:
                    _note(_loads(handler.type), bound, first_read)
                if handler.name:
                    bound.add(handler.name)
                _walk_statements(handler.body, bound, first_read)
            _walk_statements(stmt.orelse, bound, first_read)
            _walk_statements(stmt.finalbody, bound, first_read)
        else:
            _note(_loads(stmt), bound, first_read)
            bound |= _module_bindings(stmt)


def _note(names: list[ast.Name], bound: set[str], first_read: dict[str, bool]) -> None:
    for node in names:
        first_read.setdefault(node.id, node.id not in bound)


def cell_reads(source: str, provided: set[str] | frozenset[str] = frozenset()) -> Reads:
    """The names `source` reads from the notebook, less `provided` (the setup's names), builtins
    and IPython's names; with the literal calls made to each."""
    import IPython.core.inputtransformer2 as it2

    python = it2.TransformerManager().transform_cell(source)  # %magics and !shell lines as Python
    tree = ast.parse(python)
    first_read: dict[str, bool] = {}
    bound_anywhere = set().union(*(_module_bindings(s) for s in tree.body)) if tree.body else set()
    _walk_statements(tree.body, set(), first_read)
    skip = set(provided) | BUILTIN_NAMES | IPYTHON_NAMES
    reads = Reads()
    for name, before_binding in first_read.items():
        if name in skip or not before_binding:  # not before_binding: the cell's own variable
            continue
        (reads.optional if name in bound_anywhere else reads.required).append(name)
    wanted = set(reads.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in wanted:
            try:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    ast.literal_eval(arg)
                if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                    raise ValueError("unpacking")
            except ValueError:
                reads.uncallable.setdefault(node.func.id, ast.get_source_segment(python, node) or node.func.id)
                continue
            text = ", ".join(
                [ast.get_source_segment(python, a) for a in node.args]
                + [f"{k.arg}={ast.get_source_segment(python, k.value)}" for k in node.keywords]
            )
            calls = reads.calls.setdefault(node.func.id, [])
            if text not in calls:
                calls.append(text)
    return reads


def defined_names(source: str) -> set[str]:
    """Every name a (setup) cell binds at module level."""
    import IPython.core.inputtransformer2 as it2

    tree = ast.parse(it2.TransformerManager().transform_cell(source))
    names: set[str] = set()
    for stmt in tree.body:
        names |= _module_bindings(stmt)
    return names
