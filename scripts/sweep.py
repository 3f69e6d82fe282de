#!/usr/bin/env python3
"""Run flake8 (normally only our ASYNC rules) over a corpus of real async test suites.

Why: a lint rule is only worth shipping if its hit rate on real, well-maintained
test suites is plausible.  This script turns "run flake8 over N checkouts" into one
reproducible command whose Markdown output can be diffed between plugin versions.

The corpus is described by ``corpus.tsv`` (next to this script): one suite per line,
tab-separated, with a header line::

    name  repo  commit  tests  runner  test_lines

The checkouts themselves are *not* part of this repository (they are third-party
code); each is expected at ``<corpus-root>/<name>/``.  Suites without a checkout are
listed as missing instead of failing the sweep, so a partial corpus still yields a
useful report.

Standard library only; Python 3.10+.
"""

from __future__ import annotations

import argparse
import csv
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, TextIO

DEFAULT_CORPUS_TSV = Path(__file__).resolve().with_name("corpus.tsv")
DEFAULT_CORPUS_ROOT = Path("/work/corpus")
TSV_COLUMNS = ("name", "repo", "commit", "tests", "runner", "test_lines")

# flake8's --format=default: "path:line:col: CODE message".  The path may itself
# contain colons on exotic systems, hence the non-greedy match anchored on the
# numeric fields.
FINDING_RE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+[0-9]+) (?P<message>.*)$"
)


@dataclass(frozen=True)
class Suite:
    """One row of corpus.tsv."""

    name: str
    repo: str
    commit: str
    tests: tuple[str, ...]
    runner: str
    test_lines: int


@dataclass(frozen=True)
class Finding:
    """One flake8 report line, tied back to the suite it came from."""

    suite: str
    path: str
    line: int
    col: int
    code: str
    message: str

    def render(self) -> str:
        """Format as ``name:path:line:col: CODE message`` (grep- and editor-friendly)."""
        return f"{self.suite}:{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass
class SuiteResult:
    """Everything we learned from running flake8 over one suite."""

    suite: Suite
    command: list[str]
    returncode: int | None = None  # None means it timed out
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    unparsed_stdout: list[str] = field(default_factory=list)
    stderr: str = ""
    missing_paths: list[str] = field(default_factory=list)

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def crashed(self) -> bool:
        """flake8 exits 0 (clean) or 1 (findings); anything else, or 1 with stderr
        and nothing parsed, means flake8 or a plugin blew up."""
        if self.timed_out:
            return True
        if self.returncode not in (0, 1):
            return True
        return self.returncode == 1 and not self.findings and bool(self.stderr.strip())

    @property
    def status(self) -> str:
        if self.timed_out:
            return "timeout"
        if self.crashed:
            return f"crash (rc={self.returncode})"
        if self.stderr.strip():
            return "ok (stderr)"
        return "ok"


# --------------------------------------------------------------------------- input


def read_corpus(tsv_path: Path) -> list[Suite]:
    """Parse corpus.tsv; fail loudly on a malformed row, since a silently skipped
    suite would skew the per-1,000-lines rates."""
    suites: list[Suite] = []
    with tsv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != TSV_COLUMNS:
            expected = "\t".join(TSV_COLUMNS)
            raise SystemExit(f"{tsv_path}: header must be {expected!r}, got {header!r}")
        for lineno, row in enumerate(reader, start=2):
            if not row or row[0].startswith("#"):
                continue
            if len(row) != len(TSV_COLUMNS):
                raise SystemExit(f"{tsv_path}:{lineno}: expected {len(TSV_COLUMNS)} columns, got {len(row)}")
            name, repo, commit, tests, runner, test_lines = (cell.strip() for cell in row)
            suites.append(
                Suite(
                    name=name,
                    repo=repo,
                    commit=commit,
                    tests=tuple(p.strip() for p in tests.split(",") if p.strip()),
                    runner=runner,
                    test_lines=int(test_lines),
                )
            )
    return suites


def select_suites(suites: list[Suite], only: list[str] | None) -> list[Suite]:
    """Apply --only; an unknown name is an error rather than an empty report."""
    if not only:
        return suites
    known = {s.name for s in suites}
    unknown = sorted(set(only) - known)
    if unknown:
        raise SystemExit(f"--only: unknown suite(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return [s for s in suites if s.name in only]


# --------------------------------------------------------------------------- running


def flake8_command(python: str, select: str, extend_select: str | None, paths: Iterable[str]) -> list[str]:
    """Build the flake8 invocation.

    --isolated: ignore the project's own setup.cfg/tox.ini/.flake8, whose
    select/ignore/per-file-ignores would otherwise hide or add findings and make
    suites incomparable.  --jobs=1: deterministic order and no multiprocessing
    surprises when a plugin crashes.
    """
    cmd = [python, "-m", "flake8", "--isolated", f"--select={select}", "--jobs=1", "--format=default"]
    if extend_select:
        cmd.append(f"--extend-select={extend_select}")
    cmd.extend(paths)
    return cmd


def _text(data: str | bytes | None) -> str:
    """subprocess.TimeoutExpired carries bytes even with text=True; normalise."""
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


def parse_stdout(suite: str, stdout: str) -> tuple[list[Finding], list[str]]:
    """Split flake8 stdout into findings and anything we could not parse (kept,
    because an unparsable line usually means a format or plugin problem)."""
    findings: list[Finding] = []
    unparsed: list[str] = []
    for raw in stdout.splitlines():
        if not raw.strip():
            continue
        match = FINDING_RE.match(raw)
        if match is None:
            unparsed.append(raw)
            continue
        path = match["path"]
        if path.startswith("./"):
            path = path[2:]
        findings.append(
            Finding(suite, path, int(match["line"]), int(match["col"]), match["code"], match["message"])
        )
    return findings, unparsed


def run_suite(
    suite: Suite, checkout: Path, python: str, select: str, extend_select: str | None, timeout: float | None
) -> SuiteResult:
    """Run flake8 from inside the checkout so relative paths in findings match the
    repository layout (and so a project-relative plugin option would resolve)."""
    present = [p for p in suite.tests if (checkout / p).exists()]
    missing = [p for p in suite.tests if not (checkout / p).exists()]
    cmd = flake8_command(python, select, extend_select, present)
    result = SuiteResult(suite=suite, command=cmd, missing_paths=missing)
    if not present:
        result.returncode = 0
        return result

    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=checkout, capture_output=True, text=True, timeout=timeout, check=False)
        stdout, result.stderr, result.returncode = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        stdout, result.stderr, result.returncode = _text(exc.stdout), _text(exc.stderr), None
    result.seconds = time.monotonic() - started
    result.findings, result.unparsed_stdout = parse_stdout(suite.name, stdout)
    return result


def flake8_version(python: str) -> str:
    """Record which flake8 and plugin versions produced the report."""
    try:
        proc = subprocess.run(
            [python, "-m", "flake8", "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"(could not run flake8 --version: {exc})"
    return " ".join((proc.stdout or proc.stderr).split())


# --------------------------------------------------------------------------- report


def per_kloc(count: int, lines: int) -> str:
    """Findings per 1,000 test lines, the unit that makes big and small suites comparable."""
    return f"{1000 * count / lines:.3f}" if lines else "n/a"


def md_escape(text: str) -> str:
    """Keep table cells from breaking the Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def fence(text: str) -> str:
    """Fence a block, lengthening the fence if the text itself contains backticks."""
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text.rstrip()}\n{ticks}"


def render_header(args: argparse.Namespace, version: str, swept: list[SuiteResult]) -> list[str]:
    extend = f" --extend-select={args.extend_select}" if args.extend_select else ""
    total_lines = sum(r.suite.test_lines for r in swept)
    return [
        "# flake8-async-tests corpus sweep",
        "",
        f"- flake8: `{version}`",
        f"- python: `{args.python}`",
        f"- rules: `--select={args.select}{extend}` (run with `--isolated --jobs=1`)",
        f"- corpus: `{args.corpus}` at `{args.corpus_root}`",
        f"- suites swept: {len(swept)}, test lines swept: {total_lines:,}",
        "",
    ]


def render_suite_table(results: list[SuiteResult]) -> list[str]:
    lines = [
        "## Per repository",
        "",
        "| suite | repo | commit | runner | test lines | findings | per 1k lines | status | seconds |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        s = r.suite
        lines.append(
            f"| {s.name} | {s.repo} | `{s.commit[:12]}` | {md_escape(s.runner)} | {s.test_lines:,} "
            f"| {len(r.findings)} | {per_kloc(len(r.findings), s.test_lines)} "
            f"| {r.status} | {r.seconds:.1f} |"
        )
    total_findings = sum(len(r.findings) for r in results)
    total_lines = sum(r.suite.test_lines for r in results)
    lines.append(
        f"| **total** | | | | {total_lines:,} | {total_findings} "
        f"| {per_kloc(total_findings, total_lines)} | | |"
    )
    return lines + [""]


def render_code_table(results: list[SuiteResult]) -> list[str]:
    """Per rule code: how often it fires overall and in how many suites, which is
    what tells a noisy rule from a real pattern."""
    counts: Counter[str] = Counter()
    suites_hit: dict[str, set[str]] = {}
    for r in results:
        for f in r.findings:
            counts[f.code] += 1
            suites_hit.setdefault(f.code, set()).add(r.suite.name)
    total_lines = sum(r.suite.test_lines for r in results)
    lines = ["## Per rule code", ""]
    if not counts:
        return lines + ["No findings.", ""]
    lines += ["| code | findings | per 1k lines | suites | where |", "| --- | ---: | ---: | ---: | --- |"]
    for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        hit = sorted(suites_hit[code])
        lines.append(f"| {code} | {count} | {per_kloc(count, total_lines)} | {len(hit)} | {', '.join(hit)} |")
    return lines + [""]


def render_matrix(results: list[SuiteResult]) -> list[str]:
    """Suite x code counts, so one suite dominating a rule's total is visible."""
    codes = sorted({f.code for r in results for f in r.findings})
    if not codes:
        return []
    lines = ["## Per repository and rule code", "", "| suite | " + " | ".join(codes) + " |"]
    lines.append("| --- |" + " ---: |" * len(codes))
    for r in results:
        per = Counter(f.code for f in r.findings)
        lines.append(f"| {r.suite.name} | " + " | ".join(str(per.get(c, 0)) for c in codes) + " |")
    return lines + [""]


def render_missing(missing: list[Suite], results: list[SuiteResult], root: Path) -> list[str]:
    lines = ["## Missing", ""]
    partial = [r for r in results if r.missing_paths]
    if not missing and not partial:
        return lines + ["None.", ""]
    for s in missing:
        lines.append(f"- {s.name} ({s.repo} @ {s.commit[:12]}): no checkout at `{root / s.name}`")
    for r in partial:
        lines.append(f"- {r.suite.name}: test path(s) not found in checkout: {', '.join(r.missing_paths)}")
    return lines + [""]


def render_problems(results: list[SuiteResult]) -> list[str]:
    """flake8 crash output per suite: a plugin traceback on real code is the most
    valuable thing a sweep can find, so it is never truncated."""
    lines = ["## flake8 errors (stderr, crashes, timeouts)", ""]
    troubled = [r for r in results if r.crashed or r.stderr.strip() or r.unparsed_stdout]
    if not troubled:
        return lines + ["None.", ""]
    for r in troubled:
        lines += [
            f"### {r.suite.name}: {r.status}",
            "",
            f"Command (cwd = checkout): `{shlex.join(r.command)}`",
            "",
        ]
        if r.timed_out:
            lines += ["Timed out; findings above are partial.", ""]
        if r.stderr.strip():
            lines += [fence(r.stderr), ""]
        if r.unparsed_stdout:
            lines += ["Unparsed stdout:", "", fence("\n".join(r.unparsed_stdout)), ""]
    return lines


def render_findings(results: list[SuiteResult]) -> list[str]:
    lines = ["## Findings", ""]
    all_findings = [f for r in results for f in r.findings]
    if not all_findings:
        return lines + ["None.", ""]
    return lines + [fence("\n".join(f.render() for f in all_findings)), ""]


def write_report(
    out: TextIO, args: argparse.Namespace, version: str, results: list[SuiteResult], missing: list[Suite]
) -> None:
    parts = (
        render_header(args, version, results),
        render_suite_table(results),
        render_code_table(results),
        render_matrix(results),
        render_missing(missing, results, args.corpus_root),
        render_problems(results),
        render_findings(results),
    )
    out.write("\n".join(line for part in parts for line in part).rstrip() + "\n")


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS_TSV, help="corpus TSV (default: %(default)s)"
    )
    parser.add_argument(
        "--corpus-root",
        type=Path,
        default=DEFAULT_CORPUS_ROOT,
        help="directory holding <name>/ checkouts (default: %(default)s)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter that has flake8 + the plugin (default: this one)",
    )
    parser.add_argument("--out", default="-", help="Markdown report path, '-' for stdout (default)")
    parser.add_argument("--only", action="append", metavar="NAME", help="sweep only this suite (repeatable)")
    parser.add_argument("--select", default="ASYNC", help="flake8 --select (default: %(default)s)")
    parser.add_argument("--extend-select", help="passed through to flake8 --extend-select")
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds per suite, 0 for none (default: %(default)s)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    suites = select_suites(read_corpus(args.corpus), args.only)
    timeout = args.timeout or None
    version = flake8_version(args.python)

    results: list[SuiteResult] = []
    missing: list[Suite] = []
    for suite in suites:
        checkout = args.corpus_root / suite.name
        if not checkout.is_dir():
            missing.append(suite)
            continue
        print(f"sweeping {suite.name} ...", file=sys.stderr, flush=True)
        results.append(run_suite(suite, checkout, args.python, args.select, args.extend_select, timeout))

    if args.out == "-":
        write_report(sys.stdout, args, version, results, missing)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            write_report(out, args, version, results, missing)
    # Non-zero only for tool trouble, not for findings: findings are the point.
    return 2 if any(r.crashed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
