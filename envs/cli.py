"""The `webtwin` command: `serve` a server for browsers, `rollout` many episodes."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from webtwin.simulators import SITES, task_families
    from webtwin.simulators.core import WorldStore, create_app

    sites = list(SITES.values())
    token = os.environ.get("WEBTWIN_CONTROL_TOKEN") or secrets.token_urlsafe(24)
    store = WorldStore(sites, demo_seed=args.seed)
    app = create_app(sites, store, control_token=token, task_families=task_families())
    store.demo()  # generate before the first browser arrives
    print(f"webtwin: demo world seed {args.seed}", file=sys.stderr)
    for site in sites:
        print(f"  {site.title:<8} http://{site.host}:{args.port}/", file=sys.stderr)
    print(f"  control API: http://{args.host}:{args.port}/__control__/docs "
          f"(Authorization: Bearer {token})", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _rollout(args: argparse.Namespace) -> int:
    import webtwin.envs
    from webtwin.envs.rollout import format_table, plan_episodes, run_rollout

    env_ids = args.env or webtwin.envs.env_ids("text")
    specs = plan_episodes(env_ids, args.episodes, seed=args.seed, split=args.split,
                          task=args.task)
    started = time.perf_counter()  # allow-nondeterminism: wall time of the run, reported only
    results = run_rollout(specs, args.policy, num_workers=args.num_envs,
                          max_steps=args.max_steps, out=Path(args.out) if args.out else None)
    elapsed = time.perf_counter() - started  # allow-nondeterminism: reporting only
    print(format_table(results, args.policy))
    steps = sum(r.steps for r in results)
    print(f"{len(results)} episodes, {steps} env-steps in {elapsed:.1f} s "
          f"({steps / elapsed:.0f} steps/s incl. world generation and process start-up)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="webtwin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve every site for browsers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--seed", type=int, default=0, help="seed of the demo world")
    serve.set_defaults(run=_serve)
    rollout = commands.add_parser("rollout", help="run episodes with a policy in parallel")
    rollout.add_argument("--env", action="append", help="env id (repeatable; default: all)")
    rollout.add_argument("--episodes", type=int, default=32)
    rollout.add_argument("--num-envs", type=int, default=2, help="parallel worker processes")
    rollout.add_argument("--policy", default="oracle", help="oracle, random, noop, module:fn")
    rollout.add_argument("--task", default=None, help="one task id (default: drawn per seed)")
    rollout.add_argument("--seed", type=int, default=0, help="offset into the split's seeds")
    rollout.add_argument("--split", default="train", choices=["train", "val", "test"])
    rollout.add_argument("--max-steps", type=int, default=50)
    rollout.add_argument("--out", default=None, help="directory for episodes.jsonl")
    rollout.set_defaults(run=_rollout)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
