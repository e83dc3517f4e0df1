"""The whole-session approval benchmark runs and reports its ratio against one-by-one approval."""

from skills_cert.devtools.bench import session_approval


def test_whole_session_approval_bench_on_a_small_session(tmp_path):
    found = session_approval.measure(8, tmp_path)
    assert found["count"] == 8 and found["seconds"] > 0 and found["floor_seconds"] > 0
    # The ratio is rounded to two places; the times to four, so their quotient is within that rounding.
    assert abs(found["time_ratio"] - found["seconds"] / found["floor_seconds"]) <= 0.006
