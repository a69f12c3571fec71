"""Hostile third-party templates: without `--trust`, and under `--dry-run`, nothing of theirs runs.

Each template of the corpus tries one way to run code or to write outside the project: Jinja
reaching Python internals (in a default, a file, a file name), a nested sub-template's
extension, a module named like one the renderer imports, a `../` slug, a symlink out of the
template, a `-d` answer written as Jinja, Copier's `expandvars`. Every one is run with the
real CLI; the proof is a marker file that must never appear and a snapshot of everything
outside the destination that must not change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_helpers import assert_one_line_error, run_cli
from tests.conftest import git

ESCAPE = "{{ cycler.__init__.__globals__.os.system(cookiecutter.cmd) }}"
LAZY_MODULES = ("binaryornot", "slugify", "arrow", "chardet", "text_unidecode", "markupsafe")


def _cookiecutter(root: Path, context: dict, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "cookiecutter.json").write_text(json.dumps(context))
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _base(marker: Path) -> dict:
    return {"project_name": "Hostile", "project_slug": "hostile", "cmd": f"touch {marker}"}


def default_escape(root: Path, marker: Path) -> Path:
    context = _base(marker) | {"description": ESCAPE}
    return _cookiecutter(root, context, {"{{ cookiecutter.project_slug }}/README.md": "hi\n"})


def content_escape(root: Path, marker: Path) -> Path:
    files = {"{{ cookiecutter.project_slug }}/README.md": f"# x\n{ESCAPE}\n"}
    return _cookiecutter(root, _base(marker), files)


def filename_escape(root: Path, marker: Path) -> Path:
    files = {"{{ cookiecutter.project_slug }}/" + ESCAPE + ".txt": "x\n"}
    return _cookiecutter(root, _base(marker), files)


def private_dunder_escape(root: Path, marker: Path) -> Path:
    context = _base(marker) | {"__computed": ESCAPE}
    return _cookiecutter(root, context, {"{{ cookiecutter.project_slug }}/README.md": "hi\n"})


def nested_extension(root: Path, marker: Path) -> Path:
    outer = {"templates": {"evil": {"path": "./sub", "title": "Evil", "description": "x"}}}
    _cookiecutter(root, outer, {})
    inner = _base(marker) | {"_extensions": ["evil_ext.Evil"]}
    _cookiecutter(
        root / "sub",
        inner,
        {
            "{{ cookiecutter.project_slug }}/README.md": "hi\n",
            "evil_ext.py": f"open({str(marker)!r}, 'w').close()\n",
        },
    )
    return root


def nested_hook(root: Path, marker: Path) -> Path:
    outer = {"templates": {"evil": {"path": "./sub"}}}
    _cookiecutter(root, outer, {})
    _cookiecutter(
        root / "sub",
        _base(marker),
        {
            "{{ cookiecutter.project_slug }}/README.md": "hi\n",
            "hooks/pre_gen_project.py": f"open({str(marker)!r}, 'w').close()\n",
        },
    )
    return root


def shadowing_modules(root: Path, marker: Path) -> Path:
    files = {"{{ cookiecutter.project_slug }}/README.md": "{{ cookiecutter.project_name }}\n"}
    files |= {f"{name}.py": f"open({str(marker)!r}, 'w').close()\n" for name in LAZY_MODULES}
    files |= {f"{name}/__init__.py": "" for name in ("cookiecutter_ext",)}
    return _cookiecutter(root, _base(marker), files)


def slug_escape(root: Path, marker: Path) -> Path:
    context = _base(marker) | {"module": "../../" + marker.name}
    files = {"{{ cookiecutter.project_slug }}/{{ cookiecutter.module }}/x.txt": "x\n"}
    return _cookiecutter(root, context, files)


def absolute_name(root: Path, marker: Path) -> Path:
    context = _base(marker) | {"module": str(marker)}
    files = {"{{ cookiecutter.project_slug }}/{{ cookiecutter.module }}": "x\n"}
    return _cookiecutter(root, context, files)


def symlink_out(root: Path, marker: Path) -> Path:
    template = _cookiecutter(
        root, _base(marker), {"{{ cookiecutter.project_slug }}/README.md": "hi\n"}
    )
    secret = root.parent / "secret.txt"
    secret.write_text("the user's secret\n")
    (template / "{{ cookiecutter.project_slug }}" / "stolen.txt").symlink_to(secret)
    return template


def env_vars_escape(root: Path, marker: Path) -> Path:
    context = _base(marker) | {"_jinja2_env_vars": {"finalize": "os.system"}}
    return _cookiecutter(root, context, {"{{ cookiecutter.project_slug }}/README.md": "hi\n"})


def copier_expandvars(root: Path, marker: Path) -> Path:
    root.mkdir(parents=True)
    (root / "copier.yml").write_text(
        "project_name:\n  type: str\n  default: x\n"
        "home:\n  type: str\n  default: \"{{ '$HOME' | expandvars }}\"\n"
    )
    (root / "README.md.jinja").write_text("{{ home }} {{ '*' | fileglob }}\n")
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "t", cwd=root)
    return root


REFUSED: dict[str, Callable[[Path, Path], Path]] = {
    "default": default_escape,
    "content": content_escape,
    "file name": filename_escape,
    "computed variable": private_dunder_escape,
    "nested extension": nested_extension,
    "nested hook": nested_hook,
    "slug with ../": slug_escape,
    "absolute name": absolute_name,
    "symlink out": symlink_out,
    "jinja2 env vars": env_vars_escape,
    "copier expandvars": copier_expandvars,
}


def _snapshot(root: Path, skip: Path) -> dict[str, tuple[int, bytes]]:
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if Path(folder, d) != skip]
        for name in dirs + files:
            path = Path(folder, name)
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
            found[str(path.relative_to(root))] = (path.lstat().st_mode, data)
    return found


@pytest.mark.parametrize("dry_run", [False, True], ids=["render", "dry-run"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_template_runs_nothing_and_writes_nothing_outside(
    tmp_path: Path, case: str, dry_run: bool
) -> None:
    marker = tmp_path / "outside" / "MARKER"
    marker.parent.mkdir()
    template = REFUSED[case](tmp_path / "template", marker)
    work = tmp_path / "work"
    work.mkdir()
    dest = work / "dest"
    before = _snapshot(tmp_path, dest)
    args = ["new", str(dest), "--template", str(template), "--defaults", "--no-setup"]
    done = run_cli(*args, *(["--dry-run"] if dry_run else []), cwd=work)
    assert_one_line_error(done, 2)  # refused, as every untrusted feature is
    assert not marker.exists(), done.stderr
    assert _snapshot(tmp_path, dest) == before
    assert not dest.exists()
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("dry_run", [False, True], ids=["render", "dry-run"])
def test_modules_in_the_template_folder_are_never_imported(tmp_path: Path, dry_run: bool) -> None:
    marker = tmp_path / "outside" / "MARKER"
    marker.parent.mkdir()
    template = shadowing_modules(tmp_path / "template", marker)
    dest = tmp_path / "dest"
    args = ["new", str(dest), "--template", str(template), "--defaults", "--no-setup"]
    done = run_cli(*args, *(["--dry-run"] if dry_run else []), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    if not dry_run:
        assert (dest / "README.md").read_text() == "dest\n"


def test_data_answers_are_values_never_jinja(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    template = _cookiecutter(
        tmp_path / "template",
        {"project_name": "x", "project_slug": "{{ cookiecutter.project_name }}", "cmd": "true"},
        {"{{ cookiecutter.project_slug }}/README.md": "{{ cookiecutter.project_name }}\n"},
    )
    answer = "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}{{ 7*7 }}"
    dest = tmp_path / "dest"
    done = run_cli(
        "new",
        str(dest),
        "--template",
        str(template),
        "--defaults",
        "--no-setup",
        "-d",
        f"project_name={answer}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert (dest / "README.md").read_text() == answer + "\n"
    assert not marker.exists()


def test_destination_named_like_jinja_is_a_name(tmp_path: Path) -> None:
    template = _cookiecutter(
        tmp_path / "template",
        {"project_name": "x", "project_slug": "{{ cookiecutter.project_name }}"},
        {"{{ cookiecutter.project_slug }}/README.md": "{{ cookiecutter.project_name }}\n"},
    )
    dest = tmp_path / "{{ 7*7 }}"
    done = run_cli(
        "new", str(dest), "--template", str(template), "--defaults", "--no-setup", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (dest / "README.md").read_text() == "{{ 7*7 }}\n"
    assert not (tmp_path / "49").exists()
