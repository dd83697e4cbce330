"""Store.subscribe on a store this process opened: a read-only store sees
the appends of another process (the CLI) in order, with no gap and no
repeat; a writable one sees its own appends from another thread, or those
of one projection group; a
subscription waiting for events gives way to Ctrl-C (KeyboardInterrupt)."""
import os
import platform
import signal
import subprocess
import sys
import threading

import pytest

import annals

from conftest import SAMPLE


def cli_append(cli, store, i):
    subprocess.run([cli, "--db", str(store), "append", "--id", f"cli-{i}", "--speaker",
                    "Ada" if i % 2 else "Bob", "--verb", "said", "--code", "010",
                    "--at", "2024-02-01", "--content", f"cli statement {i}"],
                   check=True, stdout=subprocess.DEVNULL)


def test_read_only_store_sees_another_process_appending(store_path, cli):
    subprocess.run([cli, "--db", str(store_path), "import", str(SAMPLE)], check=True,
                   stdout=subprocess.DEVNULL)
    total = 30
    with annals.open(store_path, read_only=True) as db:
        first_head = db.head
        everything = db.subscribe()
        only_ada = db.subscribe(from_seq=first_head + 1, actor="ADA", kind="statement")
        appender = threading.Thread(
            target=lambda: [cli_append(cli, store_path, i) for i in range(total)])
        appender.start()
        got = [e for _, e in zip(range(first_head + total), everything)]
        appender.join()
        ada = [e for _, e in zip(range(total // 2), only_ada)]
        everything.close()
        only_ada.close()
        db.refresh()
        log = list(db.log())
    assert len(log) == first_head + total
    assert got == log
    assert [e["id"] for e in ada] == [f"cli-{i}" for i in range(1, total, 2)]


def test_writable_store_sees_its_own_appends_from_another_thread(store_path):
    with annals.open(store_path, create=True) as db:
        sub = db.subscribe(topic="x")
        def append():
            for i in range(20):
                db.append({"id": f"a-{i}", "speaker": "A", "verb": "said", "code": "010",
                           "occurred_at": "2024-01-01", "content": f"c {i}",
                           "topics": ["x"] if i % 2 else ["y"]})
        appender = threading.Thread(target=append)
        appender.start()
        got = [e["id"] for _, e in zip(range(10), sub)]
        appender.join()
        assert got == [f"a-{i}" for i in range(1, 20, 2)]
        assert sub.resume_from == 21  # a-19 is seq 20
        sub.close()


def test_a_projection_group_gets_what_the_projection_files_there(store_path):
    with annals.open(store_path, create=True) as db:
        db.create_projection("by_speaker_month", key=["speaker", "month"],
                             where=["code=01"])
        for i in range(24):
            db.append({"id": f"p-{i}", "speaker": ["Ada", "Bob"][i % 2], "verb": "said",
                       "code": ["010", "112"][i // 2 % 2],
                       "occurred_at": f"2024-0{1 + i // 4 % 3}-01", "content": f"c {i}"})
        db.correct("p-3", code="0101", reason="recoded")  # Bob 2024-01: 112, now 0101
        db.retract("p-0", reason="withdrawn")  # a retraction is in no group
        sub = db.subscribe(projection="by_speaker_month", key=["ADA", "2024-01"])
        want = [e["seq"] for e in db.log()
                if e["kind"] in ("statement", "correction") and e["speaker"] == "Ada"
                and e["code"].startswith("01") and e["occurred_at"].startswith("2024-01")]
        got = [e["seq"] for _, e in zip(range(len(want)), sub)]
        assert want and got == want
        sub.close()
        bob = db.subscribe(from_seq=25, projection="by_speaker_month", key=["bob", "2024-01"])
        moved = next(bob)
        assert (moved["seq"], moved["kind"]) == (25, "correction")
        bob.close()


def test_bad_filters_are_invalid_arguments(store_path):
    with annals.open(store_path, create=True) as db:
        with pytest.raises(annals.InvalidArgumentError, match="kind"):
            db.subscribe(kind="statements")
        with pytest.raises(annals.InvalidArgumentError, match="actor"):
            db.subscribe(actor=3)
        with pytest.raises(annals.InvalidArgumentError, match="key"):
            db.subscribe(projection="actors", key=["a", "b"])
        with pytest.raises(annals.InvalidArgumentError, match="together"):
            db.subscribe(projection="actors")
        with pytest.raises(annals.NotFoundError):
            db.subscribe(projection="nope", key="a")


CHILD = """
import sys, annals
db = annals.open(sys.argv[1], read_only=True)
sub = db.subscribe(from_seq=db.head + 1)
print("ready", flush=True)
try:
    next(sub)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


@pytest.mark.skipif(platform.machine() != "x86_64", reason="syscall numbers of x86-64")
def test_ctrl_c_interrupts_a_waiting_subscription(store_path, tmp_path):
    with annals.open(store_path, create=True):
        pass
    env = dict(os.environ)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store_path)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        # Interrupt only once it waits inside next(): its main thread is in
        # poll(2) (the inotify wait; poll or ppoll on x86-64) with the GIL
        # released.
        syscall = f"/proc/{child.pid}/syscall"
        while open(syscall).read().split()[0] not in ("7", "271"):
            assert child.poll() is None, child.stderr.read()
            os.sched_yield()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert out == "interrupted\n", err
