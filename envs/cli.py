"""The `webtwin` command: `serve` a server for browsers, `rollout` many episodes, list `tasks`."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
    from webtwin.envs import rollout

    if os.getcwd() not in sys.path:  # so that `--policy my_agent:act` finds ./my_agent.py
        sys.path.insert(0, os.getcwd())
    policy = rollout.PolicyConfig(args.policy, base_url=args.base_url,
                                  timeout=args.llm_timeout, retries=args.llm_retries,
                                  temperature=args.temperature)
    env_ids = args.env or webtwin.envs.env_ids("text")
    config = rollout.RolloutConfig(env_ids, args.episodes, policy, seed=args.seed,
                                   split=args.split, task=args.task, k=args.k,
                                   max_steps=args.max_steps, num_envs=args.num_envs,
                                   backend=args.backend, address=args.address,
                                   contexts=args.contexts)
    try:
        result = rollout.run_rollout(config, Path(args.out), resume=args.resume,
                                     overwrite=args.overwrite)
    except rollout.RolloutError as error:
        print(f"webtwin rollout: error: {error}", file=sys.stderr)
        return 2
    print(rollout.format_table(result.summary, args.policy))
    rate = result.steps / result.seconds if result.seconds else 0.0
    print(f"{result.ran} episodes run ({result.skipped} already done), {result.steps} "
          f"env-steps in {result.seconds:.1f} s ({rate:.0f} steps/s incl. world generation "
          f"and process start-up); results in {args.out}")
    return 0


def _add_rollout(commands: Any) -> None:
    rollout = commands.add_parser("rollout", help="run episodes with a policy in parallel")
    rollout.add_argument("--env", action="append", help="env id (repeatable; default: all)")
    rollout.add_argument("--episodes", type=int, default=32,
                         help="episodes in all, a multiple of --k")
    rollout.add_argument("--num-envs", type=int, default=2,
                         help="parallel workers: processes, or Ray actors (local, 1: this process)")
    rollout.add_argument("--contexts", type=int, default=1,
                         help="episodes at once in each worker, each in its own context of "
                              "the worker's one Chromium (browser env ids only; default 1)")
    rollout.add_argument("--backend", default="local", choices=["local", "ray"],
                         help="local: worker processes on this machine; ray: --num-envs Ray "
                              "actors (pip install 'webtwin[ray]')")
    rollout.add_argument("--address", default=None,
                         help="Ray cluster for --backend ray, e.g. ray://head:10001 or auto "
                              "(default: start a local Ray with --num-envs CPUs)")
    rollout.add_argument("--policy", default="oracle",
                         help="oracle, random, noop, package.module:callable, openai:<model>")
    rollout.add_argument("--task", default=None, help="one task id (default: drawn per seed)")
    rollout.add_argument("--seed", type=int, default=0, help="offset into the split's seeds")
    rollout.add_argument("--split", default="train", choices=["train", "val", "test"])
    rollout.add_argument("--k", type=int, default=1,
                         help="tries per task instance (same world and task), for pass^k")
    rollout.add_argument("--max-steps", type=int, default=50)
    rollout.add_argument("--out", required=True, help="output directory")
    existing = rollout.add_mutually_exclusive_group()
    existing.add_argument("--resume", action="store_true",
                          help="continue the run in --out: skip its finished episodes")
    existing.add_argument("--overwrite", action="store_true",
                          help="delete the results already in --out and start over")
    rollout.add_argument("--base-url", default=None,
                         help="OpenAI-compatible endpoint for openai:<model>, e.g. "
                              "http://127.0.0.1:8000/v1 (key: $OPENAI_API_KEY)")
    rollout.add_argument("--temperature", type=float, default=None)
    rollout.add_argument("--llm-retries", type=int, default=3)
    rollout.add_argument("--llm-timeout", type=float, default=120.0, help="seconds")
    rollout.set_defaults(run=_rollout)


def _tasks(args: argparse.Namespace) -> int:
    from webtwin.simulators import SITES, site_sets, task_families
    from webtwin.simulators.core import WorldFactory

    factory = WorldFactory()
    print("| task id | difficulty | example instruction |\n|---|---|---|")
    for name in args.env or sorted(site_sets()):
        specs = [SITES[site] for site in site_sets()[name]]
        for task_id, family in task_families(name).items():
            start = factory.episode(specs, args.seed, family())
            instruction = start.instance.instruction if start.instance else ""
            cell = instruction.replace("|", "\\|")
            print(f'| `{task_id}` | {family.difficulty} | "{cell}" |')
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="webtwin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve every site for browsers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--seed", type=int, default=0, help="seed of the demo world")
    serve.set_defaults(run=_serve)
    _add_rollout(commands)
    tasks = commands.add_parser("tasks", help="list task families with an example instruction")
    tasks.add_argument("--env", action="append", help="site set (mail, shop, workday, ...)")
    tasks.add_argument("--seed", type=int, default=0, help="world seed of the examples")
    tasks.set_defaults(run=_tasks)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
