"""Success rate, mean steps and pass^k per env and task family, as JSON and as a table.

pass^k follows tau-bench: for a task instance tried n times with c successes,
pass^k = C(c, k) / C(n, k) — the chance that k trials drawn from its n all succeed — averaged
over instances. pass^1 is the success rate; pass^k falls as an agent gets less consistent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from math import comb
from typing import Any

__all__ = ["pass_hat_k", "mean_pass_hat_k", "summarise", "format_table"]


def pass_hat_k(n: int, c: int, k: int) -> float:
    """C(c, k) / C(n, k): the chance that k of n trials (c of them successes) all succeed."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass^k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    return comb(c, k) / comb(n, k)


def mean_pass_hat_k(trials: Iterable[Sequence[bool]], k: int) -> float | None:
    """pass^k averaged over instances (each a list of trial successes) with >= k trials."""
    values = [pass_hat_k(len(t), sum(t), k) for t in trials if len(t) >= k]
    return sum(values) / len(values) if values else None


def summarise(records: Sequence[dict[str, Any]], k: int = 1) -> dict[str, Any]:
    """Rows per (env, task family) plus an `all` row; pass^1..pass^k when k > 1."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        groups[(record["env_id"], record["task_id"])].append(record)
    rows = [_row(env_id, task_id, group, k) for (env_id, task_id), group in sorted(groups.items())]
    return {"k": k, "episodes": len(records), "rows": rows,
            "all": _row("all", "all", list(records), k)}


def _row(env_id: str, task_id: str, group: list[dict[str, Any]], k: int) -> dict[str, Any]:
    count = max(1, len(group))
    row: dict[str, Any] = {
        "env": env_id, "task": task_id, "episodes": len(group),
        "success": sum(bool(r["success"]) for r in group) / count,
        "mean_steps": sum(r["steps"] for r in group) / count}
    if k > 1:
        trials: dict[str, list[bool]] = defaultdict(list)
        for record in group:
            trials[record["instance"]].append(bool(record["success"]))
        row["instances"] = len(trials)
        row["pass_hat"] = {str(j): mean_pass_hat_k(trials.values(), j) for j in range(1, k + 1)}
    return row


def format_table(summary: dict[str, Any], policy: str) -> str:
    """A plain-text results table of a `summarise` result."""
    k = summary["k"]
    passes = [f"pass^{j}" for j in range(1, k + 1)] if k > 1 else []
    header = (f"{'env':<24} {'task':<36} {'episodes':>8} {'success':>8} {'steps':>6}"
              + "".join(f" {name:>7}" for name in passes))
    lines = [f"policy: {policy}", header]
    for row in [*summary["rows"], summary["all"]]:
        task = "" if row["task"] == "all" else row["task"]
        line = (f"{row['env']:<24} {task:<36} {row['episodes']:>8} {row['success']:>8.2f} "
                f"{row['mean_steps']:>6.1f}")
        for j in range(1, k + 1 if k > 1 else 1):
            value = row["pass_hat"][str(j)]
            line += f" {'-':>7}" if value is None else f" {value:>7.2f}"
        lines.append(line)
    return "\n".join(lines)
