// What bounds the memory one client can make the server hold, in one place
// (annals/server.h and README.md state them for users).
#ifndef ANNALS_ENGINE_SRC_SERVE_LIMITS_H_
#define ANNALS_ENGINE_SRC_SERVE_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace annals::internal {

// Largest message either side reads by default (ServeOptions::
// max_message_bytes, ClientOptions::max_message_bytes): a bigger one
// closes the connection.
inline constexpr size_t kMaxMessageBytes = size_t{64} << 20;

// Bytes of calls one connection may have in flight (sent, not yet
// answered): past it the server stops reading that connection until some
// are answered (Cap'n Proto's RpcSystem::setFlowLimit). So pipelined
// appends and reads queue at most this much per client in the committer
// and the read pool; the client waits instead of the server's memory
// growing.
inline constexpr size_t kFlowLimitBytes = size_t{32} << 20;

// A reply of events (read, timeline page, subscription push) stops before
// the event that would take it past this many bytes of events, whatever
// the count asked for; an event bigger than that still goes, alone. Well
// under kMaxMessageBytes, so no reply is too big for a client.
inline constexpr size_t kReplyBytes = size_t{8} << 20;

// Most events one read call returns (clients page with fromSeq).
inline constexpr uint64_t kMaxReadPerCall = 10000;

// Most entries in one timeline page over the server; a query's limit 0
// ("no limit") or above asks for this many, and next_cursor continues.
inline constexpr uint64_t kMaxTimelinePage = 10000;

// The most event ids one mentionsOf call may ask about (the client asks
// in parts of kMentionIdsPerCall).
inline constexpr size_t kMaxMentionIds = 65536;
inline constexpr size_t kMentionIdsPerCall = 4096;

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_LIMITS_H_
