"""Every shell command the documentation shows names something that exists (issue 23).

Commands are taken from the ```bash blocks of README.md and docs/*.md and from inline
code that starts with a command (``pip install ...``, ``python ...``, ``mpiexec ...``).
Each is split into simple commands and checked by what it runs:

- ``pip install`` / ``pip download``: ``-e .`` and ``-e ".[extras]"`` name extras of
  pyproject.toml; any other package must be one of pyproject's dependencies (so a
  ``pip install 'gpuparam[mpich]'``, which needs gpuparam on PyPI, fails here);
- ``python FILE --flag``: the file exists and its source defines the flag;
  ``python -m gpuparam --flag``: ``gpuparam/__main__.py`` defines the flag;
  ``python -m pytest -m MARK PATH``: the marker is registered and the path exists;
- ``bash FILE --flag`` and ``.ci/run``: the file exists and defines the flag;
- ``mpiexec``/``mpirun`` options are skipped and the command they launch is checked;
- ``VAR=value`` prefixes: a ``GPUPARAM_*`` variable must be read somewhere in the code.

A user's own script (``train.py``) and the few programs that are not the project's
(``nvidia-smi``) are named below, each with why.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
EXTRAS = set(PYPROJECT["project"]["optional-dependencies"])
MARKERS = {m.split(":")[0].strip() for m in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]}
# Scripts a page shows a user running, which are theirs, not the repository's.
USER_SCRIPTS = {"train.py": "distributed.md's launch line for the user's training script",
                "script.py": "distributed.md's `python -m mpi4py script.py`, the user's"}
# Programs that are not the project's and come with the machine.
EXTERNAL = {"nvidia-smi": "the NVIDIA driver's tool", "cuobjdump": "the CUDA toolkit's"}
# Modules that are not gpuparam's, named for comparison.
FOREIGN_MODULES = {"mindspore": "porting.md's table: MindSpore has no `python -m mindspore` report"}
_COMMAND = re.compile(r"^(\w+=\S+ )*(pip3?|python3?|bash|mpiexec|mpirun|\.ci/\S+|nvidia-smi|"
                      r"cuobjdump|\. )")
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)


def _dependency_names() -> set[str]:
    specs = list(PYPROJECT["project"]["dependencies"])
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        specs += extra
    return {re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in specs}


DEPENDENCIES = _dependency_names()


def documented_commands() -> list[tuple[str, str]]:
    """(page, command line) for every command the pages show."""
    found = []
    for page in PAGES:
        text = page.read_text()
        for fence in _FENCE.finditer(text):
            if fence.group(1) in ("bash", "sh", "shell", "console"):
                joined = fence.group(2).replace("\\\n", " ")
                found += [(page.name, line) for line in joined.splitlines() if line.strip()]
        for code in re.findall(r"`([^`\n]+)`", _FENCE.sub("", text)):
            if _COMMAND.match(code):
                found.append((page.name, code))
    return found


def _simple_commands(line: str) -> list[list[str]]:
    words = shlex.split(line, comments=True)
    commands, current = [], []
    for word in words:
        if word in ("&&", "||", ";", "|"):
            commands.append(current)
            current = []
        else:
            current.append(word)
    return [c for c in commands + [current] if c]


def _check_environment(words: list[str]) -> list[str]:
    while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]):
        name = words.pop(0).split("=", 1)[0]
        if name.startswith("GPUPARAM_"):
            sources = [p.read_text() for folder in ("gpuparam", "tests", "benchmarks")
                       for p in (ROOT / folder).rglob("*.py") if p.name != Path(__file__).name]
            sources.append((ROOT / ".ci" / "run").read_text())
            assert any(name in s for s in sources), f"{name} is read nowhere"
    return words


def _check_flags(path: Path, flags: list[str]) -> None:
    source = path.read_text()
    for flag in flags:
        if flag.startswith("--"):
            assert re.search(re.escape(flag.split("=")[0]) + r"\b", source), \
                f"{path.relative_to(ROOT)} defines no {flag}"


def _check_file(name: str, flags: list[str]) -> None:
    if name in USER_SCRIPTS:
        return
    path = ROOT / name
    assert path.is_file(), f"{name} does not exist"
    _check_flags(path, flags)


def _check_pip(args: list[str]) -> None:
    assert args and args[0] in ("install", "download"), f"pip {args}"
    skip_next = False
    for arg in args[1:]:
        if skip_next or arg.startswith("$"):
            skip_next = False
            continue
        if arg in ("-d", "--python-version", "--implementation", "--platform",
                   "--config-settings"):
            skip_next = True
            continue
        if arg.startswith("-"):
            continue
        local = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", arg)
        if local:
            missing = set((local.group(1) or "").split(",")) - EXTRAS - {""}
            assert not missing, f"pyproject.toml has no extra {sorted(missing)}"
            continue
        name = re.split(r"[\[<>=!~]", arg, maxsplit=1)[0].lower().replace("_", "-")
        assert name in DEPENDENCIES, (
            f"{arg}: not a dependency in pyproject.toml (gpuparam itself is not on PyPI: "
            "install from a clone, pip install -e \".[extra]\")")


def _check_python(args: list[str]) -> None:
    while args[:1] == ["-W"] or (args and args[0].startswith("-W")):
        args = args[2:] if args[0] == "-W" else args[1:]
    if not args or args[0] == "-c":
        return
    if args[0] != "-m":
        _check_file(args[0], args[1:])
        return
    module, rest = args[1], args[2:]
    if module == "gpuparam":
        _check_flags(ROOT / "gpuparam" / "__main__.py", rest)
    elif module == "pytest":
        for i, arg in enumerate(rest):
            if arg == "-m":
                assert rest[i + 1] in MARKERS, f"no pytest marker {rest[i + 1]!r}"
            elif not arg.startswith("-") and (i == 0 or rest[i - 1] != "-m"):
                assert (ROOT / arg.split("::")[0]).exists(), f"no test path {arg}"
    elif module == "pip":
        _check_pip(rest)
    elif module in ("mpi4py", "py_compile"):
        if rest:
            _check_file(rest[0], rest[1:])
    elif module == "venv":
        pass
    else:
        assert module in FOREIGN_MODULES, f"python -m {module}: not a module the project knows"


def check(words: list[str]) -> None:
    words = _check_environment(list(words))
    if not words:
        return
    program, args = words[0], words[1:]
    if program in ("pip", "pip3"):
        _check_pip(args)
    elif program in ("python", "python3"):
        _check_python(args)
    elif program == "bash":
        rest = [a for a in args if a != "-n"]
        _check_file(rest[0], rest[1:])
    elif program.startswith(".ci/"):
        _check_file(program, args)
    elif program in ("mpiexec", "mpirun"):
        while args and args[0].startswith("-"):
            args = args[2:] if args[0] in ("-n", "-np", "-hosts", "-host") else args[1:]
        if args:
            check(args)
    elif program == ".":
        assert args == [".venv/bin/activate"], args  # made by the `python3 -m venv .venv` before it
    else:
        assert program in EXTERNAL, f"{program}: not a program the project knows"


COMMANDS = documented_commands()


@pytest.mark.parametrize(("page", "line"), COMMANDS, ids=[f"{p}:{c[:50]}" for p, c in COMMANDS])
def test_a_documented_command_names_what_exists(page, line):
    for words in _simple_commands(line):
        check(words)


@pytest.mark.parametrize("line", [
    "pip install 'gpuparam[mpich]'", 'pip install -e ".[nonesuch]"',
    "python benchmarks/bench_checkpoint.py --nonesuch", "python -m gpuparam --nonesuch",
    "python -m pytest -m nonesuch", "bash benchmarks/missing.sh", "GPUPARAM_NONESUCH=1 python",
    "mpiexec -n 2 python missing.py", "someprogram --x",
])
def test_the_check_refuses_what_does_not_exist(line):
    with pytest.raises(AssertionError):
        for words in _simple_commands(line):
            check(words)


def test_the_pages_show_commands_at_all():
    pages = {page for page, _ in COMMANDS}
    assert {"README.md", "getting-started.md", "distributed.md"} <= pages
    assert any("pip install" in line for _, line in COMMANDS)


def test_getting_started_shows_the_readmes_two_commands():
    def bash_blocks(path: Path) -> list[str]:
        return [m.group(2).strip() for m in _FENCE.finditer(path.read_text())
                if m.group(1) == "bash" and "venv" in m.group(2)]

    readme = bash_blocks(ROOT / "README.md")
    assert len(readme) == 2
    assert bash_blocks(ROOT / "docs" / "getting-started.md") == readme
