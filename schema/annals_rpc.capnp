# The annals server's RPC interface (`annals serve`, issue 20).
#
# Evolution rules, as for annals.capnp (append-only): never renumber, retype
# or reuse a field, method or enumerant; add new ones at the end with the
# next ordinal. Methods a server does not implement yet fail with Cap'n
# Proto's UNIMPLEMENTED exception; the connection goes on.
#
# Events cross the wire in their stored form (the log's own bytes):
# an 8-byte little-endian XXH64 of the payload, then a Cap'n Proto
# flat-array message whose root is annals.capnp's Envelope. The client
# checks the checksum as the store does. Statements sent to the server are
# Envelopes of kind statement in the same form (seq and recordedAt ignored).
#
# Errors are data, not exceptions: every result carries a Status (absl's
# canonical code, a message for people, and the status's payloads, which
# carry annals's machine-readable error kinds, annals/status.h). A Cap'n
# Proto exception means the connection or the server failed, not the call.
@0xc1d6f0a5e3b2d947;

using Cxx = import "/capnp/c++.capnp";
using Annals = import "annals.capnp";
$Cxx.namespace("annals::rpc");

struct Payload {
  typeUrl @0 :Text;
  value @1 :Data;
}

struct Status {
  code @0 :UInt8;             # absl::StatusCode; 0 = OK
  message @1 :Text;
  payloads @2 :List(Payload);
}

struct AppendResult {
  seq @0 :UInt64;
  duplicate @1 :Bool;
}

struct Stats {
  events @0 :UInt64;
  head @1 :UInt64;
  bytesOnDisk @2 :UInt64;
  firstOccurredAt @3 :Int64;   # micros; only when hasFirst
  firstPrecision @4 :UInt8;    # annals::Precision; 0 = absent
  lastOccurredAt @5 :Int64;
  lastPrecision @6 :UInt8;
  lost @7 :UInt64;
}

struct TimelineQuery {
  # annals::TimelineQuery (annals/timeline.h), field for field.
  kind @0 :UInt8;              # 0 actor, 1 topic
  name @1 :Text;
  projection @2 :Text;
  key @3 :List(Text);
  role @4 :UInt8;              # 1 speaker, 2 target, 3 any
  fromMicros @5 :Int64;
  fromPrecision @6 :UInt8;     # 0 = no lower bound
  toMicros @7 :Int64;
  toPrecision @8 :UInt8;       # 0 = no upper bound
  asOf @9 :UInt64;
  hasAsOf @10 :Bool;
  includeRetracted @11 :Bool;
  limit @12 :UInt64;
  reverse @13 :Bool;
  cursor @14 :Text;
  wait @15 :Bool;
}

struct TimelineEntry {
  event @0 :Data;              # stored form, see above
  status @1 :UInt8;            # annals::EntryStatus
  versionSeq @2 :UInt64;
  role @3 :UInt8;
}

struct TimelinePage {
  entries @0 :List(TimelineEntry);
  nextCursor @1 :Text;
  asOf @2 :UInt64;
}

struct SubscriptionFilter {
  # Every list empty: all events. Otherwise an event passes when it matches
  # every non-empty list (any member of it). Names compare normalised.
  actors @0 :List(Text);
  topics @1 :List(Text);
  kinds @2 :List(UInt8);       # annals::EventKind
  # A group of a timeline projection (annals::SubscriptionFilter): events
  # whose statement it files under `key`, one value per key field. An
  # unknown projection fails with NOT_FOUND, a key that does not fit it
  # with INVALID_ARGUMENT (servers before they were served: UNIMPLEMENTED).
  projection @3 :Text;
  key @4 :List(Text);
}

interface EventSink {
  # Given by a subscriber: receives events in seq order, no gap, no repeat.
  push @0 (events :List(Data)) -> stream;
  # The subscription ended (status says why); resume from lastSeq + 1.
  end @1 (status :Status, lastSeq :UInt64);
}

interface Subscription {
  # Dropping it cancels the subscription.
}

interface Store {
  # The server's bootstrap capability.

  stats @0 () -> (status :Status, stats :Stats);
  get @1 (seq :UInt64) -> (status :Status, event :Data);
  findById @2 (id :Text) -> (status :Status, seq :UInt64);
  # read, timeline and EventSink.push carry at most about 8 MiB of events
  # (an event bigger than that goes alone): read at most 10,000 events from
  # fromSeq (fewer than asked is no end of the log; an empty list is), a
  # timeline page at most 10,000 entries (limit 0 or more: 10,000).
  read @3 (fromSeq :UInt64, limit :UInt64) -> (status :Status, events :List(Data));
  head @4 () -> (status :Status, head :UInt64);
  timeline @5 (query :TimelineQuery) -> (status :Status, page :TimelinePage);

  # Appends a batch atomically and in order (results[i] is statements[i]);
  # appends of all connections are group-committed: one WriteBatch and one
  # write-ahead-log write per group. The reply means what the server's
  # durability says: in the write-ahead log (survives the server's crash),
  # or fsynced too with `annals serve --sync`.
  append @6 (statements :List(Data)) -> (status :Status, results :List(AppendResult));

  # Filled in by later sessions (UNIMPLEMENTED until then).
  correct @7 (target :UInt64, statement :Data, reason :Text)
      -> (status :Status, result :AppendResult);
  # attributes: the event's own (Engine::Retract, Engine::Alias); added
  # later, so an older client sends none.
  retract @8 (target :UInt64, reason :Text, attributes :List(Annals.Attribute))
      -> (status :Status, result :AppendResult);
  alias @9 (alias :Text, canonical :Text, attributes :List(Annals.Attribute))
      -> (status :Status, result :AppendResult);
  # counts: groups largest first; keys[i] is group i's key values (names[i]
  # is their first). from*/to* as TimelineQuery's; wait as CountsQuery's.
  counts @10 (projection :Text, prefix :Text, top :UInt64, asOf :UInt64, hasAsOf :Bool,
              fromMicros :Int64, fromPrecision :UInt8, toMicros :Int64, toPrecision :UInt8,
              wait :Bool)
      -> (status :Status, names :List(Text), counts :List(UInt64), keys :List(List(Text)));
  # Not implemented (superseded by projectionList @20, which is typed).
  projections @11 () -> (status :Status, json :Text);
  # definitionJson is unused (empty); the definition is name, key and the
  # where filters as parallel lists (a negated filter's field starts "!").
  createProjection @12 (definitionJson :Text, name :Text, key :List(Text),
                        whereFields :List(Text), whereValues :List(Text)) -> (status :Status);
  dropProjection @13 (name :Text) -> (status :Status);
  rebuild @14 (name :Text) -> (status :Status);
  subscribe @15 (fromSeq :UInt64, filter :SubscriptionFilter, sink :EventSink)
      -> (status :Status, subscription :Subscription);
  verify @16 () -> (status :Status, reportJson :Text);
  # backup: into `destination` (an absolute path on the server's machine),
  # as annals::Backup; the results are its BackupInfo.
  backup @17 (destination :Text)
      -> (status :Status, path :Text, head :UInt64, bytes :UInt64, backupId :UInt32,
          searchIndexes :List(Text));
  readProjection @18 (name :Text, key :Text) -> (status :Status, value :Data, found :Bool);
  sync @19 () -> (status :Status);

  # Added for the CLI through a server (issue 20); as the Engine methods of
  # the same names. Waits take at most timeoutMicros (the server may cut it
  # shorter and answer DEADLINE_EXCEEDED; clients ask again).
  projectionList @20 () -> (status :Status, projections :List(ProjectionInfo));
  standing @21 (seq :UInt64) -> (status :Status, correctedBy :UInt64, retractedBy :UInt64);
  currentStatement @22 (seq :UInt64) -> (status :Status, statement :Data);
  seqAt @23 (recordedAt :Int64) -> (status :Status, seq :UInt64);
  waitForProjection @24 (name :Text, seq :UInt64, timeoutMicros :Int64) -> (status :Status);
  waitForRebuild @25 (name :Text, timeoutMicros :Int64) -> (status :Status);

  # What this server does beyond what an older one did with the same
  # methods, so that a client never sends what the server would silently
  # drop: "event-attributes" (retract and alias store their attributes).
  # A server older than this method answers UNIMPLEMENTED: none of them.
  features @26 () -> (status :Status, features :List(Text));

  # Engine::AppendMentions: one batch, atomic and in order; each mention in
  # the stored form of an event of kind mention (only its mention is
  # read). Feature "mentions"; an older server answers UNIMPLEMENTED.
  appendMentions @27 (mentions :List(Data)) -> (status :Status, results :List(AppendResult));
  # Engine::MentionsOf: mentions[i] lists the mentions of event
  # eventIds[i] up to asOf (0: the head); at most 65,536 ids a call.
  mentionsOf @28 (eventIds :List(Text), asOf :UInt64)
      -> (status :Status, mentions :List(MentionRefs));

  # search: full-text search (annals/search.h) on the server's index, which
  # the call catches up first (feature "search").
  search @29 (query :SearchQuery)
      -> (status :Status, hits :List(SearchHit), asOf :UInt64, estimatedMatches :UInt64);
}

struct SearchQuery {
  text @0 :Text;
  actor @1 :Text;
  topic @2 :Text;
  fromMicros @3 :Int64;
  fromPrecision @4 :UInt8;     # 0 = no lower bound
  toMicros @5 :Int64;
  toPrecision @6 :UInt8;       # 0 = no upper bound
  asOf @7 :UInt64;
  hasAsOf @8 :Bool;
  limit @9 :UInt64;
  language @10 :Text;
}

struct SearchHit {
  seq @0 :UInt64;
  versionSeq @1 :UInt64;
  score @2 :Float64;
  event @3 :Data;              # stored form, as get's
}

struct MentionRefs {
  # The mentions of one event (annals::MentionRef, field by field).
  seqs @0 :List(UInt64);
  outlets @1 :List(Text);      # outlets[i] is seqs[i]'s
}

struct ProjectionInfo {
  # annals::ProjectionInfo (annals/projection.h), field for field.
  name @0 :Text;
  version @1 :UInt32;
  state @2 :UInt8;             # annals::ProjectionState
  checkpoint @3 :UInt64;
  head @4 :UInt64;
  lag @5 :UInt64;
  rebuildCheckpoint @6 :UInt64;
  failedSeq @7 :UInt64;
  error @8 :Text;
  definition @9 :Text;
}

interface Authenticator {
  # The bootstrap capability of a TCP listener (annals serve --listen): a
  # token gives a Store (a read-only token: one that refuses every change;
  # backup is refused over TCP). A wrong token gets PERMISSION_DENIED; after
  # three, every login on that connection is refused. readOnly: the token
  # may only read (older servers leave it false).
  login @0 (token :Data) -> (status :Status, store :Store, readOnly :Bool);
}
