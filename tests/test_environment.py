"""Do pyproject.toml and environment.yml list the same packages with the same bounds?"""

from __future__ import annotations

import re
import tomllib

import yaml

from course.paths import course_root

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


CONDA_NAMES = {"psycopg2-binary": "psycopg2"}  # the same library under its conda-forge name
PYPI_NAMES = {"psycopg2": "psycopg2-binary"}


def _normalise(name: str) -> str:
    name = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_NAMES.get(name, name)


def _split(requirement: str) -> tuple[str, str]:
    name, spec = REQUIREMENT.match(requirement.split("#")[0]).groups()
    return _normalise(name), ",".join(sorted(s.strip() for s in spec.split(",") if s.strip()))


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((course_root() / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in requirements) | {"python": ",".join(sorted([project["requires-python"]]))}


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((course_root() / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str) and _split(d)[0] != "pip"]
    return dict(_split(d) for d in specs)


def test_same_packages_and_bounds():
    pip, conda = pyproject_requirements(), conda_requirements()
    assert pip == conda, (
        f"only in pyproject.toml: { {k: v for k, v in pip.items() if conda.get(k) != v} }; "
        f"only in environment.yml: { {k: v for k, v in conda.items() if pip.get(k) != v} }"
    )


def test_environment_installs_the_course_package():
    env = yaml.safe_load((course_root() / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip_section


def test_every_bound_is_two_sided():
    """Is every dependency capped below its next major version, so a new major cannot break a class mid-term?"""
    for name, spec in pyproject_requirements().items():
        if name == "python":
            continue
        assert ">=" in spec and "<" in spec.replace("<=", ""), f"{name}: give a lower and an upper bound ({spec!r})"


def test_the_installed_versions_are_within_the_declared_bounds():
    """The bounds are the ones the suite runs against: every declared package is installed at a
    version its bounds admit (a lower bound above what was tested would otherwise go unnoticed)."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.specifiers import SpecifierSet

    outside = {}
    for name, spec in pyproject_requirements().items():
        if name == "python":
            continue
        distribution = PYPI_NAMES.get(name, name)
        try:
            installed = version(distribution)
        except PackageNotFoundError:
            outside[name] = "not installed"
            continue
        if installed not in SpecifierSet(spec):
            outside[name] = f"{installed} not in {spec}"
    assert not outside, outside


def test_every_direct_import_is_declared():
    """A package the course's code imports must be one of its declared dependencies."""
    import ast
    import sys

    declared = {name.replace("-", "_") for name in pyproject_requirements()} | {"psycopg2", "zmq", "yaml", "IPython"}
    aliases = {"zmq": "pyzmq", "yaml": "pyyaml", "IPython": "ipython", "ipykernel_launcher": "ipykernel"}
    found = set()
    for path in (course_root() / "course").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    third_party = {
        name for name in found if name not in sys.stdlib_module_names and name not in ("course", "__future__")
    }
    undeclared = {
        name
        for name in third_party
        if aliases.get(name, name).replace("-", "_").lower() not in {d.lower() for d in declared}
    }
    assert not undeclared, f"declare these in pyproject.toml and environment.yml: {sorted(undeclared)}"


def test_every_package_folder_is_a_regular_package():
    """setuptools installs only folders with an __init__.py: without one, a non-editable install
    (a JupyterHub image) would leave that part of the course out."""
    missing = [
        str(folder.relative_to(course_root()))
        for folder in (course_root() / "course").rglob("*")
        if folder.is_dir()
        and folder.name != "__pycache__"
        and any(folder.glob("*.py"))
        and not (folder / "__init__.py").is_file()
    ]
    assert not missing, f"add an __init__.py to {missing}"
