"""annals.connect: a Store over a real `annals serve` process (the built
CLI) answers as annals.open does on a copy of the same store; appends
through it land once; Store.subscribe on it delivers every event in order
while another process appends, a filter delivers exactly what a brute-force
filter of the log gives, and a server restart ends it with resume_from."""
import os
import shutil
import signal
import subprocess
import threading

import pytest

import annals

from conftest import SAMPLE, SOURCE_DIR

CERTS = SOURCE_DIR / "tests" / "data" / "tls"  # test-only (make_certs.sh)


class Server:
    """`annals --db STORE serve --ready-fd N`: started, its address read
    from the pipe (the server writes it once it listens), stopped."""

    def __init__(self, cli, store, log, flags=()):
        read_end, write_end = os.pipe()
        with open(log, "ab") as err:
            self.proc = subprocess.Popen(
                [cli, "--db", str(store), "serve", "--create", "--ready-fd",
                 str(write_end), *flags],
                pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=err)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as ready:
            lines = ready.read().decode().split("\n")
        self.address = lines[0]
        self.tcp = next((line for line in lines
                         if line.startswith(("tcp:", "tls:"))), None)
        assert self.address.startswith("unix:"), self.address

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait()


@pytest.fixture
def served(tmp_path, cli):
    """(server, store path, copy path): the sample imported, copied, served."""
    store = tmp_path / "store"
    subprocess.run([cli, "--db", str(store), "import", str(SAMPLE)], check=True,
                   stdout=subprocess.DEVNULL)
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    server = Server(cli, store, tmp_path / "serve.log")
    yield server, store, copy
    server.stop()


def statement(i, speaker="Ada Lovelace", topic="engines"):
    return {"id": f"s-{i}", "speaker": speaker, "targets": [f"Target {i % 3}"],
            "verb": "said", "code": "010", "topics": [topic], "content": f"statement {i}",
            "occurred_at": f"2024-01-{1 + i % 28:02d}"}


def cli_append(cli, store, i, speaker, topic):
    subprocess.run([cli, "--db", str(store), "append", "--id", f"cli-{i}", "--speaker", speaker,
                    "--target", f"Target {i % 3}", "--topic", topic, "--verb", "said",
                    "--code", "010", "--at", "2024-02-01", "--content", f"cli statement {i}"],
                   check=True, stdout=subprocess.DEVNULL)


def without_size(stats):
    return {k: v for k, v in stats.items() if k != "bytes_on_disk"}


def test_connected_store_answers_as_the_local_one(served):
    server, _, copy = served
    with annals.connect(server.address) as remote, annals.open(copy, read_only=True) as local:
        assert remote.address == server.address and local.address is None
        assert without_size(remote.stats()) == without_size(local.stats())
        assert remote.head == local.head > 0
        events = list(local.log())
        assert list(remote.log()) == events
        for e in events:
            assert remote.get(e["seq"]) == e
            assert remote.get(e["id"]) == e
            assert remote.find(e["id"]) == e["seq"]
        actors = {e["speaker"] for e in events if e.get("speaker")}
        topics = {t for e in events for t in e.get("topics") or []}
        assert actors and topics
        for a in actors:
            assert remote.timeline(actor=a) == local.timeline(actor=a)
        for t in topics:
            assert remote.timeline(topic=t) == local.timeline(topic=t)
        assert remote.timeline(actor=events[0]["speaker"], as_of=2) == \
            local.timeline(actor=events[0]["speaker"], as_of=2)
        assert (remote.timeline_frame(actor=events[0]["speaker"])
                .equals(local.timeline_frame(actor=events[0]["speaker"])))
        assert remote.log_frame().equals(local.log_frame())
        with pytest.raises(annals.NotFoundError):
            remote.get(len(events) + 10)

        def names(store):
            return sorted((p["name"], p["definition"]) for p in store.projections())
        assert names(remote) == names(local) != []


def test_search_through_a_connected_store_is_the_local_one(served):
    server, _, copy = served
    with annals.connect(server.address) as remote, annals.open(copy, read_only=True) as local:
        for query, kwargs in (("rare earth", {}), ("cobalt OR zelensky", {}),
                              ('"rare earth"', {"as_of": 5}),
                              ("russia", {"topic": "earth", "limit": 3})):
            hits = remote.search(query, **kwargs)
            assert hits == local.search(query, **kwargs), query
        assert hits, "the topic's words found nothing"
        assert remote.search_frame("rare earth").equals(local.search_frame("rare earth"))


def test_appends_through_a_connected_store_land_once(served, cli):
    server, store, _ = served
    with annals.connect(server.address) as db:
        head = db.head
        seqs = db.append([statement(i) for i in range(5)])
        assert seqs == list(range(head + 1, head + 6))
        # Again: the same ids are not appended twice.
        assert db.append([statement(i) for i in range(5)]) == seqs
        assert db.append(statement(2)) == seqs[2]
        assert db.head == head + 5
    assert server.stop() == 0
    with annals.open(store, read_only=True) as local:
        ids = [e["id"] for e in local.log()]
    for i in range(5):
        assert ids.count(f"s-{i}") == 1
    assert len(ids) == head + 5


def test_subscribe_delivers_every_event_in_order_while_the_cli_appends(served, cli):
    server, store, _ = served
    total = 40
    speakers = ["Ada Lovelace", "ADA  lovelace", "Bob"]
    topics = ["engines", "Looms"]
    with annals.connect(server.address) as db:
        everything = db.subscribe(from_seq=1)
        # Actor and topic compare normalised; kind is one of several.
        filtered = db.subscribe(from_seq=1, actor=["ada lovelace", "Target 2"],
                                topic="looms", kind=["statement", "retraction"])
        first_head = db.head
        appender = threading.Thread(target=lambda: [
            cli_append(cli, store, i, speakers[i % 3], topics[i % 2]) for i in range(total)])
        appender.start()
        got = []
        for e in everything:
            got.append(e)
            if len(got) == first_head + total:
                break
        appender.join()
        everything.close()
        log = list(db.log())
        assert len(log) == first_head + total
        assert got == log
        assert [e["seq"] for e in got] == list(range(1, len(log) + 1))

        def norm(name):
            return " ".join(name.casefold().split())

        def wanted(e):
            names = [e.get("speaker") or ""] + (e.get("targets") or [])
            return (e["kind"] in ("statement", "retraction")
                    and {"ada lovelace", "target 2"} & {norm(n) for n in names}
                    and "looms" in {norm(t) for t in e.get("topics") or []})

        expected = [e for e in log if wanted(e)]
        assert expected and len(expected) < len(log)
        seen = [e for _, e in zip(expected, filtered)]
        assert seen == expected
        assert filtered.resume_from == expected[-1]["seq"] + 1
        filtered.close()
        assert list(filtered) == []


def test_a_server_restart_ends_the_subscription_with_where_to_resume(tmp_path, served, cli):
    server, store, _ = served
    with annals.connect(server.address) as db:
        head = db.head
        sub = db.subscribe()
        assert [e["seq"] for _, e in zip(range(head), sub)] == list(range(1, head + 1))
        assert server.stop() == 0
        with pytest.raises(annals.UnavailableError) as info:
            next(sub)
        assert info.value.resume_from == head + 1
        assert f"from_seq={head + 1}" in str(info.value)
        with pytest.raises(annals.UnavailableError):
            db.stats()
        with pytest.raises(annals.UnavailableError):
            db.head  # noqa: B018  (a property that asks the server)
        with pytest.raises(annals.UnavailableError):
            db.projections()
    restarted = Server(cli, store, tmp_path / "serve2.log")
    try:
        with annals.connect(restarted.address) as db:
            sub = db.subscribe(from_seq=info.value.resume_from)
            seq = db.append(statement(99))
            assert next(sub)["seq"] == seq == head + 1
            sub.close()
    finally:
        restarted.stop()


def test_close_from_another_thread_ends_a_waiting_iteration(served):
    server, _, _ = served
    with annals.connect(server.address) as db:
        sub = db.subscribe(from_seq=db.head + 1)
        done = []
        waiter = threading.Thread(target=lambda: done.append(list(sub)))
        waiter.start()
        sub.close()
        waiter.join()
        assert done == [[]]


def test_addresses_that_are_not_a_server_are_clear_errors(tmp_path):
    with pytest.raises(annals.InvalidArgumentError, match="needs a token"):
        annals.connect("tcp:127.0.0.1:9")
    with pytest.raises(annals.InvalidArgumentError, match="loopback"):
        annals.connect("tcp:192.0.2.1:9", token="0123456789abcdef")
    with pytest.raises(annals.InvalidArgumentError, match="unix:PATH"):
        annals.connect("not an address")
    with pytest.raises(annals.UnavailableError):
        annals.connect(f"unix:{tmp_path}/nothing.sock")
    with pytest.raises(annals.InvalidArgumentError):
        annals.connect(None)
    assert annals.server_address(tmp_path) is None


def same_calls(db):
    """Writes, projections and derived views, as comparable values (times
    of recording left out: they differ between two stores)."""
    out = {"import": db.import_file(SAMPLE)}  # all duplicates by now
    seq = db.append({"id": "x-1", "speaker": "Ada", "targets": ["Bob"], "verb": "said",
                     "code": "112", "content": "c", "occurred_at": "2025-05-01",
                     "topics": ["t"]})
    out["correct"] = db.correct(seq, reason="typo", content="d")
    out["retract"] = db.retract(2, "wrong")
    out["alias"] = db.alias("Ada L.", "Ada")
    db.create_projection("accusers", key="speaker", where={"code": "112"})
    db.rebuild("accusers")
    out["counts"] = db.projection_query("accusers", counts=True)
    out["series"] = db.series_frame(actor="Ada", by="month").to_dict()
    frame = db.statements_frame(include_retracted=True)
    out["statements"] = frame.drop(
        columns=[c for c in frame.columns if "recorded" in c]).to_dict()
    out["timeline"] = [{k: v for k, v in row.items() if "recorded" not in k}
                       for row in db.timeline(actor="Ada L.")]
    return out


def test_writes_and_projections_through_the_server_as_on_a_local_store(served):
    server, _, copy = served
    with annals.connect(server.address) as remote, annals.open(copy) as local:
        got = same_calls(remote)
        assert got["import"]["duplicates"] > 0 and got["counts"] and got["timeline"]
        assert got == same_calls(local)


def test_tcp_with_tokens_that_may_write_or_only_read(tmp_path, cli):
    tokens = tmp_path / "tokens"
    writer, reader = "w" * 32, "r" * 32
    tokens.write_text(f"{writer}\n{reader} read-only\n")
    tokens.chmod(0o600)
    server = Server(cli, tmp_path / "store", tmp_path / "serve.log",
                    ["--listen", "127.0.0.1:0", "--token-file", str(tokens)])
    try:
        assert server.tcp and server.tcp.startswith("tcp:127.0.0.1:"), server.tcp
        db = annals.connect(server.tcp, token=writer)
        seq = db.append(statement(1))
        ro = annals.connect(server.tcp, token=reader)
        assert ro.read_only and not db.read_only
        assert ro.get(seq)["content"] == "statement 1"
        with pytest.raises(annals.PermissionDeniedError, match="read-only"):
            ro.append(statement(2))
        with pytest.raises(annals.PermissionDeniedError, match="wrong token"):
            annals.connect(server.tcp, token="x" * 32)
        sub = ro.subscribe(from_seq=1)
        assert next(iter(sub))["seq"] == seq  # its own connection, same token
        sub.close()
        assert ro.head == 1
        db.close()
        ro.close()
    finally:
        assert server.stop() == 0


def test_tls_for_clients_that_trust_the_certificate(tmp_path, cli):
    tokens = tmp_path / "tokens"
    writer = "w" * 32
    tokens.write_text(f"{writer}\n")
    tokens.chmod(0o600)
    key = tmp_path / "server.key"  # a clone does not keep the key's mode 600
    shutil.copy(CERTS / "server.key", key)
    key.chmod(0o600)
    server = Server(cli, tmp_path / "store", tmp_path / "serve.log",
                    ["--listen", "localhost:0", "--token-file", str(tokens),
                     "--tls-cert", str(CERTS / "server.pem"), "--tls-key", str(key)])
    try:
        assert server.tcp and server.tcp.startswith("tls:"), server.tcp
        address = "tls:localhost:" + server.tcp.rsplit(":", 1)[1]
        with pytest.raises(annals.UnavailableError, match="not trusted"):
            annals.connect(address, token=writer)
        with pytest.raises(annals.InvalidArgumentError, match="tls_ca"):
            annals.connect(address, token=writer, tls_ca=1)
        db = annals.connect(address, token=writer, tls_ca=CERTS / "server.pem")
        seq = db.append(statement(1))
        sub = db.subscribe(from_seq=1)
        assert next(iter(sub))["seq"] == seq  # its own connection, over TLS too
        sub.close()
        db.close()
    finally:
        assert server.stop() == 0
