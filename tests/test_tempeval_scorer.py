"""Unit tests of the TempEval-3 scorer and TimeML loader in bench/tempeval.py."""
import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import tempeval as te  # noqa: E402
from tempeval import Counts, Span, align, count, score, scores  # noqa: E402


def g(b, e, typ="DATE", value="2000-01-01"):
    return Span(b, e, typ, value)


def test_exact_match_counts_strict_and_relaxed():
    s = score([g(0, 5)], [(0, 5, "DATE", "2000-01-01")])
    assert s["strict_f1"] == s["relaxed_f1"] == s["value_f1"] == s["type_f1"] == 1.0


def test_overlap_is_relaxed_but_not_strict():
    c = count([g(10, 20)], [(12, 25, "DATE", "2000-01-01")])
    assert (c.strict, c.relaxed) == (0, 1)
    s = scores(c)
    assert s["strict_p"] == s["strict_r"] == s["strict_f1"] == 0.0
    assert s["relaxed_f1"] == 1.0


def test_touching_spans_do_not_overlap():
    c = count([g(0, 5)], [(5, 9)])
    assert c.relaxed == 0


def test_one_to_one_one_prediction_covering_two_gold():
    # "Monday and Tuesday" tagged as one span: only one gold may use it
    c = count([g(0, 6), g(11, 18)], [(0, 18, "DATE", "2000-01-01")])
    assert (c.gold, c.pred, c.relaxed, c.strict) == (2, 1, 1, 0)
    s = scores(c)
    assert s["relaxed_p"] == 1.0 and s["relaxed_r"] == 0.5


def test_one_to_one_two_predictions_inside_one_gold():
    c = count([g(0, 18)], [(0, 6), (11, 18)])
    assert (c.relaxed, c.strict) == (1, 0)
    s = scores(c)
    assert s["relaxed_p"] == 0.5 and s["relaxed_r"] == 1.0


def test_alignment_prefers_exact_then_largest_overlap():
    gold = [g(0, 10), g(12, 20)]
    pred = [(5, 14), (12, 20)]  # first overlaps both golds, second is exact for gold 1
    assert align(gold, pred) == [(0, 0), (1, 1)]
    assert count(gold, pred).strict == 1
    assert align([g(0, 10)], [(0, 3), (2, 9)]) == [(0, 1)]


def test_alignment_maximises_the_number_of_pairs():
    # greedy by overlap would give (0,0) only; gold 1 can still use pred 0
    gold = [g(0, 10), g(10, 20)]
    pred = [(2, 12), (0, 3)]
    assert align(gold, pred) == [(0, 1), (1, 0)]
    assert count(gold, pred).relaxed == 2


def test_duplicate_predictions_count_once():
    c = count([g(0, 5)], [(0, 5), (0, 5)])
    assert (c.strict, c.relaxed, c.pred) == (1, 1, 2)


def test_value_and_type_f1_are_relaxed_f1_times_accuracy():
    gold = [g(0, 4, "DATE", "1998"), g(10, 14, "DURATION", "P1W"),
            g(20, 24, "TIME", "1998-01-08T10:00"), g(30, 34, "SET", "P1D")]
    pred = [(0, 4, "DATE", "1998"),          # all right
            (9, 14, "DURATION", "P2W"),      # relaxed, right type, wrong value
            (20, 24, "DATE", "1998-01-08T10:00"),  # right value, wrong type
            (40, 44, "DATE", "1999")]        # spurious
    c = count(gold, pred)
    assert c == Counts(gold=4, pred=4, strict=2, relaxed=3, type=2, value=2)
    s = scores(c)
    assert s["relaxed_p"] == s["relaxed_r"] == pytest.approx(0.75)
    assert s["strict_f1"] == pytest.approx(0.5)
    assert s["value_acc"] == pytest.approx(2 / 3)
    assert s["value_f1"] == pytest.approx(0.75 * 2 / 3)
    assert s["type_f1"] == pytest.approx(0.75 * 2 / 3)


def test_counts_are_summed_over_documents_micro_average():
    total = Counts()
    total += count([g(0, 4)], [(0, 4, "DATE", "2000-01-01")])
    total += count([g(0, 4), g(5, 9)], [])
    assert (total.gold, total.pred, total.relaxed) == (3, 1, 1)
    s = scores(total)
    assert s["relaxed_p"] == 1.0 and s["relaxed_r"] == pytest.approx(1 / 3)
    assert s["relaxed_f1"] == pytest.approx(0.5)


def test_empty_cases():
    assert score([], [])["relaxed_f1"] == 1.0  # nothing to find, nothing found
    assert score([], [])["value_f1"] == 1.0
    s = score([g(0, 4)], [])
    assert s["relaxed_p"] == s["relaxed_r"] == s["relaxed_f1"] == s["value_f1"] == 0.0
    s = score([], [(0, 4, "DATE", "2000")])
    assert s["relaxed_p"] == s["relaxed_f1"] == s["type_f1"] == 0.0


def test_predictions_may_be_objects_or_short_tuples():
    class Tagged:
        begin, end, type, value = 0, 4, "DATE", "2000-01-01"
    assert score([g(0, 4)], [Tagged()])["value_f1"] == 1.0
    assert score([g(0, 4)], [(0, 4)])["relaxed_f1"] == 1.0
    assert score([g(0, 4)], [(0, 4)])["value_f1"] == 0.0


TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>TEST001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" temporalFunction="false" \
functionInDocument="CREATION_TIME">19980108</TIMEX3></DCT>
<TITLE>not part of the text</TITLE>
<TEXT>
AT&amp;T <EVENT eid="e1" class="OCCURRENCE">said</EVENT> \
<TIMEX3 tid="t1" type="DATE" value="1998-01-07" temporalFunction="true" \
anchorTimeID="t0">yesterday</TIMEX3> it <SIGNAL sid="s1">during</SIGNAL> \
<TIMEX3 tid="t2" type="DURATION" value="P3M" mod="APPROX">about three months</TIMEX3> \
&quot;would&quot; grow.
</TEXT>
<MAKEINSTANCE eventID="e1" eiid="ei1" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
</TimeML>
"""


def test_parse_timeml_text_offsets_and_attributes():
    doc = te.parse_timeml(TIMEML)
    assert doc.doc_id == "TEST001"
    assert doc.dct == dt.date(1998, 1, 8)
    assert doc.text == '\nAT&T said yesterday it during about three months "would" grow.\n'
    assert [(s.text, s.type, s.value, s.mod) for s in doc.gold] == [
        ("yesterday", "DATE", "1998-01-07", ""),
        ("about three months", "DURATION", "P3M", "APPROX")]
    for s in doc.gold:
        assert doc.text[s.begin:s.end] == s.text


def test_load_documents_uses_file_names(tmp_path):
    (tmp_path / "TimeBank").mkdir()
    (tmp_path / "TimeBank" / "doc_a.tml").write_text(TIMEML, encoding="utf-8")
    docs = te.load_documents(tmp_path)
    assert [d.doc_id for d in docs] == ["doc_a"] and len(docs[0].gold) == 2
    with pytest.raises(FileNotFoundError):
        te.load_documents(tmp_path / "missing")


def test_recognizers_value_mapping():
    ref = dt.date(1998, 1, 8)
    two = [{"timex": "XXXX-05-12", "type": "date", "value": "1997-05-12"},
           {"timex": "XXXX-05-12", "type": "date", "value": "1998-05-12"}]
    assert te.recognizers_value(two, ref) == "1998-05-12"
    q = [{"timex": "(1998-07-01,1998-10-01,P3M)", "type": "daterange",
          "start": "1998-07-01", "end": "1998-10-01"}]
    assert te.recognizers_value(q, ref) == "1998-Q3"
    at3 = [{"timex": "XXXX-05-12T15", "type": "datetime", "value": "1998-05-12 15:00:00"}]
    assert te.recognizers_value(at3, ref) == "1998-05-12T15:00"
    assert te.recognizers_value([{"timex": "T10:35", "type": "time",
                                  "value": "10:35:00"}], ref) == "1998-01-08T10:35"
    assert te.recognizers_value([{"timex": "P5Y", "type": "duration", "value": "1"}], ref) == "P5Y"
    assert te.recognizers_value([{"timex": "XXXX-WXX-1", "type": "set",
                                  "value": "not resolved"}], ref) == "XXXX-WXX-1"


@pytest.mark.skipif(not te.DEFAULT_DATA.is_dir(), reason="TempEval-3 data not available")
def test_shared_data_gold_scores_perfectly():
    docs = te.load_documents(te.DEFAULT_DATA)
    assert len(docs) == 256 and sum(len(d.gold) for d in docs) == 1822
    total = Counts()
    for d in docs:
        assert all(d.text[s.begin:s.end] == s.text for s in d.gold)
        total += count(d.gold, d.gold)
    assert scores(total)["value_f1"] == 1.0
