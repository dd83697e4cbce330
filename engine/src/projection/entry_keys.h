// Key layout of a grouped timeline (the built-in actor and topic timelines
// and every declarative projection), inside its projection keyspace:
//
//   'e' group occ(9) S(8) from(8) -> until(8) end(1) role(1) [event]
//       one version of statement S in one group, valid for as-of points
//       from <= N < until (until = kOpen while current). `end` says what
//       closed it: kEndCorrected or kEndRetracted. `event`: the stored
//       value of log event `from` (the statement or its correction), copied
//       as read from the log, so that a page is one range scan and reads no
//       log event. Closing a version rewrites only the first 10 bytes.
//       Entries written by layout 2 (before the event was carried) end
//       after `role`; readers then read event `from` from the log.
//   's' S(8)                      -> from(8) retracted(1) then per entry:
//                                    u16 key length, entry key, role(1)
//       the statement's current version and the entries it occupies;
//       written only once S is corrected or retracted (until then its
//       entries follow from the logged statement, version S).
//   'n' group                     -> int64 LE count of current statements
//   'd' group                     -> the group's display values as last
//       written (layouts before written forms; no longer written)
//   'f' group form                -> int64 LE count of the group's current
//       statements that wrote its values as `form` (the values as written,
//       encoded as a group): the display name's candidates, by frequency
//   'x' at(8) S(8)                -> the written forms of the version of S
//       that event `at` (a correction or retraction) closed: per group,
//       u32 BE length + group, u32 BE length + form. With the log's events
//       after a point, what the 'n' and 'f' counts were at that point.
//
// group: each key value as u16 BE length + bytes (prefix-free for a fixed
// number of values). occ: occurred_at, sign-flipped micros BE + precision,
// so bytewise order is time order.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_ENTRY_KEYS_H_
#define ANNALS_ENGINE_SRC_PROJECTION_ENTRY_KEYS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "log/keys.h"

namespace annals::internal {

inline constexpr char kEntryTag = 'e';
inline constexpr char kStateTag = 's';
inline constexpr char kCountTag = 'n';
inline constexpr char kDisplayTag = 'd';
inline constexpr char kFormTag = 'f';
inline constexpr char kClosedTag = 'x';
inline constexpr uint64_t kOpen = std::numeric_limits<uint64_t>::max();
inline constexpr uint8_t kEndNone = 0;
inline constexpr uint8_t kEndCorrected = 1;
inline constexpr uint8_t kEndRetracted = 2;
inline constexpr size_t kOccBytes = 9;
inline constexpr size_t kEntrySuffix = kOccBytes + 8 + 8;  // occ, S, from

inline void AppendGroupValue(std::string_view v, std::string* out) {
  size_t n = std::min<size_t>(v.size(), 0xFFFF);
  out->push_back(static_cast<char>(n >> 8));
  out->push_back(static_cast<char>(n & 0xFF));
  out->append(v.substr(0, n));
}

inline std::string EncodeGroup(const std::vector<std::string>& values) {
  std::string g;
  for (const auto& v : values) AppendGroupValue(v, &g);
  return g;
}

inline std::optional<std::vector<std::string>> DecodeGroup(std::string_view g) {
  std::vector<std::string> out;
  while (!g.empty()) {
    if (g.size() < 2) return std::nullopt;
    size_t n = (static_cast<uint8_t>(g[0]) << 8) | static_cast<uint8_t>(g[1]);
    if (g.size() < 2 + n) return std::nullopt;
    out.emplace_back(g.substr(2, n));
    g.remove_prefix(2 + n);
  }
  return out;
}

// A group and a form as one statement version wrote it ('f' and 'x').
using GroupForm = std::pair<std::string, std::string>;

inline std::string FormKey(std::string_view group, std::string_view form) {
  std::string k(1, kFormTag);
  k.append(group);
  k.append(form);
  return k;
}

inline std::string ClosedKey(uint64_t at, uint64_t stmt) {
  std::string k(1, kClosedTag);
  k += EncodeU64(at);
  k += EncodeU64(stmt);
  return k;
}

inline void AppendLong(std::string_view v, std::string* out) {
  const auto n = static_cast<uint32_t>(v.size());
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(n >> shift));
  out->append(v);
}

inline std::string EncodeClosed(const std::vector<GroupForm>& forms) {
  std::string v;
  for (const auto& [group, form] : forms) {
    AppendLong(group, &v);
    AppendLong(form, &v);
  }
  return v;
}

// The forms of an 'x' value; nullopt when it is damaged.
inline std::optional<std::vector<GroupForm>> DecodeClosed(std::string_view v) {
  std::vector<GroupForm> out;
  std::string parts[2];
  for (int i = 0; !v.empty(); i ^= 1) {
    if (v.size() < 4) return std::nullopt;
    size_t n = 0;
    for (int b = 0; b < 4; ++b) n = (n << 8) | static_cast<uint8_t>(v[b]);
    if (v.size() - 4 < n) return std::nullopt;
    parts[i].assign(v.substr(4, n));
    v.remove_prefix(4 + n);
    if (i == 1) out.emplace_back(std::move(parts[0]), std::move(parts[1]));
    else if (v.empty()) return std::nullopt;
  }
  return out;
}

// Into `out` (replacing its contents; reusing its capacity).
inline void EntryKeyInto(std::string_view group, const Timestamp& occ, uint64_t stmt,
                         uint64_t from, std::string* out) {
  out->assign(1, kEntryTag);
  out->append(group);
  *out += EncodeTimestamp(occ);
  *out += EncodeU64(stmt);
  *out += EncodeU64(from);
}

inline std::string EntryKey(std::string_view group, const Timestamp& occ,
                            uint64_t stmt, uint64_t from) {
  std::string k;
  EntryKeyInto(group, occ, stmt, from, &k);
  return k;
}

inline constexpr size_t kEntryHead = 10;  // until(8) end(1) role(1)

inline void EntryValueInto(uint64_t until, uint8_t end, uint8_t role, std::string_view event,
                           std::string* out) {
  out->clear();
  out->reserve(kEntryHead + event.size());
  *out += EncodeU64(until);
  out->push_back(static_cast<char>(end));
  out->push_back(static_cast<char>(role));
  out->append(event);
}

inline std::string EntryValue(uint64_t until, uint8_t end, uint8_t role,
                              std::string_view event = {}) {
  std::string v;
  EntryValueInto(until, end, role, event, &v);
  return v;
}

struct EntryRef {
  std::string_view group;  // encoded
  std::string_view occ;    // 9 bytes, ordered
  uint64_t stmt = 0;
  uint64_t from = 0;
  uint64_t until = kOpen;
  uint8_t end = kEndNone;
  uint8_t role = 0;
  std::string_view event;  // the stored event; empty in a layout-2 entry
};

// Parses an entry key ('e' group occ S from): group, occ, stmt and from.
inline std::optional<EntryRef> ParseEntryKey(std::string_view key) {
  if (key.size() < 1 + kEntrySuffix || key[0] != kEntryTag) return std::nullopt;
  std::string_view tail = key.substr(key.size() - kEntrySuffix);
  EntryRef r;
  r.group = key.substr(1, key.size() - 1 - kEntrySuffix);
  r.occ = tail.substr(0, kOccBytes);
  r.stmt = *DecodeU64(tail.substr(kOccBytes, 8));
  r.from = *DecodeU64(tail.substr(kOccBytes + 8, 8));
  return r;
}

// Parses an entry key and its value (EntryValue).
inline std::optional<EntryRef> ParseEntry(std::string_view key, std::string_view value) {
  auto r = ParseEntryKey(key);
  if (!r || value.size() < kEntryHead) return std::nullopt;
  r->until = *DecodeU64(value.substr(0, 8));
  r->end = static_cast<uint8_t>(value[8]);
  r->role = static_cast<uint8_t>(value[9]);
  r->event = value.substr(kEntryHead);
  return r;
}

// A statement's state key ('s' S) and the S it names.
inline std::string StateKey(uint64_t stmt) {
  std::string k(1, kStateTag);
  k += EncodeU64(stmt);
  return k;
}
inline std::optional<uint64_t> ParseStateKey(std::string_view key) {
  if (key.empty() || key[0] != kStateTag) return std::nullopt;
  return DecodeU64(key.substr(1));
}

// A page cursor: the position (occ + S) of a page's last row, in a group.
// Bytes: occ(9) S(8); shown to users as hex (timeline.h's next_cursor).
inline constexpr size_t kCursorBytes = kOccBytes + 8;
inline std::string EncodeCursor(std::string_view occ, uint64_t stmt) {
  return std::string(occ) + EncodeU64(stmt);
}
// The key just past every version of the cursor's statement in a group
// whose entries start with `prefix` (for a forward walk).
inline std::string KeyAfterCursor(std::string_view prefix, std::string_view cursor) {
  std::string k(prefix);
  k += cursor.substr(0, kOccBytes);
  k += EncodeU64(*DecodeU64(cursor.substr(kOccBytes, 8)) + 1);
  return k;
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_ENTRY_KEYS_H_
