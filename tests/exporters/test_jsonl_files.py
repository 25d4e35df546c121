"""RotatingJsonlWriter on real files: names, rotation, retention, permissions, torn lines, fork."""

from __future__ import annotations

import calendar
import json
import os
import signal
import stat
import warnings

import pytest

from actiontrace.exporters import JsonlSpanExporter, RotatingJsonlWriter, TornLineWarning, read_lines

DAY = 86400
NOV23 = calendar.timegm((2026, 11, 23, 0, 0, 0))


class Clock:
    """Injected wall clock (epoch seconds) the test moves by hand."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def _line(i: int, size: int = 0) -> bytes:
    body = json.dumps({"i": i, "pad": "p" * size}, separators=(",", ":")).encode()
    return body


def _read_all(directory) -> list[bytes]:
    out = []
    for name in _ordered(directory):
        out.extend(read_lines(os.path.join(directory, name)))
    return out


def _ordered(directory) -> list[str]:
    def key(name):
        parts = name.split(".")
        return (parts[0], int(parts[1]) if len(parts) == 3 else 0)

    return sorted((n for n in os.listdir(directory) if n.endswith(".jsonl")), key=key)


def test_directory_0700_and_files_0600_created_at_open(tmp_path):
    old = os.umask(0)  # with no umask, only the mode passed to mkdir/open decides
    try:
        w = RotatingJsonlWriter(tmp_path / "traces", clock=Clock(NOV23 + 5))
        assert w.write_lines([b'{"a":1}'])
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "traces").st_mode) == 0o700
    f = tmp_path / "traces" / "traces-2026-11-23.jsonl"
    assert stat.S_IMODE(os.stat(f).st_mode) == 0o600
    assert f.read_bytes() == b'{"a":1}\n'
    w.close()


def test_missing_parent_raises_file_not_found_naming_it(tmp_path):
    missing_parent = tmp_path / "nope"
    with pytest.raises(FileNotFoundError) as info:
        JsonlSpanExporter(missing_parent / "traces")
    assert info.value.filename == str(missing_parent)
    assert str(missing_parent) in str(info.value)
    assert not missing_parent.exists()


def test_existing_directory_is_reused_and_lines_append(tmp_path):
    d = tmp_path / "traces"
    d.mkdir(mode=0o755)
    clock = Clock(NOV23 + 100)
    a = RotatingJsonlWriter(d, clock=clock)
    assert a.write_lines([_line(1), _line(2)])
    a.close()
    b = RotatingJsonlWriter(d, clock=clock)
    assert b.write_lines([_line(3)])
    b.close()
    assert [json.loads(x)["i"] for x in _read_all(d)] == [1, 2, 3]
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o755  # an existing directory keeps its mode


def test_rotation_across_utc_day_boundary(tmp_path):
    clock = Clock(NOV23 + DAY - 1)  # 2026-11-23T23:59:59Z
    w = RotatingJsonlWriter(tmp_path / "t", clock=clock)
    assert w.write_lines([_line(1)])
    clock.t = NOV23 + DAY + 1  # 2026-11-24T00:00:01Z
    assert w.write_lines([_line(2)])
    clock.t = NOV23 + 3 * DAY + 0.5
    assert w.write_lines([_line(3)])
    w.close()
    d = tmp_path / "t"
    assert sorted(os.listdir(d)) == ["traces-2026-11-23.jsonl", "traces-2026-11-24.jsonl", "traces-2026-11-26.jsonl"]
    assert [json.loads(x)["i"] for x in read_lines(d / "traces-2026-11-24.jsonl")] == [2]


def test_size_rotation_numbered_suffix_whole_lines(tmp_path):
    d = tmp_path / "t"
    w = RotatingJsonlWriter(d, max_bytes=1000, clock=Clock(NOV23))
    lines = [_line(i, 90) for i in range(40)]  # ~110 bytes each
    for k in range(0, 40, 7):
        assert w.write_lines(lines[k:k + 7])
    huge = _line(99, 3000)
    assert w.write_lines([huge])  # one line larger than max_bytes goes alone into a file
    w.close()
    names = _ordered(d)
    assert names[0] == "traces-2026-11-23.jsonl" and names[1] == "traces-2026-11-23.1.jsonl"
    for name in names:
        size = os.path.getsize(d / name)
        content = (d / name).read_bytes()
        assert content.endswith(b"\n")
        assert size <= 1000 or content == huge + b"\n"
    assert [json.loads(x)["i"] for x in _read_all(d)] == list(range(40)) + [99]


def test_second_writer_joins_the_newest_rotated_file(tmp_path):
    d = tmp_path / "t"
    clock = Clock(NOV23)
    a = RotatingJsonlWriter(d, max_bytes=300, clock=clock)
    for i in range(4):  # 3 lines fill a file: the 4th starts traces-...1.jsonl
        assert a.write_lines([_line(i, 80)])
    newest = _ordered(d)[-1]
    assert newest == "traces-2026-11-23.1.jsonl"
    b = RotatingJsonlWriter(d, max_bytes=300, clock=clock)  # as another process would
    assert b.write_lines([_line(100)])
    assert b.current_path == str(d / newest)
    a.close()
    b.close()


def test_retention_max_files_keeps_newest_and_ignores_foreign_files(tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    (d / "notes.txt").write_text("keep me")
    (d / "other-2020-01-01.jsonl").write_text("{}\n")
    w = RotatingJsonlWriter(d, max_bytes=250, max_files=3, clock=Clock(NOV23))
    for i in range(30):
        assert w.write_lines([_line(i, 100)])
    w.close()
    ours = [n for n in _ordered(d) if n.startswith("traces-")]
    assert len(ours) == 3
    assert [json.loads(x)["i"] for x in _read_all(d) if b'"i"' in x][-1] == 29
    assert (d / "notes.txt").read_text() == "keep me" and (d / "other-2020-01-01.jsonl").exists()


def test_retention_max_days_by_file_date(tmp_path):
    d = tmp_path / "t"
    clock = Clock(NOV23 + 3600)
    w = RotatingJsonlWriter(d, max_days=2, clock=clock)
    for day in range(5):
        clock.t = NOV23 + day * DAY + 3600
        assert w.write_lines([_line(day)])
    w.close()
    assert sorted(os.listdir(d)) == ["traces-2026-11-26.jsonl", "traces-2026-11-27.jsonl"]


def test_non_daily_names(tmp_path):
    d = tmp_path / "t"
    w = RotatingJsonlWriter(d, prefix="spans", rotate_daily=False, max_bytes=200)
    for i in range(5):
        assert w.write_lines([_line(i, 100)])
    w.close()
    assert _ordered(d) == ["spans.jsonl", "spans.1.jsonl", "spans.2.jsonl", "spans.3.jsonl", "spans.4.jsonl"]


def test_lines_with_newlines_are_refused_whole(tmp_path):
    w = RotatingJsonlWriter(tmp_path / "t", clock=Clock(NOV23))
    assert not w.write_lines([b'{"ok":1}', b'{"a":\n1}'])
    assert w.write_lines([b'{"ok":2}'])
    w.close()
    assert _read_all(tmp_path / "t") == [b'{"ok":2}']


def test_torn_last_line_skipped_with_warning_and_terminated_on_next_open(tmp_path):
    d = tmp_path / "t"
    clock = Clock(NOV23)
    w = RotatingJsonlWriter(d, clock=clock)
    assert w.write_lines([_line(1), _line(2)])
    w.close()
    f = d / "traces-2026-11-23.jsonl"
    # What a crash in the middle of a write leaves: the file cut inside a line.
    good_size = os.path.getsize(f)
    with open(f, "ab") as fh:
        fh.write(_line(3, 50))
    os.truncate(f, good_size + 20)
    with pytest.warns(TornLineWarning, match="torn last line"):
        assert [json.loads(x)["i"] for x in read_lines(f)] == [1, 2]
    # The next writer ends the fragment first, so it cannot swallow the next good line.
    w2 = RotatingJsonlWriter(d, clock=clock)
    assert w2.write_lines([_line(4)])
    w2.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no torn *last* line any more
        lines = list(read_lines(f))
    parsed = []
    bad = 0
    for line in lines:
        try:
            parsed.append(json.loads(line)["i"])
        except ValueError:
            bad += 1
    assert parsed == [1, 2, 4] and bad == 1


def test_fsync_batch_policy_and_invalid_policy(tmp_path):
    w = RotatingJsonlWriter(tmp_path / "t", fsync="batch", clock=Clock(NOV23))
    assert w.write_lines([_line(1)])
    assert w.flush()
    w.close()
    assert not w.write_lines([_line(2)])  # closed
    with pytest.raises(ValueError):
        RotatingJsonlWriter(tmp_path / "u", fsync="sometimes")


def test_fork_child_gets_fresh_lock_and_descriptor(tmp_path):
    d = tmp_path / "t"
    w = RotatingJsonlWriter(d, clock=Clock(NOV23))
    assert w.write_lines([b'{"who":"parent-before"}'])
    w._lock.acquire()  # as if another parent thread were mid-write at fork time
    pid = os.fork()
    if pid == 0:  # child
        try:
            signal.alarm(10)  # a deadlock on the inherited lock would hang here
            ok = w.write_lines([b'{"who":"child"}'])
            os._exit(0 if ok and w._pid == os.getpid() else 2)
        except BaseException:
            os._exit(3)
    w._lock.release()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert w.write_lines([b'{"who":"parent-after"}'])
    w.close()
    assert [json.loads(x)["who"] for x in _read_all(d)] == ["parent-before", "child", "parent-after"]
