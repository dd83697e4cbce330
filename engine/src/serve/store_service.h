// The server side of rpc::Store (schema/annals_rpc.capnp): one object per
// connection, on the event loop thread. Engine calls never run there:
// reads go to the WorkQueue, appends to the Committer, and each answer
// comes back to the loop through a cross-thread promise fulfiller.
#ifndef ANNALS_ENGINE_SRC_SERVE_STORE_SERVICE_H_
#define ANNALS_ENGINE_SRC_SERVE_STORE_SERVICE_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "annals/engine.h"
#include "kj/memory.h"
#include "schema/annals_rpc.capnp.h"
#include "serve/committer.h"
#include "serve/connection.h"
#include "serve/limits.h"
#include "serve/subscription.h"
#include "serve/work_queue.h"
#include "timeline/stored_page.h"

namespace annals::internal {

class SearchFollower;

struct ServerState {
  Engine& engine;
  Committer& committer;
  WorkQueue& reads;
  // Calls that block for long (projection waits, backups): threads of their
  // own, so that waiting clients never hold up reads.
  WorkQueue& slow;
  HeadWatch& watch;
  uint64_t max_subscriber_lag;
  // ServeOptions' limits (0: none), and the connections open now (RPC and
  // HTTP; counted on the event loop's thread).
  size_t max_connections = 0;
  size_t max_subscriptions_per_connection = 0;
  size_t open_connections = 0;
  // TCP connections not logged in yet (handshaking, or before login): at
  // most half of max_connections, so that clients that never log in cannot
  // hold every place (serve/connections.cc, serve/gate.cc).
  size_t logins_pending = 0;
  size_t max_batch = 0;                 // ServeOptions' (0: none)
  size_t max_message_bytes = size_t{64} << 20;
  // Paused while a backup copies the search indexes (may be null).
  SearchFollower* follower = nullptr;
};

// Takes one of `state`'s connection places; false (nothing taken) when all
// are in use. Release with ReleaseConnection.
bool AdmitConnection(ServerState& state);
void ReleaseConnection(ServerState& state);

// Counts a TCP connection that has yet to log in (RPC) or to send a good
// bearer token (HTTPS); false (nothing counted) when half of
// max_connections (at least one) already wait so. EndLoginWait when it
// logs in or closes, once.
bool AdmitLoginWait(ServerState& state);
void EndLoginWait(ServerState& state);

// What one connection's Store may do.
struct StoreAccess {
  // Every call that would change the store (append, amendments, projection
  // changes, backup) is refused with kPermissionDenied.
  bool read_only = false;
  // Over TCP (another user, by design): backup, which writes files on the
  // server's machine as the server's user, is refused too.
  bool remote = false;
  // The subscriptions the connection holds, shared by all its Stores (one
  // per login); null: the Store counts its own.
  std::shared_ptr<size_t> subscriptions;
};

// `notes`: the connection's (serve/connection.h), for its log line.
kj::Own<rpc::Store::Server> NewStoreService(ServerState& state, uint64_t connection,
                                            std::shared_ptr<ConnectionNotes> notes,
                                            StoreAccess access = {});

// A timeline page of at most kMaxTimelinePage entries (limit 0, "no
// limit", asks for that many) and about kReplyBytes of events, for RPC and
// HTTP alike; its next_cursor continues exactly after it. Blocks.
absl::StatusOr<TimelinePage> PageOf(Engine& engine, TimelineQuery q);
// PageOf with each event in its stored form, passed on as the log holds it
// where the page shows it unchanged (EngineServices::StoredTimeline): for
// RPC replies, which carry events as bytes.
absl::StatusOr<StoredPage> StoredPageOf(Engine& engine, TimelineQuery q);

// Up to `limit` events from `from` on, as wire bytes, and about kReplyBytes:
// read from the engine in small chunks, so that no more than one chunk past
// a full reply is ever held. Blocks.
absl::StatusOr<std::vector<std::string>> ReadReply(Engine& engine, uint64_t from,
                                                   uint64_t limit);

// One line on stderr, prefixed with the time and "annals serve:".
void ServerLog(std::string_view line);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_STORE_SERVICE_H_
