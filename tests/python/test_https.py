"""`annals serve --https`: HTTP/JSON over TLS for clients that trust the
server's certificate and send a bearer token, through a real server process
(the built CLI) and Python's own HTTPS client (urllib, ssl). A request
without a token or with a wrong one gets 401 and a challenge, a change
through a read-only token 403 (and so is a search that would make an
index); a client that does not trust the certificate,
or speaks in clear, gets nothing; and the server refuses to start without
what HTTPS needs. The certificates are tests/data/tls's (test-only)."""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import SOURCE_DIR

CERTS = SOURCE_DIR / "tests" / "data" / "tls"
WRITER, READER = "w" * 32, "r" * 32


def files(tmp_path):
    """(token file, key file), each mode 600 (a clone does not keep it)."""
    tokens = tmp_path / "tokens"
    tokens.write_text(f"{WRITER}\n{READER} read-only\n")
    tokens.chmod(0o600)
    key = tmp_path / "server.key"
    shutil.copy(CERTS / "server.key", key)
    key.chmod(0o600)
    return tokens, key


def start(tmp_path, cli, *flags):
    """(process, base URL "https://localhost:PORT") of a server."""
    tokens, key = files(tmp_path)
    read_end, write_end = os.pipe()
    with open(tmp_path / "serve.log", "ab") as err:
        proc = subprocess.Popen(
            [cli, "--db", str(tmp_path / "store"), "serve", "--create",
             "--https", "localhost:0", "--token-file", str(tokens),
             "--tls-cert", str(CERTS / "server.pem"), "--tls-key", str(key),
             "--ready-fd", str(write_end), *flags],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=err)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as ready:
        lines = ready.read().decode().split("\n")
    url = next((line for line in lines if line.startswith("https://")), None)
    assert url and url.startswith("https://localhost:"), lines
    return proc, url


def stop(proc, tmp_path):
    proc.send_signal(signal.SIGTERM)
    assert proc.wait() == 0
    assert "https connection" in (tmp_path / "serve.log").read_text()


@pytest.fixture
def https(tmp_path, cli):
    """The base URL of a server on localhost ("https://localhost:PORT")."""
    proc, url = start(tmp_path, cli)
    yield url
    stop(proc, tmp_path)


def call(url, token=None, body=None, context=None):
    """(status, headers, decoded JSON body) of one request."""
    request = urllib.request.Request(url, data=body)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    if context is None:
        context = ssl.create_default_context(cafile=str(CERTS / "server.pem"))
    try:
        with urllib.request.urlopen(request, context=context, timeout=60) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read())


def test_tokens_decide_who_reads_and_writes(https):
    status, headers, body = call(f"{https}/v1/stats")
    assert status == 401 and body["code"] == "UNAUTHENTICATED"
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert call(f"{https}/v1/stats", token="x" * 32)[0] == 401
    statement = json.dumps({"speaker": "Ada", "verb": "said", "content": "one",
                            "occurred_at": "2020-01-01"}).encode() + b"\n"
    status, _, body = call(f"{https}/v1/statements", token=READER, body=statement)
    assert status == 403 and body["code"] == "PERMISSION_DENIED"
    status, _, body = call(f"{https}/v1/statements", token=WRITER, body=statement)
    assert status == 200 and body["stored"] == 1, body
    status, _, body = call(f"{https}/v1/stats", token=READER)
    assert status == 200 and body["head"] == 1
    status, _, body = call(f"{https}/v1/events/1", token=READER)
    assert status == 200 and body["content"] == "one"
    # A read-only token searches an index the server has, and makes none.
    status, _, body = call(f"{https}/v1/search?q=one", token=READER)
    assert status == 403 and body["code"] == "PERMISSION_DENIED", body
    status, _, body = call(f"{https}/v1/search?q=one", token=WRITER)
    assert status == 200 and [h["seq"] for h in body["hits"]] == [1], body
    status, _, body = call(f"{https}/v1/search?q=one", token=READER)
    assert status == 200 and body["hits"][0]["content"] == "one", body


def test_clients_that_cannot_check_the_server_get_nothing(https):
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        call(f"{https}/v1/stats", token=READER, context=ssl.create_default_context())
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        call(f"http{https[5:]}/v1/stats", token=READER)
    assert call(f"{https}/v1/stats", token=READER)[0] == 200  # it served on


def test_refuses_to_start_without_what_https_needs(tmp_path, cli):
    tokens, key = files(tmp_path)
    tls = ["--tls-cert", str(CERTS / "server.pem"), "--tls-key", str(key)]
    for flags, why in (
            (["--https", "localhost:0", "--token-file", str(tokens)], "needs --tls-cert"),
            (["--https", "localhost:0", *tls], "needs --token-file"),
            (["--https", "db..example:x", "--token-file", str(tokens), *tls], "--https")):
        r = subprocess.run([cli, "--db", str(tmp_path / "store"), "serve", "--create",
                            *flags], capture_output=True, text=True)
        assert r.returncode == 1, (flags, r.stderr)
        assert why in r.stderr, (flags, r.stderr)
    assert not (tmp_path / "store" / "annals.server").exists()


def test_one_token_per_request_and_only_post_writes(https):
    port = int(https.rsplit(":", 1)[1])
    conn = http.client.HTTPSConnection(
        "localhost", port, timeout=60,
        context=ssl.create_default_context(cafile=str(CERTS / "server.pem")))
    conn.putrequest("GET", "/v1/stats")
    conn.putheader("Authorization", f"Bearer {'x' * 32}")
    conn.putheader("Authorization", f"Bearer {WRITER}")
    conn.endheaders()
    answer = conn.getresponse()
    assert answer.status == 400, answer.status
    assert "more than one Authorization" in json.loads(answer.read())["message"]
    conn.close()
    # A read-only token gets what a writer gets for a method that changes
    # nothing (405), not 403.
    request = urllib.request.Request(f"{https}/v1/stats", method="DELETE")
    request.add_header("Authorization", f"Bearer {READER}")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request, timeout=60, context=ssl.create_default_context(
            cafile=str(CERTS / "server.pem")))
    assert e.value.code == 405


def test_connections_without_a_token_hold_at_most_half_the_places(tmp_path, cli):
    proc, url = start(tmp_path, cli, "--max-connections", "4", "--login-timeout", "3")
    try:
        port = int(url.rsplit(":", 1)[1])
        silent = [socket.create_connection(("localhost", port)) for _ in range(2)]
        # Two wait for a token (half of 4): a third connection is refused,
        # though places are free (the Unix socket gets one).
        with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
            call(f"{url}/v1/stats", token=READER)
        r = subprocess.run([cli, "--db", str(tmp_path / "store"), "stats"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        for s in silent:  # cut off at the deadline
            s.settimeout(60)
            assert s.recv(1) == b""
            s.close()
        assert call(f"{url}/v1/stats", token=READER)[0] == 200
    finally:
        stop(proc, tmp_path)
    log = (tmp_path / "serve.log").read_text()
    assert "have not sent a good token yet" in log, log
