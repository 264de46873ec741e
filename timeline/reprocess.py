"""Classify the whole stored archive again and switch the served timeline to the result at once.

An editor's change to the rules (or a new version of the analysis code) means running the archive
again. The run builds a new generation of mentions and events beside the one readers are served
(see `timeline.store`): the archive is cut into partitions of article ids, each partition is
classified by a worker that writes its mentions back through the store, then the mentions are
merged into events and readers are switched to the new generation in one transaction. Articles
that arrive while the run goes on are classified in that last transaction, so none is lost.

Workers are local processes (`workers`, all cores by default) or the workers of a Dask cluster
(`dask_address`: a `dask.bag` over the partitions). Cluster workers need the same version of this
package and access to the database (a PostgreSQL URL they can reach; a SQLite file only works when
they share its file system, as a LocalCluster does). The rule files travel with the tasks, so
workers do not need the editors' folder; a worker with another release of the package refuses to
run.
"""
from __future__ import annotations

import functools
import logging
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from . import __version__
from .mentions import Classifier
from .pipeline import classifier_for
from .rulebook import DEFAULT_RULES_DIR
from .rulebook import rule_files as rulebook_files
from .store import Store


log = logging.getLogger("timeline.reprocess")


@dataclass
class Reprocessed:
    generation: int
    articles: int
    partitions: int
    events: int
    late_articles: int  # ingested while the run went on, classified at the switch
    rules_version: str
    seconds: float


# --- what a worker does (module level: pickled by name into other processes) -------------------

_STORES: dict[str, Store] = {}


def _store(url: str) -> Store:
    if url not in _STORES:
        _STORES[url] = Store(url)
    return _STORES[url]


def _classifier(rule_files: dict[str, bytes], version: str, package: str) -> Classifier:
    """The classifier of the shipped rule files, written once per version into a folder of this
    worker; refuses to work when this worker runs another release of the package or reads the
    files differently. (The analysis code's own fingerprint is only compared in a warning: a worker
    imported its code once, when it started, while the fingerprint is read from the files now.)"""
    rules_version, _, fingerprint = version.partition(".")
    folder = Path(tempfile.gettempdir()) / f"timeline-rules-{os.getuid()}-{rules_version}"
    if not folder.is_dir():
        staging = Path(tempfile.mkdtemp(prefix="timeline-rules-"))
        for name, data in rule_files.items():
            (staging / name).write_bytes(data)
        try:
            staging.rename(folder)
        except OSError:  # another task of this worker got there first
            shutil.rmtree(staging, ignore_errors=True)
    classifier = classifier_for(folder)
    if classifier.rules_version != rules_version or package != __version__:
        raise RuntimeError(f"this worker runs newsroom-timeline {__version__} with rules {classifier.rules_version}, "
                           f"the run {package} with rules {rules_version}: install the same release on every worker")
    if not classifier.version.endswith("." + fingerprint):
        log.warning("analysis code fingerprint %s on this worker, %s where the run started", classifier.version,
                    version)
    return classifier


def stage_partition(partition: tuple[str | None, str], url: str, rule_files: dict[str, bytes], version: str,
                    generation: int, package: str) -> int:
    """Classify one partition (after id, up to id) into the generation being built; its article count."""
    after, last = partition
    return _store(url).stage_partition(generation, _classifier(rule_files, version, package), after, last)


def rule_files(rules_dir=None) -> dict[str, bytes]:
    """The rule files' bytes, to ship to workers: hidden lock files skipped, unreadable ones left to
    the rulebook, which reports them as file:line when it loads the folder."""
    folder = Path(rules_dir) if rules_dir else DEFAULT_RULES_DIR
    files = {}
    for path in rulebook_files(folder):
        try:
            files[path.name] = path.read_bytes()
        except OSError:
            continue
    return files


# --- progress ---------------------------------------------------------------------------------

class Progress:
    """One line on stderr, rewritten in place: partitions and articles done, rate, time left."""

    def __init__(self, total: int, stream=None, enabled: bool = True):
        self.total, self.done, self.articles = total, 0, 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()
        self._shown = 0.0

    def update(self, articles: int) -> None:
        self.done += 1
        self.articles += articles
        now = time.monotonic()
        if self.enabled and (now - self._shown >= 0.2 or self.done == self.total):
            self._shown = now
            elapsed = max(now - self.started, 1e-9)
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            left = (self.total - self.done) * elapsed / max(self.done, 1)
            self.stream.write(f"\rreprocess [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                              f"partitions, {self.articles} articles, {self.articles / elapsed:.0f}/s, "
                              f"{left:.0f}s left ")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()


# --- the run ------------------------------------------------------------------------------------

def reprocess(url: str, rules_dir=None, workers: int | None = None, dask_address: str | None = None,
              partition_size: int = 200, progress: bool = True, stream=None) -> Reprocessed:
    """Classify every stored article with the rules of `rules_dir` and merge again, then switch readers
    to the result. `workers`: local processes (default: every core; 1 runs in this process);
    `dask_address`: a Dask scheduler (`tcp://host:8786`) or a `distributed.Client` instead."""
    started = time.monotonic()
    classifier = classifier_for(rules_dir)  # broken rule files fail here, before anything changes
    files = rule_files(rules_dir)
    store = Store(url)
    try:
        store.create_schema()
        generation = store.begin_generation()
        partitions = store.partitions(partition_size)
        bar = Progress(len(partitions), stream, progress)
        args = (store.url, files, classifier.version, generation, __version__)
        if dask_address is not None:
            _run_on_dask(dask_address, partitions, args, bar)
        elif (workers or os.cpu_count() or 1) <= 1 or len(partitions) <= 1:
            for partition in partitions:
                bar.update(store.stage_partition(generation, classifier, *partition))
        else:
            count = min(workers or os.cpu_count() or 1, len(partitions))
            # spawn: the rules engine runs threads of its own, which do not survive a fork
            with ProcessPoolExecutor(count, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(stage_partition, partition, *args) for partition in partitions]
                for future in as_completed(futures):
                    bar.update(future.result())
        done = store.finish_generation(generation, classifier)
        return Reprocessed(generation, bar.articles + done["late_articles"], len(partitions), done["events"],
                           done["late_articles"], classifier.rules_version, time.monotonic() - started)
    finally:
        store.close()


def _run_on_dask(address, partitions, args, bar: Progress) -> None:
    import dask.bag as db
    from dask.distributed import Client, as_completed as dask_completed

    client = address if isinstance(address, Client) else Client(address)
    try:
        url, files, version, generation, package = args
        task = functools.partial(stage_partition, url=url, rule_files=files, version=version, generation=generation,
                                 package=package)
        bag = db.from_sequence(partitions, npartitions=max(len(partitions), 1)).map(task)
        futures = client.compute(bag.to_delayed())  # one future per partition of the bag
        for future in dask_completed(futures):
            bar.update(sum(future.result()))
    finally:
        if client is not address:
            client.close()
