"""Reprocessing the stored archive with edited rules: on local processes, on a real Dask
LocalCluster with several worker processes, and from the command line. Each gives the timeline that
the pipeline gives for the same articles and rules, and readers switch from the old timeline to the
new one at once."""
import shutil
import subprocess
import threading

import pytest
from backends import database_url  # noqa: F401 - fixture
from conftest import BIN, CORPUS, RULES

from timeline.articles import build_article, iter_articles, load_paths
from timeline.pipeline import build_timeline, classifier_for, timeline_from_paths
from timeline.reprocess import reprocess
from timeline.store import Store

NEWS = CORPUS.parent / "tests" / "data" / "news"


@pytest.fixture(scope="module")
def edited_rules(tmp_path_factory):
    """The shipped rules with one label template edited: a new rules version."""
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(RULES, rules)
    parade = rules / "parade.yaml"
    parade.write_text(parade.read_text(encoding="utf-8").replace('"Troops march through {place}"',
                                                                 '"Edited march through {place}"')
                      + "\n# edited for the reprocessing tests\n", encoding="utf-8")
    return rules


@pytest.fixture(scope="module")
def expected(edited_rules):
    return timeline_from_paths([CORPUS, NEWS], edited_rules)


@pytest.fixture
def filled(database_url, classifier):  # noqa: F811
    """A store holding the corpus and the news articles, classified with the shipped rules."""
    store = Store(database_url)
    store.create_schema()
    report = store.ingest_many(iter_articles([CORPUS, NEWS]), classifier, batch_size=5)
    assert report.added > 10
    yield database_url, store
    store.close()


def served(store):
    events, more, version = store.events_page(limit=1000)
    assert more is None
    return events, version


def test_all_cores_give_the_pipeline_timeline_of_the_new_rules(filled, edited_rules, expected, classifier):
    url, store = filled
    before, version = served(store)
    assert version == classifier.rules_version
    done = reprocess(url, edited_rules, workers=2, partition_size=3, progress=False)
    assert done.articles == store.stats()["articles"] and done.partitions >= 4
    events, version = served(store)
    assert version == expected.rules_version != classifier.rules_version
    assert events == expected.events
    assert {s.rules_version for e in events for s in e.sources} == {expected.rules_version}


def test_a_dask_local_cluster_gives_the_same_timeline_as_one_machine(filled, edited_rules, expected):
    distributed = pytest.importorskip("dask.distributed")
    url, store = filled
    with distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 3
        done = reprocess(url, edited_rules, dask_address=client, partition_size=2, progress=False)
    assert done.partitions >= 6
    events, version = served(store)
    assert version == expected.rules_version
    assert events == expected.events
    # and the single-machine path over the same store gives exactly that again
    reprocess(url, RULES, workers=1, progress=False)
    reprocess(url, edited_rules, workers=1, progress=False)
    assert served(store) == (events, version)


def test_readers_see_the_old_timeline_or_the_new_one_never_a_mix(filled, edited_rules, expected, classifier):
    url, store = filled
    old, old_version = served(store)
    seen, wrong, done = [], [], threading.Event()

    def read():
        while not done.is_set():
            events, version = served(store)
            seen.append(version)
            if (events, version) not in ((old, old_version), (expected.events, expected.rules_version)):
                wrong.append(version)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        reprocess(url, edited_rules, workers=1, partition_size=2, progress=False)
    finally:
        done.set()
        reader.join()
    assert wrong == [] and seen and served(store) == (expected.events, expected.rules_version)


def test_articles_ingested_during_a_run_are_in_the_new_timeline(filled, edited_rules, classifier):
    url, store = filled
    edited = classifier_for(edited_rules)
    generation = store.begin_generation()
    for partition in store.partitions(4):
        store.stage_partition(generation, edited, *partition)
    late = build_article({"title": "Late", "source": "Test wire", "published": "2025-05-08",
                          "url": "https://example.com/late",
                          "text": "On Friday Chinese and Russian troops will march together through Red Square."},
                         "test")
    assert store.ingest(late, classifier).created  # served generation, old rules
    result = store.finish_generation(generation, edited)
    assert result["late_articles"] == 1
    stored, events = store.article(late.id)
    assert events and all(s.rules_version == edited.rules_version for e in events for s in e.sources)
    everything = load_paths([CORPUS, NEWS])[0] + [late]
    assert served(store) == (build_timeline(everything, edited).events, edited.rules_version)


def test_the_command_shows_progress_and_switches(filled, edited_rules, expected):
    url, store = filled
    run = subprocess.run([str(BIN), "reprocess", "--rules", str(edited_rules), "--workers", "2",
                          "--partition-size", "4", "--database-url", url],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "reprocess [" in run.stderr and "partitions" in run.stderr
    assert served(store) == (expected.events, expected.rules_version)


def test_broken_rules_change_nothing(filled, tmp_path):
    url, store = filled
    before = served(store)
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    (broken / "parade.yaml").write_text("types: [\n", encoding="utf-8")
    run = subprocess.run([str(BIN), "reprocess", "--rules", str(broken), "--database-url", url, "--quiet"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "parade.yaml" in run.stderr
    assert served(store) == before
