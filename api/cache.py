"""Finished answers to reads, kept per server process until the store changes.

Every write to the store bumps its revision, so an answer stored under (revision, URL) is the answer
until the next write; it is looked up before the view runs and costs one small query. Newsroom
widgets ask the same few pages over and over; a hit skips parsing, the database scan and rendering.
The cache is bounded by the bytes of the bodies it holds, least recently used first out.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Response


class ResponseCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, tuple[bytes, dict, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
        body, headers, etag = entry
        response = Response(body, headers=headers)
        response.set_etag(etag)
        return response

    def put(self, key: tuple, response: Response) -> None:
        if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
            return
        body = response.get_data()
        if len(body) > self.max_bytes // 8:
            return
        etag, _weak = response.get_etag()
        if etag is None:
            response.add_etag()
            etag, _weak = response.get_etag()
        headers = {name: value for name, value in response.headers.items() if name.lower() != "etag"}
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (body, headers, etag)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._entries:
                _, (old, _, _) = self._entries.popitem(last=False)
                self._bytes -= len(old)
