"""Packaging metadata stays consistent: Briefcase's settings match the install metadata."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def load(name):
    return tomllib.loads((ROOT / name).read_text())


def test_briefcase_matches_pyproject():
    project = load("pyproject.toml")["project"]
    brief = load("briefcase.toml")["tool"]["briefcase"]
    app = brief["app"]["suricate_desktop"]
    assert brief["version"] == project["version"]
    assert sorted(app["requires"]) == sorted(project["dependencies"])
    assert sorted(app["test_requires"]) == sorted(project["optional-dependencies"]["test"])
    for req in app["requires"]:
        Requirement(req)  # each is a valid requirement
    for source in app["sources"] + app["test_sources"]:
        assert (ROOT / source).is_dir()
    assert (ROOT / brief["license"]["file"]).is_file()
    assert all((ROOT / f"{app['icon']}-{size}.png").is_file() for size in (16, 32, 64, 128, 256, 512))


def test_entry_points_resolve():
    import importlib

    scripts = load("pyproject.toml")["project"]
    for target in [*scripts["scripts"].values(), *scripts["gui-scripts"].values()]:
        module, func = target.split(":")
        assert callable(getattr(importlib.import_module(module), func))


def test_top_level_layout():
    for name in ("suricate_desktop", "resources", "ui", "tests", "docs", "bench"):
        assert (ROOT / name).is_dir(), name
    for name in ("pyproject.toml", "briefcase.toml", "README.md", ".ci/run", "docs/ARCHITECTURE.md",
                 "docs/message-schema.md"):
        assert (ROOT / name).is_file(), name


def test_every_resource_folder_is_installed():
    """A wheel carries ui/ and resources/ as data files: each folder must be listed (globs do not recurse)."""
    data_files = load("pyproject.toml")["tool"]["setuptools"]["data-files"]
    patterns = {p for globs in data_files.values() for p in globs}
    folders = {f.parent for f in (ROOT / "resources").rglob("*") if f.is_file()} | {ROOT / "ui"}
    for folder in folders:
        rel = folder.relative_to(ROOT)
        assert any(p.startswith(f"{rel}/") and "/" not in p[len(str(rel)) + 1:] for p in patterns), rel
