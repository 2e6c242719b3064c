"""A worker's bounded memory: made once, kept until it is the least recently used of too many."""
import threading

from screening.kept import Kept


def test_a_kept_value_is_made_once():
    kept, made = Kept(4), []
    for _ in range(3):
        assert kept.get("a", lambda: made.append(1) or "A") == "A"
    assert made == [1]


def test_the_least_recently_used_goes_first_when_full():
    kept = Kept(2)
    kept.get("a", lambda: 1)
    kept.get("b", lambda: 2)
    kept.get("a", lambda: 1)  # a is used again: b is now the oldest
    kept.get("c", lambda: 3)
    assert kept.keys() == ["a", "c"]


def test_a_value_put_replaces_the_one_kept():
    kept = Kept(2)
    kept.put("a", 1)
    kept.put("a", 2)
    assert kept.get("a", lambda: 3) == 2 and len(kept) == 1


def test_many_threads_at_once_keep_it_within_its_bound():
    kept = Kept(8)

    def use(n: int) -> None:
        for i in range(500):
            kept.get((n, i % 20), lambda: i)

    threads = [threading.Thread(target=use, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(kept) == 8 and len(kept.keys()) == 8
