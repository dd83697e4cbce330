// A client of a running `annals serve` (annals/server.h): the Engine's
// reads and appends over the server's Cap'n Proto RPC interface
// (schema/annals_rpc.capnp). Every call returns Status/StatusOr with the
// same codes and error kinds (annals/status.h) the local Engine gives;
// kUnavailable means the server could not be reached or went away (a call
// in flight then may or may not have happened: appends are idempotent by
// statement id, so re-send them).
//
// Thread safety: a Client is safe to use from many threads; its calls are
// carried by one I/O thread of its own, and may be in flight at once.
// Lifetime: destroying it closes the connection (calls in flight on other
// threads must have returned).
#ifndef ANNALS_CLIENT_H_
#define ANNALS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "annals/backup.h"
#include "annals/search.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "annals/event.h"
#include "annals/statement.h"
#include "annals/timeline.h"
#include "annals/visibility.h"

namespace annals {

struct ClientOptions {
  // Largest message accepted from the server, in bytes (a page of events).
  uint64_t max_message_bytes = 64ull << 20;
  // For a "tcp:" or "tls:" server: the token it admits
  // (ServeOptions::token_file). Unused for a Unix socket, which only the
  // store's owner can reach.
  std::string token;
  // For a "tls:" server: a PEM file of the certificates to trust besides
  // the system's authorities (a private CA, or the server's self-signed
  // certificate). "" = the system's only.
  std::string tls_ca;
};

// Which events a subscription delivers: every non-empty list must match
// (any of its members), and the projection group when one is given. Actor
// and topic names compare after normalisation (case, Unicode NFC,
// whitespace), as timelines do; actor aliases are not applied yet. Empty:
// every event. Each test reads the event's own statement: a correction
// passes by its new text, and a retraction, which carries none, passes no
// actor, topic or group test.
struct SubscriptionFilter {
  std::vector<std::string> actors;  // the statement's speaker or a target
  std::vector<std::string> topics;
  std::vector<EventKind> kinds;
  // A group of a timeline projection (a declarative one, or the built-in
  // "actors" or "topics"): only statements that projection files under
  // `key`, one value per key field as `projection query NAME KEY...`
  // takes them (normalised as the projection normalises them; aliases not
  // applied). "" with an empty key: any. Tested as the projection's
  // definition stands when the subscription starts. Each event is judged
  // by its own statement: what enters the group is delivered, but a
  // correction that moves a statement out of it, or a retraction of one in
  // it, is not (subscribe to kinds correction and retraction besides to
  // follow those).
  std::string projection;
  std::vector<std::string> key;
};

// `filter` as a test of `engine`'s events: the rule a server's
// subscription applies (SubscriptionFilterMatches, and the projection
// group, resolved once). kNotFound: no such projection; kInvalidArgument:
// it is not a timeline, `key` does not fit its key fields, or a key
// without a projection; kFailedPrecondition: a projection group asked of
// an engine with no projections of its own (a Client's: ask its
// Subscribe, whose server tests). Thread-safe; the test may outlive
// `engine`.
ANNALS_EXPORT absl::StatusOr<std::function<bool(const Event&)>> SubscriptionMatcher(
    const Engine& engine, const SubscriptionFilter& filter);

// `filter` with its names normalised (NormalizedName), once, for
// SubscriptionFilterMatches (which tests no projection group: see
// SubscriptionMatcher).
ANNALS_EXPORT SubscriptionFilter NormalizedSubscriptionFilter(SubscriptionFilter filter);

// Whether `event` passes `normalized` (a NormalizedSubscriptionFilter) as a
// server's subscription decides it, for a filter without a projection
// group; one with a group passes nothing here (SubscriptionMatcher judges
// groups).
ANNALS_EXPORT bool SubscriptionFilterMatches(const SubscriptionFilter& normalized,
                                             const Event& event);

// A live subscription (Client::Subscribe). Destroying it cancels it; it
// must be destroyed before its Client.
class ANNALS_EXPORT Subscription {
 public:
  virtual ~Subscription() = default;
  // Blocks until the subscription ends and returns why: kResourceExhausted
  // when the server cut off a subscriber that fell too far behind,
  // kUnavailable when the connection was lost (a server restart, say).
  virtual absl::Status Wait() = 0;
  // As Wait, for at most `timeout`: nullopt while the subscription still
  // runs (ZeroDuration asks without waiting). When it reports the end,
  // every on_event call of this subscription has returned.
  virtual std::optional<absl::Status> Wait(absl::Duration timeout) = 0;
  // Where to resume: one past the last seq this subscription has covered
  // (delivered, or skipped by the filter as the server reported).
  virtual uint64_t resume_from() const = 0;
};

class ANNALS_EXPORT Client {
 public:
  virtual ~Client() = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Whether the server refuses every change through this client (it logged
  // in with a read-only token); false over a Unix socket. Set once
  // Connect returns; any thread.
  virtual bool read_only() const = 0;

  // As Engine's methods of the same names (annals/engine.h), except that a
  // Timeline page holds at most 10,000 entries (q.limit 0, "no limit", or
  // more asks for 10,000) and about 8 MiB of events: page on with
  // next_cursor. Read pages through the server's replies by itself.
  virtual absl::StatusOr<StoreStats> Stats() = 0;
  virtual absl::StatusOr<uint64_t> Head() = 0;
  virtual absl::StatusOr<Event> Get(uint64_t seq) = 0;
  virtual absl::StatusOr<uint64_t> FindById(std::string_view id) = 0;
  virtual absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq, size_t limit) = 0;
  virtual absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) = 0;

  // Appends a batch atomically and in order, as Engine::Append. The server
  // commits the batches of all its clients together (group commit); the
  // reply means what the server's durability says: written to the
  // write-ahead log (survives a crash of the server), or fsynced too when
  // the server runs with --sync.
  virtual absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements) = 0;

  // As Engine's methods of the same names, run by the server. Amendments
  // and Sync follow the server's durability (see Append); waits ask the
  // server again every half second or so until `timeout`. Registering
  // in-process C++ projections (Engine::AddProjection) has no remote form:
  // declarative ones (CreateProjection) work. Retract and Alias with
  // attributes fail with kFailedPrecondition, sending nothing, when the
  // server is an older annals that would store the event without them.
  virtual absl::StatusOr<AppendResult> Correct(uint64_t target, const Statement& corrected,
                                               std::string_view reason) = 0;
  virtual absl::StatusOr<AppendResult> Retract(
      uint64_t target, std::string_view reason,
      const std::vector<Attribute>& attributes = {}) = 0;
  virtual absl::StatusOr<AppendResult> Alias(std::string_view alias, std::string_view canonical,
                                             const std::vector<Attribute>& attributes = {}) = 0;
  // kFailedPrecondition, sending nothing, when the server is an older
  // annals without mentions.
  virtual absl::StatusOr<std::vector<AppendResult>> AppendMentions(
      std::span<const Mention> mentions) = 0;
  // An older server without mentions holds none: every list is empty.
  virtual absl::StatusOr<std::vector<std::vector<MentionRef>>> MentionsOf(
      std::span<const std::string> event_ids, uint64_t as_of) = 0;
  virtual absl::Status Sync() = 0;
  virtual absl::StatusOr<StatementStanding> Standing(uint64_t seq) = 0;
  virtual absl::StatusOr<Statement> CurrentStatement(uint64_t seq) = 0;
  virtual absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) = 0;
  virtual absl::StatusOr<std::vector<GroupCount>> Counts(const CountsQuery& q) = 0;
  virtual absl::StatusOr<std::vector<ProjectionInfo>> Projections() = 0;
  virtual absl::Status CreateProjection(const ProjectionDefinition& def) = 0;
  virtual absl::Status DropProjection(std::string_view name) = 0;
  virtual absl::Status Rebuild(std::string_view name) = 0;
  virtual absl::Status WaitForRebuild(std::string_view name, absl::Duration timeout) = 0;
  virtual absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                         absl::Duration timeout) = 0;
  virtual absl::StatusOr<std::optional<std::string>> ReadProjection(std::string_view name,
                                                                    std::string_view key) = 0;

  // Backs up the store in the server (annals::Backup, annals/backup.h,
  // with the server's own engine: a checked copy of its files, taken at one
  // instant). `dir` is a path on this machine (a relative one is made
  // absolute here); the server's process writes it.
  virtual absl::StatusOr<BackupInfo> Backup(const std::string& dir) = 0;

  // Full-text search (annals::Search, annals/search.h) on the server's own
  // index (STORE/search/LANG), which the server catches up with its log
  // first. kUnimplemented: a server of an annals without search;
  // kPermissionDenied: a read-only token asked for a language the server
  // has no index of yet (it does not make one for such a client);
  // kResourceExhausted: the hits would not fit in one reply (ask fewer).
  virtual absl::StatusOr<SearchResult> Search(const SearchQuery& q) = 0;

  // Delivers every event from `from_seq` on that passes `filter`, in seq
  // order, with no gap and no repeat: first those already in the log, then
  // each as it is appended, until the Subscription is destroyed or ends.
  // Resuming with resume_from() after an end misses and repeats nothing.
  // `on_event` runs on the client's I/O thread, one call at a time; it
  // must not call this Client (that would wait for itself). A slow
  // callback slows only its own subscription (flow control), never the
  // server's appends; past the server's bound it is cut off.
  virtual absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      uint64_t from_seq, const SubscriptionFilter& filter,
      std::function<void(const Event&)> on_event) = 0;

 protected:
  Client() = default;
};

// Connects to a server. `address` is "unix:PATH" (what the server writes in
// its address file; see ServerAddress), "tcp:HOST:PORT" (ServeOptions::
// listen) with a loopback HOST and options.token, or "tls:HOST:PORT" (listen
// with tls_cert) with options.token: HOST must be a DNS name the server's
// certificate holds (Cap'n Proto 0.9 cannot match an IP address), which a
// trusted authority issued (options.tls_ca). kInvalidArgument: not such an
// address, tcp:/tls: without a token, tls_ca with another address or a
// tls_ca file that holds no PEM certificate (kNotFound: no such file;
// kFailedPrecondition: not a regular file, or over 1 MiB); kUnavailable:
// nothing answers there within 10 seconds, or the TLS handshake failed (an
// untrusted certificate, or one for another name); kPermissionDenied: the
// server refused the token.
ANNALS_EXPORT absl::StatusOr<std::unique_ptr<Client>> Connect(const std::string& address,
                                                              const ClientOptions& options = {});

// An Engine whose every operation is one call of `client` (shared: keep a
// reference to reach the client's own calls, such as Subscribe). Contract:
// as the Client's (its codes, its kUnavailable, its Timeline page bound),
// with the Engine's signatures; an append or amendment with
// AppendOptions::Durability::kSync also asks the server to Sync. What has
// no remote form: AddProjection (in-process C++ projections) is
// kFailedPrecondition (CreateProjection's declarative ones work). The
// Engine's infallible calls answer what they can when the server cannot be
// reached: Head 0, Projections none (ask the client for the error).
// Refresh does nothing (the server's view is always current); WaitFor
// waits for every projection that has not failed; NewIterator reads pages
// up to the head it saw when created. Thread safety: as the Client's.
ANNALS_EXPORT std::unique_ptr<Engine> NewClientEngine(std::shared_ptr<Client> client);

// The address of the server holding the store at `store_path`, read from
// the address file it keeps in the store while it serves ("annals.server");
// nullopt when there is none. The file can outlive a server that was
// killed: Connect then fails with kUnavailable.
ANNALS_EXPORT std::optional<std::string> ServerAddress(const std::string& store_path);

}  // namespace annals

#endif  // ANNALS_CLIENT_H_
