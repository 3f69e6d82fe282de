"""One walk of the module; each rule receives only the node kinds it asked for.

Why a dispatch table: rules are many and node kinds few. Looking rules up by node type once
keeps the walk linear in the size of the module, whatever the number of rules. A rule that
fails on one node loses that node's findings, never the file's, and says so once per file (a
warning naming the first failure); a file whose analysis runs past its bound (budget.py) stops
being analysed (its findings so far are kept, and a warning says so).
"""

from __future__ import annotations

import logging
from typing import Iterable

from astroid import nodes

from . import budget
from .inference import raise_internal_errors
from .rules.base import Context, Finding, Rule

LOG = logging.getLogger("flake8_async_tests")


class Dispatcher:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = list(rules)
        self._by_type: dict[type, list[Rule]] = {}
        #: the internal errors contained in this run: (rule code, error), first one first
        self.failures: list[tuple[str, BaseException]] = []

    def rules_for(self, node_type: type) -> list[Rule]:
        found = self._by_type.get(node_type)
        if found is None:
            found = [rule for rule in self.rules if rule.visits and issubclass(node_type, rule.visits)]
            self._by_type[node_type] = found
        return found

    def run(self, module: nodes.Module, ctx: Context) -> list[Finding]:
        """The findings of every rule, until the file's time bound or the first inference cut
        short by its budget. After a cut, astroid keeps answering "unknown" for what it was
        inferring; a rule whose exemption needs an answer (ASYNC652: "does a helper await
        it?") would then report what it should not: the check that saw the cut, and all that
        follow, report nothing (a missing finding, never a false one)."""
        findings: list[Finding] = []
        stack: list[nodes.NodeNG] = [module]
        cut = budget.cut_short_count()
        stopped = ""
        while stack and not stopped:
            node = stack.pop()
            for rule in self.rules_for(type(node)):
                found = self._guarded(rule.check, node, ctx, rule)
                if budget.cut_short_count() != cut:
                    stopped = self._why_cut(node)
                    break
                findings.extend(found)
            stack.extend(reversed(list(node.get_children())))
            if not stopped and budget.file_time_is_up():
                stopped = f"it took more than {budget.file_seconds():.0f} s to analyse"
        for rule in self.rules if not stopped else ():
            found = self._guarded(rule.finish, None, ctx, rule)
            if budget.cut_short_count() != cut:
                stopped = self._why_cut(None)
                break
            findings.extend(found)
        if stopped:
            LOG.warning("flake8-async-tests: %s: %s; analysis stopped, some findings may be missing",
                        module.file, stopped)
        if self.failures:
            code, error = self.failures[0]
            LOG.warning("flake8-async-tests: %d internal error(s) in %s, some findings may be missing "
                        "(first: %s %r)", len(self.failures), module.file, code, error)
        return findings

    @staticmethod
    def _why_cut(node: nodes.NodeNG | None) -> str:
        if budget.file_time_is_up():  # the inference had what was left of the file's time
            return f"it took more than {budget.file_seconds():.0f} s to analyse"
        where = f" at line {node.lineno}" if node is not None and node.lineno else ""
        return f"an inference{where} ran past its budget"

    def _guarded(self, method, node, ctx: Context, rule: Rule) -> list[Finding]:
        try:
            return list(method(node, ctx) if node is not None else method(ctx))
        except Exception as error:  # never take flake8 down; RecursionError included
            if raise_internal_errors():
                raise
            LOG.debug("flake8-async-tests: %s failed on %r", rule.code, node, exc_info=True)
            self.failures.append((rule.code, error))
            return []
