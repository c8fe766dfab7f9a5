"""Do pyproject.toml and environment.yml list the same packages with the same bounds?"""

from __future__ import annotations

import re
import tomllib

import yaml

from course.paths import course_root

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


CONDA_NAMES = {"psycopg2-binary": "psycopg2"}  # the same library under its conda-forge name


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
    assert pip == conda, (f"only in pyproject.toml: { {k: v for k, v in pip.items() if conda.get(k) != v} }; "
                          f"only in environment.yml: { {k: v for k, v in conda.items() if pip.get(k) != v} }")


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
