// The one seam between Event values and their stored bytes.
//
// Stored value layout: an 8-byte little-endian XXH64 of the payload, then the
// payload: a Cap'n Proto flat-array message whose root is schema::Envelope.
// The checksum catches damage that would still decode (a flipped byte inside
// a text), which Cap'n Proto's own bounds checks cannot.
#ifndef ANNALS_ENGINE_SRC_CODEC_EVENT_CODEC_H_
#define ANNALS_ENGINE_SRC_CODEC_EVENT_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "annals/event.h"

namespace annals::internal {

inline constexpr uint16_t kSchemaVersion = 1;

// Appends the stored form of `event` to `out`. Does not validate.
void EncodeEvent(const Event& event, std::string* out);
// The same with the statement (or correction's statement) taken from
// `statement` instead of event.statement, so callers need not copy it in.
void EncodeEvent(const Event& event, const Statement& statement, std::string* out);

// How much of a statement DecodeEvent fills in. kGrouping leaves content,
// quote, attributes and the source's url, via and published_at empty: the
// fields no timeline groups or filters by, and most of an event's bytes
// and allocations (a GDELT row has ~37 attributes). Projection workers
// decode every event once per projection, so they ask only for what they
// read. The checksum covers the whole value either way.
enum class DecodeDepth { kFull, kGrouping };

// Decodes a stored value. Never throws: damage of any kind (bad checksum,
// truncated or malformed message, unknown kind) is kDataLoss.
absl::StatusOr<Event> DecodeEvent(std::string_view bytes,
                                  DecodeDepth depth = DecodeDepth::kFull);

// The seq of a stored value, once its size and checksum hold; kDataLoss as
// DecodeEvent. Reads nothing else: for passing stored bytes on unchanged.
absl::StatusOr<uint64_t> StoredEventSeq(std::string_view bytes);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_CODEC_EVENT_CODEC_H_
