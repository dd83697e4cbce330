// The one seam between the engine's values and the RPC messages of
// schema/annals_rpc.capnp, used by the server and the client alike.
// Events travel in their stored form (codec/event_codec.h), checksummed;
// statuses as code, message and payloads, so error kinds survive.
#ifndef ANNALS_ENGINE_SRC_SERVE_WIRE_H_
#define ANNALS_ENGINE_SRC_SERVE_WIRE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "annals/timeline.h"
#include "capnp/blob.h"
#include "schema/annals_rpc.capnp.h"
#include "timeline/stored_page.h"

namespace annals::internal {

// A Text as a string; a Timestamp from its micros and precision (an
// unknown precision: absent).
std::string TextOf(capnp::Text::Reader t);
Timestamp TimeFrom(int64_t micros, uint8_t precision);

void StatusToWire(const absl::Status& status, rpc::Status::Builder out);
absl::Status StatusFromWire(rpc::Status::Reader in);

// An event (or a statement, as an event of kind statement) as wire bytes.
std::string EventToWire(const Event& event);
std::string StatementToWire(const Statement& statement);
// Never throws: damage is kDataLoss; a statement must be of kind statement
// (kInvalidArgument otherwise).
absl::StatusOr<Event> EventFromWire(capnp::Data::Reader bytes);
absl::StatusOr<Statement> StatementFromWire(capnp::Data::Reader bytes);
// A mention as an event of kind mention, and back (kInvalidArgument for
// another kind).
std::string MentionToWire(const Mention& mention);
absl::StatusOr<Mention> MentionFromWire(capnp::Data::Reader bytes);
// mentionsOf's reply.
void MentionListsToWire(const std::vector<std::vector<MentionRef>>& lists,
                        rpc::Store::MentionsOfResults::Builder out);

// Adds one event's wire bytes to a reply of events unless that would take
// the reply (`*bytes` so far) past kReplyBytes (serve/limits.h): false, and
// nothing added, when the reply is full. The first event always goes.
bool AddToReply(std::string wire, std::vector<std::string>& reply, size_t* bytes);

// About an event's wire size (its texts plus a fixed overhead), without
// encoding it (for cutting timeline pages).
size_t WireBytesBound(const Event& event);

inline capnp::Data::Reader AsData(const std::string& s) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

void StatsToWire(const StoreStats& stats, rpc::Stats::Builder out);
StoreStats StatsFromWire(rpc::Stats::Reader in);

void QueryToWire(const TimelineQuery& q, rpc::TimelineQuery::Builder out);
TimelineQuery QueryFromWire(rpc::TimelineQuery::Reader in);

void PageToWire(const StoredPage& page, rpc::TimelinePage::Builder out);
absl::StatusOr<TimelinePage> PageFromWire(rpc::TimelinePage::Reader in);

void ProjectionInfoToWire(const ProjectionInfo& info, rpc::ProjectionInfo::Builder out);
ProjectionInfo ProjectionInfoFromWire(rpc::ProjectionInfo::Reader in);

// Store.counts: the query into the request, and back.
void CountsQueryToWire(const CountsQuery& q, rpc::Store::CountsParams::Builder out);
CountsQuery CountsQueryFromWire(rpc::Store::CountsParams::Reader in);
void CountsToWire(const std::vector<GroupCount>& counts, rpc::Store::CountsResults::Builder out);
std::vector<GroupCount> CountsFromWire(rpc::Store::CountsResults::Reader in);

// Store.createProjection: the definition as name, key and where lists.
void DefinitionToWire(const ProjectionDefinition& def,
                      rpc::Store::CreateProjectionParams::Builder out);
ProjectionDefinition DefinitionFromWire(rpc::Store::CreateProjectionParams::Reader in);

// An amendment's own attributes (retract, alias).
void AttributesToWire(const std::vector<Attribute>& attributes,
                      capnp::List<schema::Attribute>::Builder out);
std::vector<Attribute> AttributesFromWire(capnp::List<schema::Attribute>::Reader in);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_WIRE_H_
