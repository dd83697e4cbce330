"""`annals serve --https`: HTTP/JSON over TLS for clients that trust the
server's certificate and send a bearer token, through a real server process
(the built CLI) and Python's own HTTPS client (urllib, ssl). A request
without a token or with a wrong one gets 401 and a challenge, a change
through a read-only token 403; a client that does not trust the certificate,
or speaks in clear, gets nothing; and the server refuses to start without
what HTTPS needs. The certificates are tests/data/tls's (test-only)."""
import json
import os
import shutil
import signal
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


@pytest.fixture
def https(tmp_path, cli):
    """The base URL of a server on localhost ("https://localhost:PORT")."""
    tokens, key = files(tmp_path)
    read_end, write_end = os.pipe()
    with open(tmp_path / "serve.log", "ab") as err:
        proc = subprocess.Popen(
            [cli, "--db", str(tmp_path / "store"), "serve", "--create",
             "--https", "localhost:0", "--token-file", str(tokens),
             "--tls-cert", str(CERTS / "server.pem"), "--tls-key", str(key),
             "--ready-fd", str(write_end)],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=err)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as ready:
        lines = ready.read().decode().split("\n")
    url = next((line for line in lines if line.startswith("https://")), None)
    assert url and url.startswith("https://localhost:"), lines
    yield url
    proc.send_signal(signal.SIGTERM)
    assert proc.wait() == 0
    assert "https connection" in (tmp_path / "serve.log").read_text()


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
