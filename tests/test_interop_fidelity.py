"""Trusted cookiecutter templates render exactly as plain cookiecutter renders them.

One fixture template uses what real templates use: a nested choice of sub-templates, a binary
file, `_copy_without_render`, CRLF line endings, `{% include %}` from `templates/`, a dict
variable, `_` and `__` variables, file modes, a file whose name renders empty, and hooks that
record the absolute project path. Ours (`new --trust`) and cookiecutter's own API render it with
the same answers; the trees must be byte-identical, and the recorded path must be the folder
the project lives in (no staging folder that is moved afterwards).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli_helpers import assert_one_line_error, run_cli

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(64)


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_bytes(data.encode())


def make_nested_template(root: Path) -> Path:
    _write(
        root / "cookiecutter.json",
        json.dumps(
            {
                "templates": {
                    "lib": {"path": "./lib", "title": "Library", "description": "a package"},
                    "app": {"path": "./app", "title": "App", "description": "an app"},
                }
            }
        ),
    )
    for kind in ("lib", "app"):
        base = root / kind
        context = {
            "project_name": f"My {kind.title()}",
            "project_slug": "{{ cookiecutter.project_name.lower().replace(' ', '_') }}",
            "license": ["MIT", "BSD"],
            "with_docs": "no",
            "settings": {"level": "{{ cookiecutter.license }}", "n": 3},
            "_copy_without_render": ["raw/*", "*.keep"],
            "_private": "p",
            "__pkg": "{{ cookiecutter.project_slug }}_pkg",
        }
        _write(base / "cookiecutter.json", json.dumps(context))
        project = base / "{{ cookiecutter.project_slug }}"
        _write(
            project / "README.md",
            "# {{ cookiecutter.project_name }}\r\n{% include 'footer.txt' %}\r\n"
            "{{ cookiecutter.settings.level }} {{ cookiecutter.__pkg }} "
            "{{ cookiecutter._private }} {{ cookiecutter | jsonify }}\r\n",
        )
        _write(base / "templates" / "footer.txt", "kind={{ cookiecutter.license }}")
        _write(
            project / "{{ cookiecutter.__pkg }}" / "__init__.py",
            '"""{{ kind }}"""\n'.replace("{{ kind }}", kind),
        )
        _write(project / "logo.png", PNG)
        _write(project / "raw" / "left.txt", "{{ not rendered }}\n")
        _write(project / "notes.keep", "{{ kept }}\n")
        _write(project / "{% if cookiecutter.with_docs == 'yes' %}docs.md{% endif %}", "docs\n")
        script = project / "run.sh"
        _write(script, "#!/bin/sh\necho {{ cookiecutter.project_slug }}\n")
        script.chmod(0o755)
        _write(
            base / "hooks" / "post_gen_project.py",
            "import os\nfrom pathlib import Path\n"
            "Path('WHERE').write_text(os.getcwd() + '\\n')\n"
            "Path('bootstrap').mkdir()\n"
            "Path('bootstrap', 'link').symlink_to(Path(os.getcwd(), 'README.md'))\n",
        )
    return root


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = (0, os.readlink(path).encode())
        elif path.is_file():
            found[rel] = (path.stat().st_mode & 0o777, path.read_bytes())
    return found


@pytest.mark.parametrize("choice", ["lib", "app"])
def test_trusted_nested_template_renders_as_cookiecutter_does(tmp_path: Path, choice: str) -> None:
    from cookiecutter.main import cookiecutter

    template = make_nested_template(tmp_path / "template")
    ours_parent = tmp_path / "ours"
    ours_parent.mkdir()
    answers = {"project_name": "Data Thing", "license": "BSD"}
    done = run_cli(
        "new",
        "--template",
        str(template),
        "--trust",
        "--defaults",
        "--no-setup",
        "-d",
        f"template={choice}",
        *[arg for key, value in answers.items() for arg in ("-d", f"{key}={value}")],
        cwd=ours_parent,
    )
    assert done.returncode == 0, done.stderr
    ours = ours_parent / "data_thing"

    theirs_parent = tmp_path / "theirs"
    config = tmp_path / "cc-config.yml"
    config.write_text(f"cookiecutters_dir: {tmp_path / 'cc'}\nreplay_dir: {tmp_path / 'replay'}\n")
    # Plain cookiecutter asks the nested choice itself; its no-input pick is the first one.
    theirs = Path(
        cookiecutter(
            str(template / choice),
            no_input=True,
            extra_context=answers,
            output_dir=str(theirs_parent),
            config_file=str(config),
        )
    )
    # The hook records where the project is: each render, its own final folder.
    assert (ours / "WHERE").read_text() == f"{ours}\n"
    assert (theirs / "WHERE").read_text() == f"{theirs}\n"
    assert (ours / "bootstrap" / "link").resolve() == ours / "README.md"
    mine, reference = _tree(ours), _tree(theirs)
    for tree, where in ((mine, ours), (reference, theirs)):
        del tree["WHERE"]
        assert tree.pop("bootstrap/link") == (0, str(where / "README.md").encode())
    # `_template`, `_repo_dir`, `_output_dir` name where each was run from.
    readme_ours = mine.pop("README.md")[1].decode()
    readme_theirs = reference.pop("README.md")[1].decode()
    assert readme_ours.split("{")[0] == readme_theirs.split("{")[0]
    ours_json = json.loads("{" + readme_ours.split("{", 1)[1].rsplit("}", 1)[0] + "}")
    theirs_json = json.loads("{" + readme_theirs.split("{", 1)[1].rsplit("}", 1)[0] + "}")
    for key in ("_template", "_output_dir", "_repo_dir"):
        ours_json.pop(key), theirs_json.pop(key)
    assert ours_json == theirs_json
    assert "\r\n" in readme_ours and readme_ours.count("\r\n") == readme_theirs.count("\r\n")
    assert mine == reference
    assert (ours / "logo.png").read_bytes() == PNG
    assert (ours / "raw" / "left.txt").read_text() == "{{ not rendered }}\n"
    assert not any(p.name.startswith(".mlops-scaffold") for p in ours_parent.iterdir())


def test_trusted_pre_prompt_hook_runs_on_a_copy_before_the_questions(tmp_path: Path) -> None:
    template = tmp_path / "template"
    _write(template / "cookiecutter.json", json.dumps({"project_slug": "demo"}))
    _write(template / "{{ cookiecutter.project_slug }}" / "README.md", "{{ cookiecutter.extra }}\n")
    _write(
        template / "hooks" / "pre_prompt.py",
        "import json\nfrom pathlib import Path\n"
        "data = json.loads(Path('cookiecutter.json').read_text())\n"
        "data['extra'] = 'added by pre_prompt'\n"
        "Path('cookiecutter.json').write_text(json.dumps(data))\n",
    )
    before = (template / "cookiecutter.json").read_bytes()
    done = run_cli(
        "new", "--template", str(template), "--trust", "--defaults", "--no-setup", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "demo" / "README.md").read_text() == "added by pre_prompt\n"
    assert (template / "cookiecutter.json").read_bytes() == before  # ran on a copy


EXTENSION = """\
from jinja2.ext import Extension


def git_user_name(default):
    return "Ext " + (default or "Nobody")


class GitFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["git_user_name"] = git_user_name
"""
EXTENSIONS_COPIER_YML = """\
_jinja_extensions:
  - fixture_filters.GitFilters
_envops:
  keep_trailing_newline: true
  trim_blocks: true
project_name:
  type: str
  default: "{{ _folder_name }}"
author:
  type: str
  default: "{{ 'Ada' | git_user_name }}"
features:
  type: str
  help: What to include.
  multiselect: true
  choices: [docs, ci, docker]
  default: [docs, docker]
"""
EXTENSIONS_README = (
    "# {{ project_name }}\n"
    "by {{ author }}\n"
    "{% for feature in features %}\n"
    "- {{ feature }}\n"
    "{% endfor %}\n"
)


def make_extensions_template(root: Path, library: Path) -> Path:
    from tests.conftest import git

    library.mkdir(parents=True)
    (library / "fixture_filters.py").write_text(EXTENSION)
    root.mkdir(parents=True)
    (root / "copier.yml").write_text(EXTENSIONS_COPIER_YML)
    (root / "README.md.jinja").write_text(EXTENSIONS_README)
    (root / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "template", cwd=root)
    git("tag", "v1.0.0", cwd=root)
    return root


@pytest.mark.parametrize(
    "data",
    [[], ["-d", "features=ci,docs"], ["-d", "features=[docker]", "-d", "author=Grace"]],
    ids=["defaults", "comma-list", "yaml-list"],
)
def test_copier_extensions_and_multiselect_render_as_copier_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: list[str]
) -> None:
    import copier
    import yaml

    library = tmp_path / "site"
    template = make_extensions_template(tmp_path / "template", library)
    monkeypatch.setenv("PYTHONPATH", str(library))
    monkeypatch.syspath_prepend(str(library))
    ours = tmp_path / "ours" / "demo"
    args = ["new", str(ours), "--template", str(template), "--defaults", "--no-setup"]
    refused = run_cli(*args, *data)
    assert refused.returncode == 2 and "Jinja extensions" in refused.stderr
    done = run_cli(*args, *data, "--trust")
    assert done.returncode == 0, done.stderr

    given: dict[str, object] = {}
    for item in data[1::2]:
        key, value = item.split("=", 1)
        given[key] = yaml.safe_load(value) if value.startswith("[") else value.split(",")
        if key == "author":
            given[key] = value
    theirs = tmp_path / "theirs" / "demo"
    copier.run_copy(
        str(template),
        str(theirs),
        data=given,
        defaults=True,
        unsafe=True,
        quiet=True,
        settings=copier.Settings(defaults={}, trust=[]),
    )
    assert _tree(ours) == _tree(theirs)
    readme = (ours / "README.md").read_text()
    assert readme.startswith("# demo\nby ")
    if not data:
        assert "by Ext Ada\n" in readme and "- docs\n- docker\n" in readme


CCDS_JSON = {
    "project_name": "project_name",
    "repo_name": "{{ cookiecutter.project_name.lower().replace(' ', '_') }}",
    "module_name": "{{ cookiecutter.project_name.lower().replace(' ', '_').replace('-', '_') }}",
    "author_name": "Your name",
    "description": "A short description of the project.",
    "python_version_number": "3.10",
    "dataset_storage": [
        {"none": "none"},
        {"azure": {"container": "container-name"}},
        {"s3": {"bucket": "bucket-name", "aws_profile": "default"}},
    ],
    "environment_manager": ["virtualenv", "conda", "uv"],
    "open_source_license": ["No license file", "MIT", "BSD-3-Clause"],
    "__computed": "{{ cookiecutter.module_name }}",
}
CCDS_README = """\
# {{ cookiecutter.project_name }} ({{ cookiecutter.module_name }})
{{ cookiecutter.description }} / {{ cookiecutter.environment_manager }}
{% if cookiecutter.dataset_storage.s3 %}s3://{{ cookiecutter.dataset_storage.s3.bucket }} \
({{ cookiecutter.dataset_storage.s3.aws_profile }}){% endif %}
{%- if cookiecutter.dataset_storage.none %}no storage{% endif %}
undefined renders empty: [{{ cookiecutter.nothing_here }}] raw: {{ cookiecutter.__computed }}
"""
CCDS_HOOK = """\
from pathlib import Path
Path("STORAGE").write_text("{{ cookiecutter.dataset_storage.azure }}|{{ cookiecutter.repo_name }}")
"""


def make_ccds_template(root: Path) -> Path:
    _write(root / "ccds.json", json.dumps(CCDS_JSON, indent=4))
    # What CCDS v2 ships for plain cookiecutter users: a pointer to `ccds`.
    _write(root / "cookiecutter.json", json.dumps({"DEPRECATED": "use the ccds command"}))
    project = root / "{{ cookiecutter.repo_name }}"
    _write(project / "README.md", CCDS_README)
    _write(project / "{{ cookiecutter.module_name }}" / "__init__.py", "")
    _write(root / "hooks" / "post_gen_project.py", CCDS_HOOK)
    return root


def test_ccds_json_template_renders_as_the_ccds_command_does(tmp_path: Path) -> None:
    import subprocess
    import sys

    template = make_ccds_template(tmp_path / "ccds-template")
    ours_parent = tmp_path / "ours"
    ours_parent.mkdir()
    base = ["new", "--template", str(template), "--defaults", "--no-setup"]
    done = run_cli(*base, "--trust", "-d", "project_name=Churn Model", cwd=ours_parent)
    assert done.returncode == 0, done.stderr
    assert "DEPRECATED" not in done.stdout
    ours = ours_parent / "churn_model"

    theirs_parent = tmp_path / "theirs"
    config = tmp_path / "cc-config.yml"
    config.write_text(f"cookiecutters_dir: {tmp_path / 'cc'}\nreplay_dir: {tmp_path / 'r'}\n")
    script = (
        "import sys, ccds.__main__\n"
        "from cookiecutter.main import cookiecutter\n"
        "print(cookiecutter(sys.argv[1], no_input=True, output_dir=sys.argv[2],\n"
        "    config_file=sys.argv[3], extra_context={'project_name': 'Churn Model'}))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(template), str(theirs_parent), str(config)],
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    theirs = Path(ran.stdout.strip().splitlines()[-1])
    assert _tree(ours) == _tree(theirs)
    readme = (ours / "README.md").read_text()
    assert "no storage" in readme and "[]" in readme
    assert "raw: {{ cookiecutter.module_name }}" in readme  # `__` kept raw, as under ccds
    assert (ours / "STORAGE").read_text() == "|churn_model"

    # A choice with sub-values: the option, then its own values.
    s3 = tmp_path / "s3"
    s3.mkdir()
    done = run_cli(
        *base,
        "-d",
        "project_name=Churn Model",
        "-d",
        "dataset_storage=s3",
        "-d",
        "dataset_storage.bucket=my-bucket",
        cwd=s3,
    )
    assert_one_line_error(done, 2)  # its hook needs --trust
    done = run_cli(
        *base,
        "--trust",
        "-d",
        "project_name=Churn Model",
        "-d",
        "dataset_storage=s3",
        "-d",
        "dataset_storage.bucket=my-bucket",
        cwd=s3,
    )
    assert done.returncode == 0, done.stderr
    assert "s3://my-bucket (default)" in (s3 / "churn_model" / "README.md").read_text()
