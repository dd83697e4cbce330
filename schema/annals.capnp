# The annals event log: one Envelope per log entry.
#
# Evolution rules (append-only): never renumber, retype or reuse a field or an
# enumerant; add new fields at the end with the next ordinal; new event kinds
# are new members of Envelope.kind. Events written by any earlier version of
# this schema must stay readable.
@0xaae4680e7f6e3348;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("annals::schema");

struct Time {
  # A point in UTC with the precision the source gave. `micros` is the start
  # of the period: "2025-03" is 2025-03-01T00:00:00Z with precision month.
  micros @0 :Int64;        # microseconds since 1970-01-01T00:00:00Z
  precision @1 :Precision;

  enum Precision {
    unknown @0;            # never set by this version; reads as "absent"
    year @1;
    month @2;
    day @3;
    second @4;
  }
}

struct Source {
  # Where the statement was reported.
  outlet @0 :Text;         # e.g. "Izvestia"
  url @1 :Text;
  publishedAt @2 :Time;    # absent when not set
  via @3 :Text;            # outlet that relayed it, e.g. "The Moscow Times"
}

struct Attribute {
  # A format-specific extra, kept as text (e.g. GDELT's "GoldsteinScale").
  key @0 :Text;
  value @1 :Text;
}

struct Statement {
  # Who said what, to whom, about what, and when. Absent text fields are
  # null pointers (hasX() is false), never empty strings.
  speaker @0 :Text;        # name as written; absent for rows that lack one
  targets @1 :List(Text);  # who it was said to or about
  verb @2 :Text;           # surface verb: "said", "accused", "threatened"
  code @3 :Text;           # CAMEO event code as text, leading zeros kept
  eventType @4 :Text;      # PLOVER event type, optional
  topics @5 :List(Text);
  content @6 :Text;        # what was stated, paraphrased
  quote @7 :Text;          # verbatim, optional
  occurredAt @8 :Time;
  source @9 :Source;
  attributes @10 :List(Attribute);
}

struct Correction {
  # Supersedes statement `target`: from this event on, the statement reads
  # as `statement` (stored whole, already merged with the fields that were
  # not corrected). A later correction of the same target supersedes this one.
  target @0 :UInt64;       # seq of the original statement being corrected
  statement @1 :Statement; # the corrected statement, whole
  reason @2 :Text;         # why, optional
}

struct Retraction {
  # Withdraws statement `target`: from this event on, timelines omit it.
  target @0 :UInt64;       # seq of the original statement being retracted
  reason @1 :Text;         # why; required
  attributes @2 :List(Attribute);  # provenance (import.source_seq, ...) of
                           # a copied event; empty in events written before
}

struct ActorAlias {
  # From this event on, `alias` names the same actor as `canonical`; queries
  # for either find statements recorded under both, shown as `canonical`.
  alias @0 :Text;
  canonical @1 :Text;
  attributes @2 :List(Attribute);  # as Retraction.attributes
}

struct Mention {
  # An article that reported an event (a row of a GDELT 2.0 Mentions file).
  # The event is named by its id, so a mention may be stored before the
  # event it names, or without it.
  event @0 :Text;          # id of the event mentioned, e.g. "gdelt:1061070484"
  source @1 :Source;       # the article: outlet, url, publishedAt
  attributes @2 :List(Attribute);  # the row's other columns, by the source's names
}

struct Envelope {
  seq @0 :UInt64;          # global log position, gapless from 1
  recordedAt @1 :Int64;    # UTC microseconds since the epoch, when appended;
                           # never decreases along the log
  id @2 :Text;             # idempotency key (the caller's, or "h:" + a hash)
  schemaVersion @3 :UInt16;# version of this schema the writer used (now 1)

  kind :union {
    statement @4 :Statement;
    correction @5 :Correction;
    retraction @6 :Retraction;
    actorAlias @7 :ActorAlias;
    mention @8 :Mention;
  }
}
