from timeline.sentences import split_sentences


def test_offsets_point_into_the_body_and_abbreviations_do_not_split():
    body = ("Treasury Secretary Scott Bessent and U.S. Trade Representative Jamieson Greer will meet in Geneva. "
            "The goal: a truce.\nDon’t expect a breakthrough.")
    sentences = split_sentences(body)
    assert [s.text for s in sentences] == [
        "Treasury Secretary Scott Bessent and U.S. Trade Representative Jamieson Greer will meet in Geneva.",
        "The goal: a truce.",
        "Don’t expect a breakthrough.",
    ]
    for s in sentences:
        assert body[s.begin:s.end] == s.text


def test_headline_lines_are_their_own_sentences():
    body = "Xi meets Russian foreign minister – People’s Daily (April 10)\nChinese President Xi Jinping on Tuesday met Lavrov."
    assert len(split_sentences(body)) == 2
