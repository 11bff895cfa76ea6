"""Everything an operator can type or set is documented (issue 17, part 5).

Two lists are built from the code itself, not from the documentation:

- every command and subcommand of ``lofte``, by walking the Typer app's command tree (commands
  that other modules mount, such as ``lofte grants``, included; hidden ones left out);
- every environment variable the code reads: the string literal of each ``os.environ[...]``,
  ``os.environ.get(...)``, ``os.getenv(...)``, ``os.environ.setdefault(...)`` and
  ``"X" in os.environ`` under ``src/``, plus every ``LOFTE_…``/``DJANGO_…`` literal (the names
  that are passed on to a reader, e.g. ``_secret("LOFTE_PSEUDONYM_KEY", …)`` or a table of
  limits) that is not the name of a Django setting.

Each must appear in the documentation: README.md, CONTRIBUTING.md or any Markdown file under
docs/ (the work-status notes under docs/status/ do not count). A command counts as documented
when ``lofte <its words>`` is written out (alternatives such as ``lofte users create|list``
count for each); a variable when its name appears as a whole word. The failure lists
everything missing, so a new command or setting is documented when it is merged.

The other way round, every ``lofte …`` row of the README's command table must name commands
and options the command tree has, so that a renamed command or option does not leave the
table behind.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "lofte"
SETTINGS = SRC / "web" / "settings.py"

_ENV_NAME = re.compile(r"(?:LOFTE|DJANGO)_[A-Z0-9_]+")


def documentation() -> str:
    """The text of every documentation file, joined."""
    docs = [f for f in sorted((ROOT / "docs").rglob("*.md")) if "status" not in f.parts]
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *docs]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.is_file())


# --- commands -----------------------------------------------------------------------------------


def _walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    # Typer vendors its own click, so a group is recognised by its ``commands`` mapping (the
    # click API), not by isinstance against the click package.
    subcommands = getattr(command, "commands", None)
    if path:
        yield path
    if isinstance(subcommands, dict):
        for name, sub in sorted(subcommands.items()):
            if not getattr(sub, "hidden", False):
                yield from _walk(sub, (*path, name))


def cli_commands() -> list[tuple[str, ...]]:
    """Every command path of ``lofte`` (``("grants", "ledger")`` for ``lofte grants ledger``)."""
    return list(_walk(_command_tree(), ()))


def command_documented(path: tuple[str, ...], text: str) -> bool:
    """``lofte`` and the words of ``path`` in order; each word may be one of ``a|b|c`` (the
    bar escaped as ``\\|`` inside Markdown tables)."""
    alternatives = r"(?:[\w-]+\\?\|)*"
    words = r"\s+".join(alternatives + re.escape(w) + r"(?:\\?\|[\w-]+)*" for w in path)
    return re.search(rf"\blofte\s+{words}(?![\w-])", text) is not None


def test_the_command_walk_finds_mounted_subcommands() -> None:
    # The walk itself must see what other modules mount, or the test below proves nothing.
    commands = cli_commands()
    assert ("compute",) in commands
    assert ("import", "svf") in commands  # mounted by lofte.svf.cli
    assert ("grants", "ledger") in commands  # mounted by lofte.grants.cli
    assert len(commands) > 20


def test_command_matching() -> None:
    text = "Run `lofte users create\\|list` or `lofte grants grant --year Y` / `lofte a b|c`."
    assert command_documented(("users", "create"), text)
    assert command_documented(("users", "list"), text)
    assert command_documented(("grants", "grant"), text)
    assert command_documented(("a", "c"), text)
    assert not command_documented(("grants", "gr"), text)
    assert not command_documented(("users", "delete"), text)
    assert not command_documented(("grants",), "lofte grantsx")


def test_every_command_is_documented() -> None:
    text = documentation()
    missing = [" ".join(p) for p in cli_commands() if not command_documented(p, text)]
    assert not missing, (
        "These lofte commands appear in no documentation (README.md, CONTRIBUTING.md, docs/); "
        "describe each in the README's command table:\n  lofte " + "\n  lofte ".join(missing)
    )


def _command_tree() -> Any:
    from lofte.cli import app

    return typer.main.get_command(app)


def _option_names(command: Any) -> set[str]:
    return {name for param in getattr(command, "params", []) for name in param.opts}


def readme_command_rows() -> list[str]:
    """The ``lofte …`` spans in the first column of the README's command table."""
    spans = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `lofte "):
            first_cell = re.split(r"(?<!\\)\|", line)[1]
            spans.extend(re.findall(r"`(lofte [^`]*)`", first_cell))
    return spans


def stale_in_row(span: str, root: Any) -> list[str]:
    """What a README row names that the command tree lacks: a subcommand that does not exist,
    or an option that its command does not take."""
    problems = []
    words = span.split()[1:]
    node, path = root, ["lofte"]
    for i, word in enumerate(words):
        subcommands = getattr(node, "commands", None)
        if not isinstance(subcommands, dict) or word.startswith(("-", "[")) or word.isupper():
            # The command is reached: the rest are its arguments and options.
            for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", " ".join(words[i:])):
                if option not in _option_names(node):
                    problems.append(f"{' '.join(path)} has no option {option}")
            return problems
        names = word.replace("\\|", "|").split("|")
        for name in names:
            if name not in subcommands:
                problems.append(f"{' '.join(path)} has no subcommand {name}")
        if names[0] not in subcommands:
            return problems
        node = subcommands[names[0]]
        path.append(names[0])
    return problems


def test_the_readme_names_no_command_or_option_that_does_not_exist() -> None:
    root = _command_tree()
    rows = readme_command_rows()
    assert len(rows) > 20  # the table was found
    stale = [f"`{span}`: {p}" for span in rows for p in stale_in_row(span, root)]
    assert not stale, "README's command table names what the CLI does not have:\n  " + (
        "\n  ".join(stale)
    )


def test_stale_rows_are_found() -> None:
    root = _command_tree()
    assert stale_in_row("lofte users create\\|list", root) == []
    assert stale_in_row("lofte grants ledger [--year Y] [--format json]", root) == []
    assert stale_in_row("lofte users remove", root) == ["lofte users has no subcommand remove"]
    assert stale_in_row("lofte compute --fast", root) == ["lofte compute has no option --fast"]


# --- environment --------------------------------------------------------------------------------


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _read_names(tree: ast.AST) -> Iterator[str]:
    """Literal names in direct reads of the environment."""
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            name = _literal(node.slice)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            func = node.func
            if (_is_environ(func.value) and func.attr in ("get", "setdefault", "pop")) or (
                func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"
            ):
                name = _literal(node.args[0])
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            name = _literal(node.left)
        if name:
            yield name


def django_setting_names() -> set[str]:
    tree = ast.parse(SETTINGS.read_text(encoding="utf-8"))
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def environment_variables(root: Path = SRC, settings: set[str] | None = None) -> set[str]:
    """Every environment variable that the code under ``root`` reads (see the module doc)."""
    settings = django_setting_names() if settings is None else settings
    names: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names.update(_read_names(tree))
        for node in ast.walk(tree):
            value = _literal(node)
            if value and _ENV_NAME.fullmatch(value) and value not in settings:
                names.add(value)
    return names


def test_the_environment_scan_finds_every_kind_of_read(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import os\n"
        "a = os.environ.get('FIRST')\n"
        "b = os.environ['SECOND']\n"
        "c = os.getenv('THIRD', '1')\n"
        "d = 'FOURTH' in os.environ\n"
        "os.environ.setdefault('FIFTH', 'x')\n"
        "LIMITS = {'rows': 'LOFTE_SIXTH'}\n"
        "e = getattr(settings, 'LOFTE_A_SETTING', 0)\n"
        "f = os.environ.get(variable)\n"
        "g = {'x': 'not_an_env'}.get('SEVENTH')\n",
        encoding="utf-8",
    )
    found = environment_variables(tmp_path, settings={"LOFTE_A_SETTING"})
    assert found == {"FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "LOFTE_SIXTH"}


def test_the_environment_scan_sees_the_real_readers() -> None:
    found = environment_variables()
    # Read directly, through the secret helper, through the limits table, in the settings.
    assert {"LOFTE_HOME", "LOFTE_PSEUDONYM_KEY", "LOFTE_MAX_DELIVERY_ROWS", "DATABASE_URL"} <= found
    assert "LOFTE_BEHIND_PROXY" not in found  # a Django setting, set from DJANGO_BEHIND_TLS_PROXY


def test_every_environment_variable_is_documented() -> None:
    text = documentation()
    missing = sorted(
        name
        for name in environment_variables()
        if not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text)
    )
    assert not missing, (
        "These environment variables are read under src/ but appear in no documentation "
        "(README.md, CONTRIBUTING.md, docs/); add each to the README's Configuration section:\n  "
        + "\n  ".join(missing)
    )
