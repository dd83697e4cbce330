"""annals: an append-only, reproducible log of diplomatic statements.

Open a store (a directory), append or import statements, replay the log,
and query timelines, as Python objects or pandas DataFrames::

    import annals
    with annals.open("my.db", create=True) as db:
        db.append({"speaker": "Donald Trump", "targets": ["Volodymyr Zelensky"],
                   "verb": "accused", "code": "112", "occurred_at": "2025-03-30",
                   "content": "Accused Zelensky of backing out of the deal."})
        frame = db.timeline_frame(actor="donald trump")

Events and timeline rows are dicts with the fields of
``annals log --format jsonl`` (timeline rows add ``status``, and ``role`` for
actors). Errors are raised as subclasses of :class:`annals.Error`.

Many processes, one store: one process writes; others open the store with
``read_only=True`` while it does, see everything committed before they
opened, and call :meth:`Store.refresh` to see more.

Beside a running ``annals serve``, :func:`connect` gives a Store with the
same methods over the server; :meth:`Store.subscribe` iterates over events
as they are committed, on either kind of store.

Names follow the CLI's: ``from_seq``/``to_seq`` are log positions (``annals
log --from-seq/--to-seq``); ``start``/``end`` bound when statements occurred
(``--from``/``--to``).
"""

import datetime as _dt
import json as _json
import operator as _operator
import os as _os

from . import _annals
from ._errors import (  # noqa: F401  (re-exported)
    Error, CancelledError, InvalidArgumentError, DeadlineExceededError,
    NotFoundError, AlreadyExistsError, PermissionDeniedError,
    ResourceExhaustedError, FailedPreconditionError, AbortedError,
    OutOfRangeError, UnimplementedError, InternalError, UnavailableError,
    DataLossError, UnauthenticatedError)

__all__ = ["open", "connect", "server_address", "Store", "Subscription", "Error", "version"] + [n for n in dir() if n.endswith("Error")]


def version():
    """The versions of this build: {"annals": release, "store_format": the
    store format it reads and writes, "event_schema": the event encoding it
    writes, "rocksdb": the RocksDB it runs on}, as ``annals --version``."""
    return _annals.version()


__version__ = version()["annals"]


def open(path, read_only=False, create=False):  # noqa: A001  (the built-in's idiom)
    """Opens the store in directory ``path``.

    A path with no store raises :class:`NotFoundError` (a mistyped path
    never makes an empty store), unless ``create=True``, which creates it.
    ``read_only=False`` opens it for writing; only one process at a time can
    (another gets :class:`FailedPreconditionError` naming the process that
    holds it). ``read_only=True`` opens an existing store without write
    access, also while another process writes it; see :meth:`Store.refresh`.

    A store opened for writing keeps its full-text indexes (those it has,
    and those its :meth:`Store.search` makes) up with its appends on a
    thread of its own at a lower CPU priority, as a server does: after a
    large :meth:`Store.import_file` it goes on indexing (about 4 minutes
    per million statements) until done or until the store is closed.
    """
    return Store(_annals.Store(str(path), bool(read_only), bool(create)))


def connect(address, token=None, tls_ca=None):
    """Connects to a running ``annals serve`` and returns a :class:`Store`
    with the same methods as :func:`open`'s, each one call to the server.

    ``address`` is ``"unix:PATH"`` (what the server writes in its store's
    ``annals.server`` file; :func:`server_address` reads it),
    ``"tcp:HOST:PORT"`` (``annals serve --listen`` on a loopback HOST) or
    ``"tls:HOST:PORT"`` (``--listen`` with ``--tls-cert``; HOST a name the
    server's certificate holds), either with ``token``, one the server's
    ``--token-file`` admits (:class:`PermissionDeniedError` if it does not;
    a read-only token's store raises it for every change). ``tls_ca`` names
    a PEM file of certificates to trust besides the system's (a private CA,
    or the server's self-signed certificate). Anything else, or ``tcp:`` or
    ``tls:`` without a token, raises :class:`InvalidArgumentError`;
    :class:`UnavailableError` when nothing answers there or the TLS
    handshake fails (an untrusted certificate, one for another name). What
    has no remote form raises :class:`FailedPreconditionError`. Appends are
    durable as the server's ``--sync`` says, and then synced (as
    :func:`open`'s are).
    """
    if not isinstance(address, str):
        raise InvalidArgumentError(
            f"address: expected a str such as 'unix:/path/annals.sock', not "
            f"{type(address).__name__}")
    if token is not None and not isinstance(token, str):
        raise InvalidArgumentError(
            f"token: expected a str, not {type(token).__name__}")
    if tls_ca is not None and not isinstance(tls_ca, (str, _os.PathLike)):
        raise InvalidArgumentError(
            f"tls_ca: expected a path, not {type(tls_ca).__name__}")
    return Store(_annals.connect(address, token or "",
                                 "" if tls_ca is None else _os.fspath(tls_ca)))


def server_address(path):
    """The address of the server holding the store in directory ``path``
    (from the ``annals.server`` file it keeps there while it serves), or
    None. The file can outlive a killed server: :func:`connect` then raises
    :class:`UnavailableError`."""
    return _annals.server_address(str(path))


def _names(value, what):
    """A list of str from None, a str or an iterable of str."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        names = list(value)
    except TypeError:
        names = None
    if names is None or not all(isinstance(n, str) for n in names):
        raise InvalidArgumentError(f"{what}: expected a str or a list of str")
    return names


class Subscription:
    """The iterator :meth:`Store.subscribe` returns: event dicts in seq
    order, blocking for new ones. Use as a context manager, or call
    :meth:`close`. An error ends it; the exception carries ``resume_from``,
    the ``from_seq`` to subscribe again with to miss and repeat nothing."""

    def __init__(self, core):
        self._core = core

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._core)
        except Error as e:
            e.resume_from = self._core.resume_from
            raise

    @property
    def resume_from(self):
        """One past the last event returned (or skipped by the filter, as
        far as known): where a new subscription goes on."""
        return self._core.resume_from

    def close(self):
        """Stops the subscription: iteration ends. Closing twice is harmless."""
        self._core.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _pairs(attributes):
    """{key: value} (or (key, value) pairs) as a list of str pairs."""
    if attributes is None:
        return []
    items = attributes.items() if isinstance(attributes, dict) else attributes
    return [(str(k), str(v)) for k, v in items]


def _filters(where):
    """Filters given as {field: value} or ["field=value", "goldstein<=-5"]
    as a list of strings (none for None)."""
    if where is None:
        return []
    if isinstance(where, dict):
        return [f"{k}={v}" for k, v in where.items()]
    return list(where)


def _time_text(value, what):
    """An ISO 8601 string for a str, datetime.date or datetime.datetime."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        return _time_text(value.to_pydatetime(), what)
    raise InvalidArgumentError(f"{what}: expected an ISO 8601 string, a date or a "
                               f"datetime, not {type(value).__name__}")


def _json_default(value):
    if isinstance(value, (_dt.date, _dt.datetime)) or hasattr(value, "to_pydatetime"):
        return _time_text(value, "time")
    raise TypeError(f"{type(value).__name__} is not a statement field value")


def _statement_json(statement):
    if not isinstance(statement, dict):
        raise InvalidArgumentError(
            f"a statement is a dict, not {type(statement).__name__}")
    return _json.dumps(statement, default=_json_default, ensure_ascii=False)


def _as_of_text(as_of):
    if as_of is None:
        return ""
    if isinstance(as_of, bool):
        raise InvalidArgumentError("as_of: expected a seq or a time")
    if isinstance(as_of, int):
        if as_of < 0:
            raise InvalidArgumentError("as_of: a seq is not negative")
        return str(as_of)
    text = _time_text(as_of, "as_of")
    if text.isdigit():
        raise InvalidArgumentError(
            "as_of: give a seq as an int; a string is read as a time")
    return text


def _limit(limit):
    if limit is None:
        return 0
    if limit < 1:
        raise InvalidArgumentError("limit: expected a positive number or None")
    return int(limit)


def _whole(value, what):
    """An int from an int-like value (int, numpy integer), else an error."""
    if not isinstance(value, bool):
        try:
            return _operator.index(value)
        except TypeError:
            pass
    raise InvalidArgumentError(f"{what}: expected a whole number, not {type(value).__name__}")


def _count(value, what, default=0):
    """A whole number >= 0 (None: `default`), as the CLI's counts and seqs."""
    if value is None:
        return default
    value = _whole(value, what)
    if value < 0:
        raise InvalidArgumentError(f"{what}: expected a whole number >= 0, got {value}")
    return value


def _seq_range(from_seq, to_seq):
    """(from, to) for the core: to 0 = the end; an empty range is an error."""
    first = max(_count(from_seq, "from_seq", 1), 1)
    last = _count(to_seq, "to_seq", 0)
    if to_seq is not None and last < first:
        raise InvalidArgumentError(
            f"the range is empty: from_seq {first} is after to_seq {last}")
    return first, last


_TIME_COLUMNS = _annals.TIME_COLUMNS  # from the field table


def _frame(columns):
    import pandas as pd

    # Every column but the times and seq holds Python objects (str or None,
    # lists, dicts), also when there are no rows: an empty frame has the
    # dtypes of a full one.
    frame = pd.DataFrame({name: pd.Series(values, dtype=object)
                          for name, values in columns.items()})
    for name in _TIME_COLUMNS:
        micros = pd.array(columns[name], dtype="Int64")
        # Dates outside pandas' range (before 1677 or after 2262) become NaT;
        # the event dicts keep them exactly.
        frame[name] = pd.to_datetime(micros, unit="us", utc=True, errors="coerce")
    frame["seq"] = frame["seq"].astype("int64")
    return frame


def _check_rejects_path(rejects, source, store):
    """Refuses a rejects path that would overwrite the input or a file of
    the store (both would be destroyed before being read)."""
    import os

    if os.path.exists(rejects) and os.path.exists(source) and os.path.samefile(rejects, source):
        raise InvalidArgumentError(f"rejects: {rejects} is the input file")
    real_store = os.path.realpath(store)
    real = os.path.realpath(rejects)
    if os.path.commonpath([real_store, real]) == real_store:
        raise InvalidArgumentError(f"rejects: {rejects} lies inside the store {store}")


class Store:
    """An open store. Use as a context manager, or call :meth:`close`.

    Safe to share between threads. Calls release the GIL while the engine
    works, so other Python threads run meanwhile.
    """

    def __init__(self, core):
        self._core = core

    # --- lifetime ---

    def close(self):
        """Closes the store. Iterators still running keep it open until they
        finish. Closing twice is harmless."""
        self._core.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        state = "closed" if self._core.closed else (
            "connected" if self._core.address else
            "read-only" if self._core.read_only else "writable")
        return f"<annals.Store {self._core.path!r} {state}>"

    @property
    def closed(self):
        return self._core.closed

    @property
    def read_only(self):
        """True for a store opened with ``read_only=True``, or connected to a
        server with a read-only token (every change raises
        :class:`PermissionDeniedError`)."""
        return self._core.read_only

    @property
    def path(self):
        """The store's directory; for a connected store, the server's address."""
        return self._core.path

    @property
    def address(self):
        """The server's address for a store from :func:`connect`, else None."""
        return self._core.address or None

    @property
    def head(self):
        """The highest seq in the log (0 when empty), as this handle sees it."""
        return self._core.head

    def refresh(self):
        """Read-only stores: catches up with the events, aliases and projection
        progress the writing process has committed since open (or the last
        refresh); returns the new head. Whole appends only, never part of one.
        It opens the store again (about the cost of open; queries in other
        threads go on meanwhile), so call it when you want newer data, not
        before every query. Writable stores always see their own appends
        (returns the head)."""
        return self._core.refresh()

    def stats(self):
        """{"events", "head", "bytes_on_disk", "first_occurred_at", "last_occurred_at",
        "lost"} ("lost": seqs `annals repair` recorded as lost to a damaged
        write-ahead log; never reused)"""
        return self._core.stats()

    # --- writing ---

    def append(self, statements):
        """Appends one statement (a dict with the JSON Lines import fields) and
        returns its seq, or a list of them in one atomic batch and returns the
        list of seqs. A statement already stored (same id) is not appended
        again: its existing seq is returned. Times may be ISO 8601 strings,
        dates or datetimes."""
        if isinstance(statements, dict):
            return self._core.append_json([_statement_json(statements)])[0]
        return self._core.append_json([_statement_json(s) for s in statements])

    def import_file(self, path, format="auto", strict=False, dry_run=False,  # noqa: A002
                    repair_utf8=False, rejects=None):
        """Imports a file, as ``annals import`` does, and returns {"read",
        "imported", "duplicates", "rejected", "held_back", "repaired",
        "format", "rejects": [{"line", "reason", "kind"}, ...]} (the first
        1,000 rejected rows; "kind" says what the reason is about, for
        grouping: a field such as "speaker", or "id taken", "unknown
        target", "target retracted", "no change", "alias cycle", ...; with
        ``repair_utf8`` also "repairs", the same for repaired rows). Bad
        rows are skipped and counted. ``annals log --format jsonl`` output
        imports whatever its events' kinds (corrections, retractions,
        aliases), exactly as ``annals import`` imports it.

        ``format``: "auto" (decide by content), "jsonl", "csv", "gdelt"
        (GDELT 1.0/2.0 events), "gdelt-mentions" (GDELT 2.0 Mentions: one
        mention event per article, counted by :meth:`claims_frame`),
        "icews", "plover" (PLOVER/POLECAT JSON) or "aliases" (a CSV of
        actor aliases, as ``annals alias --file``); the
        file may be plain, .gz or .zip. ``strict``: import nothing if any row
        is bad (the rows are counted as "held_back"). ``dry_run``: parse and
        check only; write nothing. ``repair_utf8``: import rows with invalid
        UTF-8, the bad bytes replaced with U+FFFD (default: reject them).
        ``rejects``: a path to write the rejected rows to, verbatim, for
        fixing; it may not be the input itself nor lie inside the store.
        """
        path = str(path)
        if rejects is not None:
            rejects = str(rejects)
            _check_rejects_path(rejects, path, self.path)
        return self._core.import_file(path, format, bool(strict), bool(dry_run),
                                      bool(repair_utf8), rejects or "")

    def correct(self, seq, reason=None, **fields):
        """Corrects a statement, named by its seq (an int) or its id (a
        str): its current values with ``fields`` replaced (e.g.
        ``content="..."``, ``targets=[...]``, or ``source={"url": ...}`` to
        replace only the given source fields). ``reason`` is required, as for
        :meth:`retract`. Returns the correction's seq."""
        if not reason:
            raise InvalidArgumentError("reason: a reason is required")
        seq = self._seq_of(seq)
        current = _json.loads(self._core.current_json(seq))
        for key in ("seq", "recorded_at", "kind"):
            current.pop(key, None)
        for key, value in fields.items():
            if key == "source" and isinstance(value, dict):
                current["source"] = {**current["source"], **value}
            else:
                current[key] = value
        return self._core.correct(seq, _statement_json(current), reason)

    def retract(self, seq, reason, attributes=None):
        """Retracts a statement, named by its seq (an int) or its id (a
        str), for ``reason``; returns the retraction's seq. ``attributes``
        ({key: value}): the retraction's own (provenance: who decided it,
        on what evidence); not part of its id, so a repeat is a duplicate."""
        return self._core.retract(self._seq_of(seq), reason, _pairs(attributes))

    def alias(self, alias, canonical, attributes=None):
        """Records that ``alias`` names the same actor as ``canonical``;
        returns the alias event's seq. ``attributes`` as :meth:`retract`'s
        (the evidence of a reviewed ``actors --suggest-aliases`` row)."""
        return self._core.alias(alias, canonical, _pairs(attributes))

    # --- reading the log ---

    def _seq_of(self, seq_or_id):
        """The seq of an event named by seq (an int) or id (a str)."""
        if isinstance(seq_or_id, str):
            seq = self._core.find(seq_or_id)
            if seq is None:
                raise NotFoundError(f"no event with id {seq_or_id!r}")
            return seq
        seq = _whole(seq_or_id, "seq (or an id as a str)")
        if seq < 0:
            raise InvalidArgumentError(f"a seq is not negative, got {seq}")
        return seq

    def get(self, seq):
        """The event named by its seq (an int) or its id (a str), as a dict;
        NotFoundError if there is none."""
        return self._core.get(self._seq_of(seq))

    def find(self, id):  # noqa: A002
        """The seq of the event with this id, or None."""
        return self._core.find(id)

    def log(self, from_seq=1, to_seq=None, limit=None):
        """An iterator over the raw log: every event (dicts) with a seq from
        ``from_seq`` to ``to_seq`` (None: the end), in seq order, at most
        ``limit`` of them. Streams in small batches, so memory stays
        constant; it reads the log as it stood when the iterator was made."""
        first, last = _seq_range(from_seq, to_seq)
        limit = None if limit is None else _count(limit, "limit")
        return self._core.log(first, last, limit)

    def subscribe(self, from_seq=1, actor=None, topic=None, kind=None, projection=None,
                  key=None):
        """A :class:`Subscription`: every event from ``from_seq`` on, in seq
        order with no gap and no repeat, first those in the log, then each
        as it is committed (iteration blocks until one is; Ctrl-C
        interrupts it). Filters (each a str or a list, any of which may
        match; None: all): ``actor`` the statement's speaker or a target,
        ``topic``, ``kind`` ("statement", "correction", "retraction",
        "actor_alias"); names compare as timelines compare them, aliases
        not applied. ``projection`` with ``key`` (a str or a list, one value
        per key field, as :meth:`projection_query` takes them): only the
        statements and corrections that timeline projection files under
        that group, each judged by its own text (a correction moving a
        statement out of the group, or a retraction, is not delivered); an
        unknown projection raises :class:`NotFoundError`.

        On a connected store the server pushes the events (over a connection
        of the subscription's own); a server that goes away (a restart) or
        cuts off a subscriber too far behind ends it with
        :class:`UnavailableError` or :class:`ResourceExhaustedError`
        carrying ``resume_from``. On a local store it reads the log and,
        when caught up, waits for the store's files to change (an append by
        this process or, for ``read_only=True``, by the writing process;
        the store is then :meth:`refresh`ed)."""
        first = max(_count(from_seq, "from_seq", 1), 1)
        kinds = _names(kind, "kind")
        if (projection is None) != (key is None):
            raise InvalidArgumentError("projection and key go together")
        return Subscription(self._core.subscribe(
            first, _names(actor, "actor"), _names(topic, "topic"), kinds,
            "" if projection is None else str(projection),
            [str(k) for k in (key if isinstance(key, (list, tuple)) else [key])]
            if key is not None else []))

    def replay(self, from_seq=1):
        """Every event from ``from_seq`` to the end of the log, in seq order:
        ``log`` without a limit, for rebuilding state outside annals."""
        return self.log(from_seq=from_seq)

    def statements_frame(self, as_of=None, include_retracted=False, start=None, end=None,
                         from_seq=1, to_seq=None):
        """The current view of the statements as a pandas DataFrame: the rows
        ``annals export`` writes, one per statement, with corrections applied
        (a corrected statement shows its latest values under its own seq and
        id) and retracted statements left out (kept, with status
        "retracted", if ``include_retracted``), as of ``as_of`` (a seq as an
        int, or a time: what the log held then; None: now). ``start`` and
        ``end`` keep statements whose current ``occurred_at`` lies in that
        range (``end`` inclusive of its whole period, as in
        :meth:`timeline`); ``from_seq``/``to_seq`` bound log positions.
        Columns: those of :meth:`log_frame` plus ``status`` ("active",
        "corrected" or "retracted"). Names are as written (see
        :meth:`timeline` for aliases merged). Use this, not
        :meth:`log_frame`, to count or analyse statements."""
        first, last = _seq_range(from_seq, to_seq)
        return _frame(self._core.current_columns(
            first, last, _time_text(start, "start"), _time_text(end, "end"),
            _as_of_text(as_of), bool(include_retracted)))

    def log_frame(self, from_seq=1, to_seq=None, limit=None):
        """The raw log as a pandas DataFrame, one row per event, exactly as
        appended: retracted statements are still there, a corrected
        statement keeps its original values, and corrections, retractions
        and aliases are rows of their own (``kind``). For the statements as
        they now stand (what ``export`` writes), use
        :meth:`statements_frame`. Columns: ``seq`` (int64);
        ``recorded_at``, ``occurred_at``, ``source_published_at``
        (datetime64[ns, UTC], NaT when absent; ``occurred_at`` is the start of
        the period the source gave, whose size ``occurred_precision`` names:
        "year", "month", "day" or "second"); ``targets`` and ``topics``
        (lists of str); ``attributes`` (dicts); the other text fields (str
        or None), with ``source`` flattened into ``source_outlet``, ...
        """
        first, last = _seq_range(from_seq, to_seq)
        limit = None if limit is None else _count(limit, "limit")
        return _frame(self._core.log_columns(first, last, limit))

    # --- timelines ---

    def _timeline(self, actor, topic, role, start, end, as_of, limit,
                  include_retracted, columns, projection="", key=()):
        if projection:
            kind, name = "actor", ""
        elif (actor is None) == (topic is None):
            raise InvalidArgumentError("give actor=NAME or topic=NAME (one of them)")
        elif actor is not None:
            kind, name = "actor", actor
        else:
            if role != "any":
                raise InvalidArgumentError("role: applies to actor timelines only")
            kind, name = "topic", topic
        if not projection and not name:
            raise InvalidArgumentError("the name is empty")
        return self._core.timeline(
            kind, name, projection, [str(k) for k in key], role,
            _time_text(start, "start"), _time_text(end, "end"), _as_of_text(as_of),
            bool(include_retracted), _limit(limit), columns)

    def timeline(self, actor=None, topic=None, role="any", start=None, end=None,
                 as_of=None, limit=None, include_retracted=False):
        """The statements by or about ``actor`` (``role``: "speaker", "target"
        or "any"), or on ``topic``, in the order they occurred (then seq), as a
        list of dicts: the event fields plus ``status`` ("active",
        "corrected", "retracted") and, for actors, ``role``. Corrections
        applied; retractions left out unless ``include_retracted``.

        ``start``/``end`` bound when statements occurred, as the CLI's
        ``--from``/``--to`` (inclusive; ``end`` covers the whole period it
        names; "2025", "2025-03", "2025-03-31" or "20250331", a date or a
        datetime); a range with nothing in it raises InvalidArgumentError. ``as_of`` answers exactly as the
        log stood then: an int seq, or a time (str/date/datetime: everything
        recorded by the end of that period). Writable stores wait for the
        timeline to catch up with the log first; read-only ones answer from
        what the writer's projections had built as of the last refresh.
        """
        return self._timeline(actor, topic, role, start, end, as_of, limit,
                              include_retracted, False)

    def timeline_frame(self, actor=None, topic=None, role="any", start=None, end=None,
                       as_of=None, limit=None, include_retracted=False):
        """:meth:`timeline` as a DataFrame with the columns of
        :meth:`log_frame` plus ``status`` (and ``role`` for actors)."""
        return _frame(self._timeline(actor, topic, role, start, end, as_of, limit,
                                     include_retracted, True))

    def series_frame(self, actor=None, topic=None, projection=None, key=(), by="month",
                     measure="count", role="any", start=None, end=None, as_of=None):
        """A time series of a timeline as a DataFrame indexed by ``period``:
        the statements by or about ``actor`` (``role`` as in
        :meth:`timeline`), on ``topic``, or in group ``key`` (one value per
        key field) of declarative ``projection``, per ``by`` ("day",
        "week" (ISO 8601, "2025-W14"), "month" or "year"), counted as
        timelines list them (corrections applied, retractions left out,
        aliases merged, ``start``/``end``/``as_of`` as in :meth:`timeline`).

        Periods with no statement are rows of zeros, from the first period
        to the last (from ``start``'s to ``end``'s when given). Statements
        dated more coarsely than ``by`` (a year, in a month series) are rows
        of their own, labelled at their precision ("2025"), ``coarse`` True
        and ``precision`` "year": never merged into a period. Columns:
        ``precision``, ``coarse``, ``count`` and, by ``measure``:
        "goldstein-sum" ``goldstein_sum``, "goldstein-mean"
        ``goldstein_mean`` (NaN where no statement has a score; a score is
        the row's GoldsteinScale, else the CAMEO codebook's), "quad-counts"
        ``quad1``..``quad4`` (statements per CAMEO quad class), "all" every
        one of them with ``scored`` (statements with a score)."""
        import pandas as pd

        measures = {"count": [], "goldstein-sum": ["goldstein_sum"],
                    "goldstein-mean": ["goldstein_mean"],
                    "quad-counts": ["quad1", "quad2", "quad3", "quad4"],
                    "all": ["scored", "goldstein_sum", "goldstein_mean",
                            "quad1", "quad2", "quad3", "quad4"]}
        if measure not in measures:
            raise InvalidArgumentError(
                "measure: expected count, goldstein-sum, goldstein-mean, quad-counts or all")
        if by not in ("day", "week", "month", "year"):
            raise InvalidArgumentError("by: expected day, week, month or year")
        if projection:
            if actor is not None or topic is not None:
                raise InvalidArgumentError("give actor, topic or projection (one of them)")
            if isinstance(key, str):
                key = (key,)
            if not key:
                raise InvalidArgumentError("projection: give one key value per key field")
            kind, name = "actor", ""
        elif (actor is None) == (topic is None):
            raise InvalidArgumentError("give actor=NAME, topic=NAME or projection=NAME")
        elif actor is not None:
            kind, name = "actor", actor
        else:
            if role != "any":
                raise InvalidArgumentError("role: applies to actor series only")
            kind, name = "topic", topic
        if not projection and not name:
            raise InvalidArgumentError("the name is empty")
        cols = self._core.series_columns(
            kind, name, projection or "", [str(k) for k in key], role, by,
            _time_text(start, "start"), _time_text(end, "end"), _as_of_text(as_of))
        frame = pd.DataFrame({
            "precision": pd.Series(cols["precision"], dtype=object),
            "coarse": pd.Series(cols["coarse"], dtype=bool),
            "count": pd.Series(cols["count"], dtype="int64"),
            "scored": pd.Series(cols["scored"], dtype="int64"),
            "goldstein_sum": pd.Series(cols["goldstein_sum"], dtype="float64"),
            **{f"quad{i}": pd.Series(cols[f"quad{i}"], dtype="int64") for i in range(1, 5)},
        })
        frame.index = pd.Index(cols["period"], dtype=object, name="period")
        frame["goldstein_mean"] = (frame["goldstein_sum"] /
                                   frame["scored"].where(frame["scored"] > 0))
        frame.attrs["as_of"] = cols["as_of"]
        return frame[["precision", "coarse", "count"] + measures[measure]]

    def claims_frame(self, actor=None, topic=None, role="any", start=None, end=None,
                     as_of=None, similarity=0.0, window_days=3):
        """The claims of an actor's or a topic's timeline (``annals
        claims``): one row per group of statements that report the same
        thing (the same speaker, targets, code and date; with
        ``similarity`` > 0 also near-duplicate content of one speaker at
        most ``window_days`` apart), in the order of first reports, as the
        timeline reads (``role``/``start``/``end``/``as_of`` as in
        :meth:`timeline`). Columns: ``first_seq``, ``first_at``,
        ``last_at``, ``statements``, ``outlets``, ``mentions`` (GDELT
        articles that mentioned a report, from an imported mentions file),
        ``seqs`` (a list), ``speaker``, ``targets`` (a list), ``code``,
        ``content``."""
        import pandas as pd

        if (actor is None) == (topic is None):
            raise InvalidArgumentError("give actor=NAME or topic=NAME")
        if topic is not None and role != "any":
            raise InvalidArgumentError("role: applies to actor claims only")
        if role not in ("speaker", "target", "any"):
            raise InvalidArgumentError('role: expected "speaker", "target" or "any"')
        name = actor if actor is not None else topic
        if not name:
            raise InvalidArgumentError("the name is empty")
        if not 0 <= window_days <= 36600:
            raise InvalidArgumentError("window_days: from 0 to 36600")
        cols = self._core.claims_columns(
            "actor" if actor is not None else "topic", name, role,
            _time_text(start, "start"), _time_text(end, "end"), _as_of_text(as_of),
            float(similarity), int(window_days))
        frame = pd.DataFrame({
            "first_seq": pd.Series(cols["first_seq"], dtype="int64"),
            "first_at": pd.Series(cols["first_at"], dtype=object),
            "last_at": pd.Series(cols["last_at"], dtype=object),
            "statements": pd.Series(cols["statements"], dtype="int64"),
            "outlets": pd.Series(cols["outlets"], dtype="int64"),
            "mentions": pd.Series(cols["mentions"], dtype="int64"),
            "seqs": pd.Series(cols["seqs"], dtype=object),
            "speaker": pd.Series(cols["speaker"], dtype=object),
            "targets": pd.Series(cols["targets"], dtype=object),
            "code": pd.Series(cols["code"], dtype=object),
            "content": pd.Series(cols["content"], dtype=object),
        })
        frame.attrs["as_of"] = cols["as_of"]
        return frame

    def network_frames(self, actor=None, depth=1, start=None, end=None, as_of=None,
                       where=None, where_not=None):
        """The speaker -> target network of the current view (corrections
        applied, retractions left out, aliases merged; ``start``/``end``/
        ``as_of`` as in :meth:`timeline`), as ``annals network`` writes it,
        in two DataFrames ``(nodes, edges)``.

        ``actor``: only its ego network (``depth`` 1: its own edges; 2: also
        its neighbours'). ``where``/``where_not``: filters as in
        :meth:`create_projection` ({"code": "11"} or ["quad=4",
        "goldstein<=-5"]). ``nodes`` is indexed by ``id`` (the normalised
        alias root) with ``label`` (the name as shown); ``edges`` has
        ``source``, ``target`` (node ids), ``count`` (statements),
        ``quad1``..``quad4``, ``scored``, ``goldstein_sum`` and
        ``goldstein_mean`` (NaN where none has a score).
        ``networkx.from_pandas_edgelist(edges, "source", "target",
        edge_attr=True)`` makes a graph of it. Both frames carry
        ``attrs["as_of"]``."""
        import pandas as pd

        if depth not in (1, 2):
            raise InvalidArgumentError("depth: use 1 or 2")
        if actor is not None and not actor:
            raise InvalidArgumentError("the name is empty")
        filters = _filters(where) + ["!" + w for w in _filters(where_not)]
        cols = self._core.network_columns(
            actor or "", depth, _time_text(start, "start"), _time_text(end, "end"),
            _as_of_text(as_of), filters)
        nodes = pd.DataFrame({"label": pd.Series(cols["label"], dtype=object)})
        nodes.index = pd.Index(cols["id"], dtype=object, name="id")
        edges = pd.DataFrame({
            "source": pd.Series(cols["source"], dtype=object),
            "target": pd.Series(cols["target"], dtype=object),
            "count": pd.Series(cols["count"], dtype="int64"),
            **{f"quad{i}": pd.Series(cols[f"quad{i}"], dtype="int64") for i in range(1, 5)},
            "scored": pd.Series(cols["scored"], dtype="int64"),
            "goldstein_sum": pd.Series(cols["goldstein_sum"], dtype="float64"),
        })
        edges["goldstein_mean"] = edges["goldstein_sum"] / edges["scored"].where(edges["scored"] > 0)
        for frame in (nodes, edges):
            frame.attrs["as_of"] = cols["as_of"]
        return nodes, edges

    def search(self, query, actor=None, topic=None, start=None, end=None, as_of=None,
               limit=20, language="english"):
        """Full-text search of statements' content and quote (``annals
        search``), ranked by BM25 (ties: earlier first), as the statements
        read at ``as_of`` (corrections applied, retracted ones left out).
        ``query``: words (all required), "quoted phrases", AND/OR/NOT,
        -word, prefix*. ``actor`` (aliases apply), ``topic``, ``start``/
        ``end``: filters as in :meth:`timeline`. ``language``: the stemmer
        (``"none"`` for words as written). Returns a list of dicts: the
        statement's event fields plus ``rank``, ``score`` and
        ``version_seq`` (the event whose text matched). The index lives in
        STORE/search; through :func:`connect`, the server searches its
        own. ``topic`` also finds the topics holding all of its words
        (``"rare earth"`` finds "rare earth metals")."""
        if not 1 <= limit <= 10000:
            raise InvalidArgumentError("limit: from 1 to 10000")
        return self._core.search_hits(
            str(query), actor or "", topic or "", _time_text(start, "start"),
            _time_text(end, "end"), _as_of_text(as_of), int(limit), str(language))

    def search_frame(self, query, actor=None, topic=None, start=None, end=None,
                     as_of=None, limit=20, language="english"):
        """:meth:`search` as a DataFrame indexed by ``rank``: ``score``,
        ``seq``, ``version_seq``, ``occurred_at`` (as in :meth:`timeline`'s
        rows), ``speaker``, ``targets``, ``topics``, ``content``, ``quote``;
        ``attrs["query"]`` holds the query."""
        import pandas as pd

        hits = self.search(query, actor=actor, topic=topic, start=start, end=end,
                           as_of=as_of, limit=limit, language=language)
        columns = ["score", "seq", "version_seq", "occurred_at", "speaker", "targets",
                   "topics", "content", "quote"]
        frame = pd.DataFrame({c: pd.Series([h[c] for h in hits],
                                           dtype="float64" if c == "score" else
                                           "int64" if c.endswith("seq") else object)
                              for c in columns})
        frame.index = pd.Index([h["rank"] for h in hits], dtype="int64", name="rank")
        frame.attrs["query"] = str(query)
        return frame

    # --- projections ---

    def projections(self):
        """Every projection as a dict: name, version, state ("live",
        "building", "rebuilding", "failed"), checkpoint, head, lag,
        rebuild_checkpoint, failed_seq, error, definition."""
        return self._core.projections()

    def create_projection(self, name, key, where=None, where_not=None):
        """Defines a declarative projection grouping statements by ``key``
        (a field name or a list of them: speaker, target, actor, topic, verb,
        event_type, code, code:N, outlet, attr.NAME, quad, root, goldstein,
        day, week, month, year), keeping those that match the ``where``
        filters ({field: value} or ["field=value", "goldstein<=-5", ...];
        equalities on one field are alternatives, its bounds (<, <=, >, >=
        on quad, goldstein and attr.NAME) all hold, filters on different
        fields all must hold; a code value is a prefix; "code=11,12" lists
        two) and none of the ``where_not`` ones, and starts building it.
        A filter no statement can pass, or a value none can have (quad=5),
        raises annals.InvalidArgumentError."""
        key_list = key if isinstance(key, str) else ",".join(key)
        self._core.create_projection(
            name, key_list, _filters(where) + ["!" + w for w in _filters(where_not)])

    def drop_projection(self, name):
        """Removes a declarative projection and its data."""
        self._core.drop_projection(name)

    def rebuild(self, name, wait=True, timeout=3600.0):
        """Rebuilds projection ``name`` from seq 1 beside the live version,
        which keeps answering until the new one has caught up. Waits for it
        (up to ``timeout`` seconds) unless ``wait`` is False."""
        self._core.rebuild(name, float(timeout) if wait else 0.0)

    def projection_query(self, name, *key, counts=False, top=None, prefix="",
                         start=None, end=None, as_of=None, limit=None,
                         include_retracted=False, frame=False):
        """Queries declarative (or built-in) projection ``name``.

        With key values (one per key field): that group's timeline, as
        :meth:`timeline` returns it (a DataFrame if ``frame``). With
        ``counts=True``: its groups with how many statements each holds,
        largest first, as [{"key": [...], "count": n}, ...]: exactly the
        statements the groups' timelines list with the same ``start``,
        ``end`` and ``as_of`` (corrections applied, retractions left out,
        aliases merged for "actors"); ``top`` and ``prefix`` narrow it.
        """
        if counts:
            if key:
                raise InvalidArgumentError("give key values or counts=True, not both")
            return self._core.counts(name, prefix, _count(top, "top"),
                                     _time_text(start, "start"), _time_text(end, "end"),
                                     _as_of_text(as_of))
        if not key:
            raise InvalidArgumentError("give one value per key field, or counts=True")
        rows = self._timeline(None, None, "any", start, end, as_of, limit,
                              include_retracted, frame, projection=name, key=key)
        return _frame(rows) if frame else rows
