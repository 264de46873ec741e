"""`timeline serve`: the API on gunicorn, several worker processes with threads each.

One Python process runs one request's Python code at a time, so a single process answers from one
core however many threads it has; gunicorn's pre-forked workers use every core. The app is built once
in the master before the workers fork (`preload_app`): the corpus is loaded and the rules checked
once, a broken configuration stops the start with one line, and the workers share the loaded code.
Each worker then opens its own database connections (`post_fork`), since a connection must not be
shared across processes.
"""
from __future__ import annotations

import gc
import os
import socket

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    return max(2, min(os.cpu_count() or 1, 8))


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (taken, not allowed, unknown host), or None: a bind
    test before anything is loaded or announced. SO_REUSEADDR as gunicorn sets it, so that a port left in
    TIME_WAIT by a stopped server is not called taken."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
        return None
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


class TimelineServer(BaseApplication):
    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings a newer gunicorn added are skipped on older ones
                self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(app, host: str, port: int, workers: int | None, threads: int, connection_limit: int) -> None:
    def post_fork(_arbiter, _worker) -> None:
        # the master's pooled connections stay the master's: the worker opens its own
        app.extensions["timeline.store"].engine.dispose(close=False)

    # Everything loaded so far (rules, word lists, the grammar, the engine) lives as long as the server:
    # kept out of the collector's sight, a full collection takes a millisecond instead of tens, which
    # showed as the slowest percent of answers, and the forked workers keep sharing those pages.
    gc.collect()
    gc.freeze()
    TimelineServer(app, {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": connection_limit,  # open connections per worker
        "preload_app": True,
        "post_fork": post_fork,
        "keepalive": 5,
        "timeout": 120,  # a worker silent for this long is replaced (a rules sync may be long)
        "graceful_timeout": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "timeline",
        "control_socket_disable": True,  # newer gunicorn: no control socket in the home folder
    }).run()
