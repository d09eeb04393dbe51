"""The real server under uvicorn: host routing, world cookies, the token-guarded control API."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from webtwin.simulators import SITES, task_families
from webtwin.simulators.core import WorldStore, create_app

TOKEN = "test-token-never-in-pages"


@dataclass
class Served:
    port: int
    store: WorldStore

    def get(self, host: str, path: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", host, path, **kwargs)

    def request(self, method: str, host: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {"host": f"{host}:{self.port}", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return httpx.request(method, f"http://127.0.0.1:{self.port}{path}", headers=headers,
                             timeout=30, **kwargs)  # type: ignore[arg-type]

    def control(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        return self.request(method, "localhost", f"/__control__{path}",
                            headers={"authorization": f"Bearer {TOKEN}"}, **kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    sites = list(SITES.values())
    store = WorldStore(sites, demo_seed=0)
    app = create_app(sites, store, control_token=TOKEN, task_families=task_families())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        thread.join(0.05)
    yield Served(port, store)
    server.should_exit = True
    thread.join(10)


def test_index_lists_every_site(served: Served) -> None:
    page = served.get("localhost", "/")
    assert page.status_code == 200
    for site in SITES.values():
        assert f"http://{site.host}:{served.port}/" in page.text


@pytest.mark.parametrize("site", sorted(SITES))
def test_site_without_cookie_shows_the_demo_world(served: Served, site: str) -> None:
    page = served.get(f"{site}.localhost", SITES[site].start_path)
    assert page.status_code == 200 and "data-bid" in page.text
    assert TOKEN not in page.text


def test_control_api_needs_the_token(served: Served) -> None:
    assert served.request("GET", "localhost", "/__control__/worlds").status_code == 401
    wrong = served.request("GET", "mail.localhost", "/__control__/worlds",
                           headers={"authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert served.control("GET", "/worlds").status_code == 200


def test_world_lifecycle_through_the_control_api(served: Served) -> None:
    created = served.control("POST", "/worlds",
                             json={"sites": ["mail"], "seed": 3, "task": "mail/star_thread"})
    assert created.status_code == 201, created.text
    world_id = created.json()["world_id"]
    assert created.json()["task"]["instruction"]
    start = served.control("GET", f"/worlds/{world_id}/digest").json()
    snapshot = served.control("GET", f"/worlds/{world_id}/snapshot").content
    assert snapshot.startswith(b"SQLite format 3")
    advanced = served.control("POST", f"/worlds/{world_id}/advance", json={"seconds": 7200})
    assert advanced.json()["now"] == start["now"] + 7200
    assert served.control("GET", f"/worlds/{world_id}/diff").json()
    fork = served.control("POST", f"/worlds/{world_id}/fork").json()["world_id"]
    restored = served.control("POST", f"/worlds/{world_id}/restore", content=snapshot)
    assert restored.json()["digest"] == start["digest"]
    assert served.control("GET", f"/worlds/{fork}/digest").json()["digest"] != start["digest"]
    verdict = served.control("POST", f"/worlds/{world_id}/verify", json={"answer": None})
    assert verdict.json()["reward"] == 0.0
    assert served.control("POST", f"/worlds/{world_id}/reset").json()["digest"] == start["digest"]
    state = served.control("GET", f"/worlds/{world_id}/state").json()
    assert state["tables"]["world_meta"]
    assert served.control("DELETE", f"/worlds/{world_id}").status_code == 204
    assert served.control("GET", f"/worlds/{world_id}/digest").status_code == 404
    served.control("DELETE", f"/worlds/{fork}")


def test_control_api_rejects_bad_requests(served: Served) -> None:
    assert served.control("POST", "/worlds", json={"sites": ["nope"], "seed": 1}).status_code == 422
    negative = served.control("POST", "/worlds", json={"sites": ["mail"], "seed": -1})
    assert negative.status_code == 422
    bad_task = served.control("POST", "/worlds", json={"sites": ["mail"], "seed": 1,
                                                      "task": "../../etc"})
    assert bad_task.status_code == 422
    created = served.control("POST", "/worlds", json={"sites": ["mail"], "seed": 1}).json()
    garbage = served.control("POST", f"/worlds/{created['world_id']}/restore", content=b"x" * 99)
    assert garbage.status_code == 422
    served.control("DELETE", f"/worlds/{created['world_id']}")


def test_cookie_binds_a_browser_to_its_world(served: Served) -> None:
    a = served.control("POST", "/worlds", json={"sites": ["mail"], "seed": 21}).json()
    b = served.control("POST", "/worlds", json={"sites": ["mail"], "seed": 22}).json()
    owner = {}
    for world in (a, b):
        hosted = served.store.get(world["world_id"])
        owner[world["world_id"]] = hosted.world.conn.execute(
            "SELECT name FROM mail_account").fetchone()[0]
    for world_id, name in owner.items():
        page = served.get("mail.localhost", "/inbox", cookies={"webtwin_world": world_id})
        assert page.status_code == 200 and name in page.text
        others = [n for w, n in owner.items() if w != world_id]
        assert all(other not in page.text for other in others)
    unknown = served.get("mail.localhost", "/inbox", cookies={"webtwin_world": "nope"})
    assert unknown.status_code == 404 and "no longer exists" in unknown.text
