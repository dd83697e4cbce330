// The records the store keeps beside the log, each with its one encoder
// and one decoder (the key layout is in log/keys.h; stored events are
// codec/event_codec.h, a grouped timeline's entries projection/entry_keys.h).
// Decoders return nullopt (or an error) for damaged bytes; callers report
// that as kDataLoss.
#ifndef ANNALS_ENGINE_SRC_LOG_RECORDS_H_
#define ANNALS_ENGINE_SRC_LOG_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "annals/declarative.h"
#include "log/keys.h"

namespace annals::internal {

// --- Seq values: the log's keys, the id index's values, "head" ---
inline std::string EncodeSeq(uint64_t seq) { return EncodeU64(seq); }
inline std::optional<uint64_t> DecodeSeq(std::string_view v) { return DecodeU64(v); }

// --- Amend records: "c/" seq(S) and "r/" seq(S) -> the amending seq ---
std::string CorrectionKey(uint64_t target);
std::string RetractionKey(uint64_t target);
// The statement S of a key under `prefix` (kMetaCorrected, kMetaRetracted).
std::optional<uint64_t> DecodeAmendKey(std::string_view key, std::string_view prefix);
std::string EncodeAmendRecord(uint64_t by);
std::optional<uint64_t> DecodeAmendRecord(std::string_view value);

// --- Alias records: "a/" seq -> u32 BE length + alias, then canonical ---
std::string AliasKey(uint64_t seq);
std::optional<uint64_t> DecodeAliasKey(std::string_view key);
struct AliasValue {
  std::string_view alias;      // as written
  std::string_view canonical;  // as written
};
std::string EncodeAliasRecord(std::string_view alias, std::string_view canonical);
std::optional<AliasValue> DecodeAliasRecord(std::string_view value);

// --- Mention records: "m/" event id "\0" seq(M) -> M's source.outlet as
// written (M mentions the event with that id; ids never hold NUL, so the
// prefix is exact) ---
std::string MentionKey(std::string_view event_id, uint64_t seq);
// Every mention key of `event_id` starts with this.
std::string MentionKeyPrefix(std::string_view event_id);
// The event id and mention seq of a mention key; nullopt if damaged.
struct MentionKeyParts {
  std::string_view event_id;
  uint64_t seq = 0;
};
std::optional<MentionKeyParts> DecodeMentionKey(std::string_view key);

// --- Projection records ---
// "p/" name -> the generation that answers (u32 BE).
std::string ActiveKey(std::string_view name);
std::string EncodeActiveRecord(uint32_t gen);
std::optional<uint32_t> DecodeActiveRecord(std::string_view value);

// "g/" name "/" gen(4 BE) -> version (u32 BE) + checkpoint (u64 BE).
struct GenerationRecord {
  uint32_t version = 0;
  uint64_t checkpoint = 0;  // the last seq the generation has applied
};
std::string GenerationKey(std::string_view name, uint32_t gen);
// Every generation key of `name` starts with this.
std::string GenerationKeyPrefix(std::string_view name);
// The generation of a key that starts with GenerationKeyPrefix(name).
std::optional<uint32_t> DecodeGenerationKey(std::string_view key, std::string_view name);
std::string EncodeGeneration(uint32_t version, uint64_t checkpoint);
std::optional<GenerationRecord> DecodeGeneration(std::string_view value);

// "d/" name -> a declarative projection's definition, as JSON
// {"key":[...],"where":[[field,value],...]}, so any value survives.
std::string DefinitionKey(std::string_view name);
std::optional<std::string> DecodeDefinitionKey(std::string_view key);
std::string EncodeDefinition(const ProjectionDefinition& def);
// The definition named `name` as stored; checks its form only (what the
// fields mean is declarative_projection.h's to check).
absl::StatusOr<ProjectionDefinition> DecodeDefinition(std::string_view name,
                                                      std::string_view text);

// --- Projection data: the `proj` family ---
// Keys of a projection generation start with name "\0" gen(4 BE).
std::string ProjectionPrefix(std::string_view name, uint32_t gen);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_RECORDS_H_
