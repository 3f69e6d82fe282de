#!/usr/bin/env python3
"""Time flake8-async-tests against flake8's built-in checks and pylint's async checks.

Why: the plugin runs astroid inference on every test file, which is far more work than
pycodestyle/pyflakes do.  Users will only keep a plugin that does not double their lint
time, so the project sets speed targets (see the issue this script answers) and this
script measures them on a real test suite, with one command and a Markdown report that
can be pasted into docs/performance.md:

* the plugin's *added* CPU (flake8+plugin minus flake8 alone) is at most 1.0x the CPU of
  flake8's own built-in checks;
* it is at most half the CPU of pylint running only its astroid-based async checks
  (``not-async-context-manager``, ``await-outside-async``) on the same files;
* the cost grows linearly: the added CPU per 1,000 lines of a ~10k-line slice and of the
  whole set differ by less than 30%;
* the peak memory of a flake8 worker (``--jobs=1``: the one process) is below 300 MB.

Why separate virtual environments: flake8 runs *every* installed plugin whatever
``--select`` says, so "flake8 with only its built-in checks" needs an interpreter without
this plugin, and neither environment may have flake8-async (another, much slower plugin
that shares our ``ASY`` entry-point name).  The script therefore builds, under
``--venvs`` (default /tmp/bench-venvs), three venvs: ``plugin`` (this repository installed
non-editable, from a copy so the work tree stays untouched), ``baseline`` (the very same
flake8/pycodestyle/pyflakes/mccabe versions as ``plugin``, nothing else) and ``pylint``
(pylint, on the plugin's astroid version when pylint accepts it).

Why CPU seconds of the child, best of N: wall time on a shared 2-core machine is noisy;
user+system CPU of the child process (``os.wait4``) is not, and the best of several runs
drops the runs that were disturbed.  Peak memory is the child's ``ru_maxrss``, the
maximum over the runs.

Standard library only; Python 3.10+.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENVS = Path("/tmp/bench-venvs")
#: The distributions whose versions define "flake8 with its built-in checks".
FLAKE8_CORE = ("flake8", "pycodestyle", "pyflakes", "mccabe")
PLUGIN_DIST = "flake8-async-tests"
#: Installed next to our plugin it runs too (flake8 ignores --select for running plugins).
FORBIDDEN_DIST = "flake8-async"
PYLINT_CHECKS = "not-async-context-manager,await-outside-async"
#: flake8's default --exclude; applied to discovery so explicit file lists match what
#: flake8 would lint given the directories.
FLAKE8_DEFAULT_EXCLUDE = {".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs"}
#: Left out of the copy of the repository that pip builds (pip writes build/ and
#: *.egg-info next to the sources; the work tree belongs to other people).
COPY_IGNORE = shutil.ignore_patterns(
    ".git", "build", "dist", "*.egg-info", "__pycache__", ".venv*", ".pytest_cache"
)

#: In a command: replaced by a new, empty cache folder for every run (a cold run).
FRESH_CACHE = "@FRESH_CACHE@"

# Targets from the issue.
TARGET_ADDED_VS_FLAKE8 = 1.0
TARGET_ADDED_VS_PYLINT = 0.5
TARGET_LINEARITY = 0.30
TARGET_PEAK_MB = 300.0
TARGET_FILE_WARM_S = 0.3
TARGET_FILE_COLD_S = 1.5
TARGET_NOT_SELECTED_S = 0.05


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class SourceFile:
    path: Path
    lines: int


@dataclass
class Corpus:
    """The *.py files to lint (sorted by path) and those left out because they don't parse."""

    files: list[SourceFile]
    unparsable: list[Path] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    def slice(self, max_lines: int) -> Corpus:
        """Whole files in sorted path order until ``max_lines`` is reached.

        The file that crosses the limit is included, so the slice has at least
        ``max_lines`` lines (unless the whole corpus is smaller).
        """
        taken: list[SourceFile] = []
        total = 0
        for source in self.files:
            if total >= max_lines:
                break
            taken.append(source)
            total += source.lines
        return Corpus(taken)


def discover(paths: list[Path]) -> list[Path]:
    """All *.py files under the given directories (or the files themselves), sorted, unique.

    Directories flake8 excludes by default are skipped, so the list is what flake8 would
    lint if handed the directories.
    """
    found: set[Path] = set()
    for path in paths:
        path = path.resolve()
        if path.is_file():
            found.add(path)
            continue
        if not path.is_dir():
            raise SystemExit(f"benchmark: no such file or directory: {path}")
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = [d for d in dirnames if d not in FLAKE8_DEFAULT_EXCLUDE and not d.endswith(".egg")]
            found.update(Path(dirpath, name) for name in filenames if name.endswith(".py"))
    return sorted(found, key=str)


def physical_lines(text: str) -> int:
    """Lines as ``wc -l`` counts them, plus a last line without a newline."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def load_corpus(paths: list[Path]) -> Corpus:
    """Read every file once: counts its lines and drops those that don't parse here.

    Files that don't parse would only get E999 from flake8 (both runs) and a syntax error
    from pylint, so they measure nothing and would distort lines/s.  Reading the files
    also puts them in the page cache before anything is timed.
    """
    corpus = Corpus([])
    for path in discover(paths):
        try:
            with tokenize.open(path) as handle:  # honours coding cookies and BOMs
                text = handle.read()
            ast.parse(text, filename=str(path))
        except (SyntaxError, ValueError, UnicodeDecodeError):
            corpus.unparsable.append(path)
            continue
        corpus.files.append(SourceFile(path, physical_lines(text)))
    return corpus


# --------------------------------------------------------------------------- environments


def run_checked(cmd: list[str], **kwargs) -> str:
    """Run a setup command; on failure show its output and stop (a half-built venv lies).

    It runs in a neutral directory: ``python -m``/``-c`` put the working directory on sys.path,
    and a source checkout there (with its *.egg-info) would make any environment look as if
    it had the plugin installed.
    """
    kwargs.setdefault("cwd", tempfile.gettempdir())
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"benchmark: command failed ({result.returncode}): {shlex.join(cmd)}")
    return result.stdout


def log(message: str) -> None:
    """Progress goes to stderr so stdout is only the Markdown report."""
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


def dist_versions(python: Path, names: tuple[str, ...]) -> dict[str, str | None]:
    """Installed versions of ``names`` in the environment of ``python`` (None if absent)."""
    code = (
        "import json, sys\n"
        "from importlib import metadata\n"
        "out = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try: out[name] = metadata.version(name)\n"
        "    except metadata.PackageNotFoundError: out[name] = None\n"
        "print(json.dumps(out))\n"
    )
    return json.loads(run_checked([str(python), "-c", code, *names]))


def python_version(python: Path) -> str:
    return run_checked([str(python), "-c", "import platform; print(platform.python_version())"]).strip()


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, base_python: str) -> tuple[Path, bool]:
    """Create ``venv`` if it has no interpreter yet; returns (its python, whether it is new)."""
    python = venv_python(venv)
    if python.exists():
        return python, False
    log(f"creating venv {venv}")
    run_checked([base_python, "-m", "venv", "--clear", str(venv)])
    return python, True


def pip_install(python: Path, *args: str) -> None:
    log(f"{python.parent.parent.name}: pip install {' '.join(args)}")
    run_checked([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *args])


def install_plugin(python: Path, source: Path, scratch: Path) -> None:
    """Install ``source`` non-editable, rebuilt from its current files.

    pip builds from a copy because building in place would write build/ and *.egg-info
    into the work tree.  The wheel is force-reinstalled (the version number does not change
    while the code does) and then installed again normally so its dependencies resolve.
    """
    copy = scratch / "plugin-src"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy, ignore=COPY_IGNORE)
    wheels = scratch / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    log(f"building a wheel of {source}")
    run_checked([str(python), "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(copy)])
    (wheel,) = wheels.glob("*.whl")
    pip_install(python, "--force-reinstall", "--no-deps", str(wheel))
    pip_install(python, str(wheel))


def plugin_environment(args: argparse.Namespace, scratch: Path) -> Path:
    """The interpreter that has flake8 and this plugin (given, or the ``plugin`` venv)."""
    if args.plugin_python:
        return Path(args.plugin_python)
    python, new = ensure_venv(args.venvs / "plugin", args.python)
    if new or not args.reuse or dist_versions(python, (PLUGIN_DIST,))[PLUGIN_DIST] is None:
        install_plugin(python, args.plugin_source, scratch)
    return python


def baseline_environment(args: argparse.Namespace, pins: dict[str, str | None]) -> Path:
    """flake8 alone, pinned to the plugin environment's flake8 and its checkers.

    The pins are checked even with --reuse: a different pycodestyle would make
    "added CPU" measure a version difference instead of the plugin.
    """
    python, _ = ensure_venv(args.venvs / "baseline", args.python)
    wanted = {name: version for name, version in pins.items() if version}
    if dist_versions(python, tuple(wanted)) != wanted:
        pip_install(python, *(f"{name}=={version}" for name, version in wanted.items()))
    return python


def pylint_environment(args: argparse.Namespace, astroid_version: str | None) -> Path:
    """pylint, on the plugin's astroid version when pylint's own pin allows it."""
    python, _ = ensure_venv(args.venvs / "pylint", args.python)
    if dist_versions(python, ("pylint",))["pylint"] is not None:
        return python
    if astroid_version:
        try:
            pip_install(python, "pylint", f"astroid=={astroid_version}")
            return python
        except SystemExit:
            log(f"pylint does not accept astroid {astroid_version}; installing pylint's own pin")
    pip_install(python, "pylint")
    return python


def check_environments(plugin: Path, baseline: Path) -> None:
    """Refuse to time a comparison that would not be one."""
    for python, should_have_plugin in ((plugin, True), (baseline, False)):
        versions = dist_versions(python, (PLUGIN_DIST, FORBIDDEN_DIST))
        if versions[FORBIDDEN_DIST]:
            raise SystemExit(f"benchmark: {python} has {FORBIDDEN_DIST} installed; flake8 would run it too")
        listed = run_checked([str(python), "-m", "flake8", "--version"])
        if (PLUGIN_DIST in listed) != should_have_plugin:
            state = "does not load" if should_have_plugin else "loads"
            raise SystemExit(f"benchmark: flake8 of {python} {state} {PLUGIN_DIST}:\n{listed}")


# --------------------------------------------------------------------------- timing


@dataclass
class Measurement:
    """Best CPU and peak memory of one command over the repeats."""

    cpu: float = float("inf")
    peak_kib: int = 0
    wall: float = float("inf")
    output_lines: list[str] = field(default_factory=list)

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024


def child_environment() -> dict[str, str]:
    """The caller's environment minus what would change what the children import or do."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONSTARTUP", "FLAKE8_ASYNC_TESTS_RAISE", "PYLINTRC"):
        env.pop(name, None)
    return env


def run_once(cmd: list[str], scratch: Path, measurement: Measurement) -> None:
    """Run ``cmd`` once and fold its CPU (user+system) and max RSS into ``measurement``.

    ``os.wait4`` gives the rusage of exactly this child (and anything it waited for), so
    nothing else running in this process is counted.  Output goes to a file, not a pipe,
    so the parent does no work while the child runs.
    """
    out_path = scratch / "output.txt"
    cmd = [arg.replace(FRESH_CACHE, tempfile.mkdtemp(dir=scratch, prefix="cache-")) for arg in cmd]
    with open(out_path, "w") as out, open(scratch / "stderr.txt", "w") as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=scratch, env=child_environment())
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if child.returncode != 0:
        sys.stderr.write((scratch / "stderr.txt").read_text()[-5000:])
        raise SystemExit(f"benchmark: exit {child.returncode}: {shlex.join(cmd[:8])} ...")
    cpu = usage.ru_utime + usage.ru_stime
    if cpu < measurement.cpu:
        measurement.cpu = cpu
        measurement.output_lines = out_path.read_text().splitlines()
    measurement.wall = min(measurement.wall, wall)
    measurement.peak_kib = max(measurement.peak_kib, usage.ru_maxrss)  # KiB on Linux


def flake8_command(python: Path, files: list[Path], *options: str) -> list[str]:
    """flake8, one process, no config files, its default --select (plugins run anyway)."""
    return [str(python), "-m", "flake8", "--isolated", "--jobs=1", "--exit-zero", *options, *map(str, files)]


def pylint_command(python: Path, files: list[Path]) -> list[str]:
    """pylint with only its two astroid-based async checks; an empty rcfile, no stats file."""
    options = ["--rcfile=/dev/null", "--disable=all", f"--enable={PYLINT_CHECKS}", "--jobs=1"]
    options += ["--persistent=n", "--score=n", "--exit-zero"]
    return [str(python), "-m", "pylint", *options, *map(str, files)]


@dataclass
class Tools:
    baseline: Path
    plugin: Path
    pylint: Path
    #: the warm runs' cache folder, filled by one untimed run before them
    warm_cache: Path | None = None

    def commands(self, files: list[Path]) -> dict[str, list[str]]:
        commands = {
            "flake8": flake8_command(self.baseline, files),
            "flake8+plugin": flake8_command(self.plugin, files, f"--async-tests-cache-dir={FRESH_CACHE}"),
            "pylint": pylint_command(self.pylint, files),
        }
        if self.warm_cache is not None:
            commands["flake8+plugin warm"] = flake8_command(
                self.plugin, files, f"--async-tests-cache-dir={self.warm_cache}")
        return commands


def measure(
    tools: Tools, files: list[Path], repeat: int, scratch: Path, label: str
) -> dict[str, Measurement]:
    """Best of ``repeat`` runs of each command; the three alternate so drift hits all alike."""
    commands = tools.commands(files)
    results = {name: Measurement() for name in commands}
    if "flake8+plugin warm" in commands:
        log(f"{label}: filling the warm cache")
        run_once(commands["flake8+plugin warm"], scratch, Measurement())
    for attempt in range(1, repeat + 1):
        for name, cmd in commands.items():
            log(f"{label}: {name} run {attempt}/{repeat}")
            run_once(cmd, scratch, results[name])
    return results


# --------------------------------------------------------------------------- report


FINDING = re.compile(r":\d+:\d+: (?P<code>[A-Z]+\d+)")


def finding_codes(lines: list[str]) -> list[str]:
    return [m["code"] for m in map(FINDING.search, lines) if m]


def is_plugin_code(code: str) -> bool:
    """Our codes are ASYNC + 3 digits (flake8-async's are too, but it is not installed)."""
    return code.startswith("ASYNC")


def consistency_notes(results: dict[str, Measurement]) -> list[str]:
    """Evidence that both flake8 runs linted the same files and that the plugin ran."""
    base = finding_codes(results["flake8"].output_lines)
    plug = finding_codes(results["flake8+plugin"].output_lines)
    ours = [c for c in plug if is_plugin_code(c)]
    notes = [
        f"flake8 findings: {len(base)}; flake8+plugin: {len(plug) - len(ours)} built-in + "
        f"{len(ours)} plugin; pylint findings: {len(finding_codes(results['pylint'].output_lines))}"
    ]
    if len(plug) - len(ours) != len(base):
        notes.append("WARNING: the built-in findings differ between the two flake8 runs")
    warm = results.get("flake8+plugin warm")
    if warm is not None:
        same = sorted(warm.output_lines) == sorted(results["flake8+plugin"].output_lines)
        notes.append("warm-cache findings identical to cold" if same
                     else "WARNING: the warm-cache findings differ from the cold ones")
    return notes


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{suffix}"


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


@dataclass
class SetResult:
    """One corpus (slice or whole) with its measurements and derived figures."""

    label: str
    corpus: Corpus
    results: dict[str, Measurement]

    @property
    def added(self) -> float:
        return self.results["flake8+plugin"].cpu - self.results["flake8"].cpu

    @property
    def added_per_1k(self) -> float:
        return self.added / self.corpus.lines * 1000

    @property
    def added_warm(self) -> float | None:
        warm = self.results.get("flake8+plugin warm")
        return warm.cpu - self.results["flake8"].cpu if warm is not None else None

    def rows(self) -> dict[str, str]:
        base, plug, lint = (self.results[k] for k in ("flake8", "flake8+plugin", "pylint"))
        warm = self.results.get("flake8+plugin warm")
        lines_per_s = self.corpus.lines / self.added if self.added > 0 else None
        return {
            "files": f"{len(self.corpus.files):,}",
            "lines": f"{self.corpus.lines:,}",
            "flake8 (built-in checks) CPU s": fmt(base.cpu),
            "flake8 + plugin CPU s": fmt(plug.cpu),
            "plugin added CPU s (cold cache)": fmt(self.added),
            "added / flake8 built-in (cold)": fmt(ratio(self.added, base.cpu), suffix="×"),
            "flake8 + plugin CPU s, warm cache": fmt(warm.cpu if warm is not None else None),
            "added / flake8 built-in (warm)": fmt(
                None if self.added_warm is None else ratio(self.added_warm, base.cpu), suffix="×"),
            "plugin lines/s (lines / added CPU)": fmt(lines_per_s, 0),
            "plugin added CPU s per 1,000 lines": fmt(self.added_per_1k, 4),
            "pylint async checks CPU s": fmt(lint.cpu),
            "plugin added / pylint": fmt(ratio(self.added, lint.cpu), suffix="×"),
            "peak RSS MB, flake8": fmt(base.peak_mb, 0),
            "peak RSS MB, flake8 + plugin": fmt(plug.peak_mb, 0),
            "peak RSS MB, pylint": fmt(lint.peak_mb, 0),
        }


def markdown_table(sets: list[SetResult]) -> list[str]:
    """Metrics down, corpora across: narrow enough for docs."""
    rows = [s.rows() for s in sets]
    out = ["| | " + " | ".join(s.label for s in sets) + " |", "|---|" + "---:|" * len(sets)]
    for key in rows[0]:
        out.append(f"| {key} | " + " | ".join(r[key] for r in rows) + " |")
    return out


def linearity(slice_: SetResult, whole: SetResult) -> float | None:
    """Relative difference of the per-1k-lines added cost: larger / smaller - 1."""
    low, high = sorted((slice_.added_per_1k, whole.added_per_1k))
    return high / low - 1 if low > 0 else None


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def targets_table(whole: SetResult, slice_: SetResult | None) -> list[str]:
    """PASS/FAIL against each target of the issue, judged on the whole set."""
    base, plug, lint = (whole.results[k] for k in ("flake8", "flake8+plugin", "pylint"))
    vs_flake8 = ratio(whole.added, base.cpu)
    vs_pylint = ratio(whole.added, lint.cpu)
    diff = linearity(slice_, whole) if slice_ is not None else None
    if slice_ is None:
        linear_measured = "not measured (no --slice-lines)"
    else:
        linear_measured = (
            f"{fmt(slice_.added_per_1k, 4)} vs {fmt(whole.added_per_1k, 4)} s: "
            f"{fmt(None if diff is None else diff * 100, 0, '%')}"
        )
    vs_flake8_warm = None if whole.added_warm is None else ratio(whole.added_warm, base.cpu)
    rows = [
        (
            "plugin added CPU ≤ 1.0× flake8's built-in checks (cold cache)",
            fmt(vs_flake8, suffix="×"),
            vs_flake8 is not None and vs_flake8 <= TARGET_ADDED_VS_FLAKE8,
        ),
        (
            "plugin added CPU ≤ 1.0× flake8's built-in checks (warm cache)",
            fmt(vs_flake8_warm, suffix="×"),
            vs_flake8_warm is not None and vs_flake8_warm <= TARGET_ADDED_VS_FLAKE8,
        ),
        (
            "plugin added CPU ≤ 0.5× pylint async checks",
            fmt(vs_pylint, suffix="×"),
            vs_pylint is not None and vs_pylint <= TARGET_ADDED_VS_PYLINT,
        ),
        (
            "linear: added CPU per 1k lines, slice vs whole, differ < 30%",
            linear_measured,
            diff is not None and diff < TARGET_LINEARITY,
        ),
        (
            "peak memory per flake8 worker < 300 MB",
            f"{fmt(plug.peak_mb, 0)} MB",
            plug.peak_mb < TARGET_PEAK_MB,
        ),
    ]
    out = ["| target | measured | result |", "|---|---|---|"]
    out += [f"| {name} | {measured} | {verdict(ok)} |" for name, measured, ok in rows]
    return out


# --------------------------------------------------------------------------- one file


def single_file_rows(tools: Tools, path: Path, repeat: int, scratch: Path) -> list[str]:
    """One file in a fresh process, as an editor or a pre-commit hook runs flake8: flake8 alone,
    the plugin with an empty cache (cold) and with the cache a previous run left (warm), and
    the plugin installed but none of its codes selected."""
    warm_cache = scratch / f"warm-{path.stem}"
    not_selected = "--select=E,F,W"
    commands = {
        "flake8": flake8_command(tools.baseline, [path]),
        "cold": flake8_command(tools.plugin, [path], f"--async-tests-cache-dir={FRESH_CACHE}"),
        "warm": flake8_command(tools.plugin, [path], f"--async-tests-cache-dir={warm_cache}"),
        "flake8 not-selected": flake8_command(tools.baseline, [path], not_selected),
        "plugin not-selected": flake8_command(tools.plugin, [path], not_selected),
    }
    run_once(commands["warm"], scratch, Measurement())  # fills the warm cache
    results = {name: Measurement() for name in commands}
    for attempt in range(1, repeat + 1):
        for name, cmd in commands.items():
            log(f"{path.name}: {name} run {attempt}/{repeat}")
            run_once(cmd, scratch, results[name])
    base = results["flake8"].cpu
    cold, warm = results["cold"].cpu - base, results["warm"].cpu - base
    idle = results["plugin not-selected"].cpu - results["flake8 not-selected"].cpu
    same = sorted(results["cold"].output_lines) == sorted(results["warm"].output_lines)
    lines = physical_lines(path.read_text(encoding="utf-8", errors="replace"))
    return [
        f"| {path.name} ({lines:,} lines) | {fmt(base)} | {fmt(cold)} ({fmt(ratio(cold, base), 1)}×) "
        f"{verdict(cold <= TARGET_FILE_COLD_S)} | {fmt(warm)} ({fmt(ratio(warm, base), 1)}×) "
        f"{verdict(warm <= TARGET_FILE_WARM_S)} | {fmt(idle)} {verdict(idle <= TARGET_NOT_SELECTED_S)} | "
        f"{'yes' if same else 'NO'} |"
    ]


def single_file_report(tools: Tools, paths: list[Path], repeat: int, scratch: Path) -> list[str]:
    out = [
        "### One file in a fresh process",
        "",
        f"CPU s, best of {repeat}; added = flake8 + plugin − flake8 alone. Targets: warm ≤ "
        f"{TARGET_FILE_WARM_S} s, cold ≤ {TARGET_FILE_COLD_S} s, not selected ≤ {TARGET_NOT_SELECTED_S} s.",
        "",
        "| file | flake8 alone | added, cold cache | added, warm cache | added, none of its codes "
        "selected | same findings warm/cold |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for path in paths:
        out += single_file_rows(tools, path.resolve(), repeat, scratch)
    return out


def nproc() -> int:
    """CPUs this process may run on (what `nproc` prints), not all the host has."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_state(path: Path) -> str:
    """Commit of the plugin source, and whether the work tree had changes (they are timed)."""

    def git(*args: str) -> str:
        cmd = ["git", "-C", str(path), *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()

    try:
        commit, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return commit + (" + uncommitted changes" if dirty else "")


def machine_section(tools: Tools, args: argparse.Namespace) -> list[str]:
    plug = dist_versions(tools.plugin, (*FLAKE8_CORE, "astroid", PLUGIN_DIST))
    base = dist_versions(tools.baseline, FLAKE8_CORE)
    lint = dist_versions(tools.pylint, ("pylint", "astroid"))
    plugin_from = args.plugin_python or (
        f"{args.plugin_source} (non-editable), {git_state(args.plugin_source)}"
    )
    return [
        f"- machine: nproc {nproc()}, {cpu_model()}, "
        f"{platform.system()} {platform.release()}",
        f"- Python: {python_version(tools.plugin)} (plugin), {python_version(tools.baseline)} (baseline), "
        f"{python_version(tools.pylint)} (pylint)",
        "- flake8 (baseline): " + ", ".join(f"{k} {v}" for k, v in base.items()),
        "- flake8 (plugin): " + ", ".join(f"{k} {v}" for k, v in plug.items()),
        f"- plugin from: {plugin_from}",
        f"- pylint {lint['pylint']}, astroid {lint['astroid']}",
    ]


def commands_section(tools: Tools, corpus: Corpus, paths: list[Path]) -> list[str]:
    """The exact commands, with the file list shown as $FILES (it can be thousands long)."""
    files_placeholder = [Path("$FILES")]
    lines = ["```sh"]
    lines.append(
        f"# FILES: the {len(corpus.files)} *.py files under {' '.join(map(str, paths))} that parse, "
        "sorted by path; the slice is a prefix of it"
    )
    if corpus.unparsable:
        lines.append(f"# left out (do not parse on this Python): {len(corpus.unparsable)} files")
    for name, cmd in tools.commands(files_placeholder).items():
        lines.append(f"# {name}")
        lines.append(shlex.join(cmd).replace("'$FILES'", "$FILES"))
    lines.append("```")
    return lines


def report(
    args: argparse.Namespace, tools: Tools, corpus: Corpus, sets: list[SetResult], startup: SetResult
) -> str:
    whole = sets[-1]
    slice_ = sets[0] if len(sets) > 1 else None
    out = [
        "## flake8-async-tests speed benchmark",
        "",
        f"Corpus: {', '.join(map(str, args.paths))}. CPU = user+system seconds of the child "
        f"process, best of {args.repeat}; peak RSS = max over the runs; flake8 `--jobs=1`.",
        "",
        *markdown_table(sets),
        "",
        f"Fixed start-up cost (one empty file): flake8 {fmt(startup.results['flake8'].cpu)} s, "
        f"flake8 + plugin {fmt(startup.results['flake8+plugin'].cpu)} s, "
        f"pylint {fmt(startup.results['pylint'].cpu)} s.",
        "",
    ]
    for item in sets:
        out += [f"- {item.label}: " + note for note in consistency_notes(item.results)]
    if slice_ is not None:
        diff = linearity(slice_, whole)
        out += [
            "",
            f"Linearity: plugin added CPU per 1,000 lines: slice {fmt(slice_.added_per_1k, 4)} s, "
            f"whole {fmt(whole.added_per_1k, 4)} s; difference (larger / smaller − 1) "
            f"{fmt(None if diff is None else diff * 100, 1, '%')}.",
        ]
    out += ["", "### Targets (whole set)", "", *targets_table(whole, slice_)]
    out += ["", "### Machine and versions", "", *machine_section(tools, args)]
    out += ["", "### Commands", "", *commands_section(tools, corpus, args.paths)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time flake8 alone, flake8 + flake8-async-tests, and pylint's async checks on a corpus.",
    )
    add = parser.add_argument
    add("paths", nargs="*", type=Path, help="directories or *.py files to lint as a whole set")
    add(
        "--single-file",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="also time this file alone in a fresh process: cold cache, warm cache, not selected "
             "(repeatable)",
    )
    add(
        "--slice-lines",
        type=int,
        metavar="N",
        help="also time the first N lines (whole files, sorted path order): the linearity check",
    )
    add("--repeat", type=int, default=3, help="runs per command; the best CPU counts (default 3)")
    add(
        "--venvs",
        type=Path,
        default=DEFAULT_VENVS,
        help=f"where the baseline/plugin/pylint venvs live (default {DEFAULT_VENVS})",
    )
    add("--reuse", action="store_true", help="do not rebuild the plugin in an existing plugin venv")
    add(
        "--plugin-python",
        metavar="PATH",
        help="an existing interpreter with flake8 and the plugin, instead of the plugin venv",
    )
    add(
        "--plugin-source",
        type=Path,
        default=REPO_ROOT,
        help=f"the plugin to install in the plugin venv (default {REPO_ROOT})",
    )
    add("--python", default=sys.executable, help="interpreter the venvs are made with (default: this one)")
    add("--output", type=Path, help="also write the Markdown report to this file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def prepare_tools(args: argparse.Namespace, scratch: Path) -> Tools:
    plugin = plugin_environment(args, scratch)
    pins = dist_versions(plugin, FLAKE8_CORE)
    if not pins["flake8"]:
        raise SystemExit(f"benchmark: {plugin} has no flake8")
    baseline = baseline_environment(args, pins)
    pylint = pylint_environment(args, dist_versions(plugin, ("astroid",))["astroid"])
    check_environments(plugin, baseline)
    versions = {python_version(p) for p in (plugin, baseline, pylint)}
    if len(versions) > 1:
        log(f"WARNING: the three interpreters differ in Python version: {sorted(versions)}")
    return Tools(baseline=baseline, plugin=plugin, pylint=pylint)


def time_set(label: str, corpus: Corpus, tools: Tools, args: argparse.Namespace, scratch: Path) -> SetResult:
    files = [source.path for source in corpus.files]
    return SetResult(label, corpus, measure(tools, files, args.repeat, scratch, label))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.venvs = args.venvs.resolve()
    args.plugin_source = args.plugin_source.resolve()
    if not args.paths and not args.single_file:
        raise SystemExit("benchmark: give directories to lint, --single-file, or both")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        scratch = Path(tmp)
        tools = prepare_tools(args, scratch)
        tools.warm_cache = scratch / "warm-set"
        text = ""
        if args.single_file:
            text = "\n".join(["## flake8-async-tests: one file", "",
                              *single_file_report(tools, args.single_file, args.repeat, scratch),
                              "", "### Machine and versions", "", *machine_section(tools, args)]) + "\n"
        if args.paths:
            text += "\n" + whole_set_report(args, tools, scratch)
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text)
    return 0


def whole_set_report(args: argparse.Namespace, tools: Tools, scratch: Path) -> str:
    corpus = load_corpus(args.paths)
    if not corpus.files:
        raise SystemExit("benchmark: no parsable *.py files in the given paths")
    log(
        f"corpus: {len(corpus.files)} files, {corpus.lines:,} lines "
        f"({len(corpus.unparsable)} left out: do not parse)"
    )
    empty = scratch / "empty.py"
    empty.write_text("")
    # Also the warm-up: byte-compiles whatever is not compiled yet before the real runs.
    startup = time_set("empty file", Corpus([SourceFile(empty, 0)]), tools, args, scratch)
    sets = []
    if args.slice_lines:
        label = f"slice (first {args.slice_lines:,} lines)"
        sets.append(time_set(label, corpus.slice(args.slice_lines), tools, args, scratch))
    sets.append(time_set("whole set", corpus, tools, args, scratch))
    return report(args, tools, corpus, sets, startup)


if __name__ == "__main__":
    sys.exit(main())
