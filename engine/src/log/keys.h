// Key layout of the store's column families.
//
//   log    8-byte big-endian seq          -> stored event (codec/event_codec.h)
//   ids    id bytes                       -> 8-byte big-endian seq
//   meta   "format"                       -> "1"
//          "head"                         -> 8-byte big-endian seq
//          "recorded_at"                  -> 8-byte big-endian last recordedAt
//          "occurred_min" / "occurred_max"-> 8-byte micros (sign-flipped BE)
//                                            + 1 precision byte
//          "c/" seq(S)                    -> seq of S's latest correction
//          "r/" seq(S)                    -> seq of S's retraction
//          "a/" seq                       -> alias event: u32 BE length +
//                                            alias, then canonical (as written)
//          "p/" name                      -> projection's active generation
//          "g/" name "/" gen(4 BE)        -> version (4 BE) + checkpoint (8 BE)
//          "d/" name                      -> declarative definition (JSON)
//          "m/" event id "\0" seq(M)      -> M's outlet: M reports that event
//          "l/" seq(first)                -> 8-byte BE last seq of a range
//                                            lost to a damaged write-ahead
//                                            log (annals repair); never reused
//   proj   name "\0" gen(4 BE) key        -> projection-defined
// "c/", "r/", "a/" and "m/" are written in the batch of the event they record.
// The records' one encoder and decoder each are in log/records.h.
// Big-endian seqs make RocksDB's bytewise order the log order.
#ifndef ANNALS_ENGINE_SRC_LOG_KEYS_H_
#define ANNALS_ENGINE_SRC_LOG_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "annals/time.h"

namespace annals::internal {

inline constexpr char kLogFamily[] = "log";
inline constexpr char kIdsFamily[] = "ids";
inline constexpr char kMetaFamily[] = "meta";

inline constexpr char kMetaFormat[] = "format";
inline constexpr char kMetaHead[] = "head";
inline constexpr char kMetaRecordedAt[] = "recorded_at";
inline constexpr char kMetaOccurredMin[] = "occurred_min";
inline constexpr char kMetaOccurredMax[] = "occurred_max";
inline constexpr char kFormatVersion[] = "1";
inline constexpr char kProjFamily[] = "proj";
inline constexpr char kMetaCorrected[] = "c/";
inline constexpr char kMetaRetracted[] = "r/";
inline constexpr char kMetaAlias[] = "a/";
inline constexpr char kMetaProjActive[] = "p/";
inline constexpr char kMetaProjGen[] = "g/";
inline constexpr char kMetaDefinition[] = "d/";
inline constexpr char kMetaLost[] = "l/";
inline constexpr char kMetaMention[] = "m/";

inline std::string EncodeU64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

inline std::optional<uint64_t> DecodeU64(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (unsigned char c : s) v = (v << 8) | c;
  return v;
}

inline std::string EncodeU32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

inline std::optional<uint32_t> DecodeU32(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  uint32_t v = 0;
  for (unsigned char c : s) v = (v << 8) | c;
  return v;
}

inline std::string EncodeTimestamp(const Timestamp& t) {
  std::string out = EncodeU64(static_cast<uint64_t>(t.micros) ^ (1ull << 63));
  out.push_back(static_cast<char>(t.precision));
  return out;
}

inline std::optional<Timestamp> DecodeTimestamp(std::string_view s) {
  if (s.size() != 9) return std::nullopt;
  auto v = DecodeU64(s.substr(0, 8));
  auto p = static_cast<uint8_t>(s[8]);
  if (!v || p > static_cast<uint8_t>(Precision::kSecond)) return std::nullopt;
  return Timestamp{static_cast<int64_t>(*v ^ (1ull << 63)),
                   static_cast<Precision>(p)};
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_KEYS_H_
