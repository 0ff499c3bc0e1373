"""The ranking of topics by how unhelpful people found them."""

from bot.ratings import helpful_at_most, least_helpful


def test_the_upper_bound_grows_with_the_share_and_shrinks_with_evidence() -> None:
    assert helpful_at_most(0, 0) == 1.0
    assert helpful_at_most(0, 10) < helpful_at_most(0, 1) < helpful_at_most(1, 1)
    assert helpful_at_most(10, 2) > helpful_at_most(0, 1)
    assert 0.0 < helpful_at_most(0, 1) < 1.0


def test_topics_without_complaints_are_left_out_and_the_limit_holds() -> None:
    tallies = [("once", 0, 1), ("mostly-good", 40, 2), ("often-bad", 2, 10), ("never-bad", 9, 0),
               ("half", 5, 5)]
    assert [t[0] for t in least_helpful(tallies, 10)] == ["often-bad", "half", "once",
                                                          "mostly-good"]
    assert least_helpful(tallies, 1) == [("often-bad", 2, 10)]
