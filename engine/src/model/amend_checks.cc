#include "model/amend_checks.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "model/content_id_internal.h"
#include "model/names.h"
#include "model/statement_fields.h"
#include "model/subject.h"
#include "model/sv.h"
#include "model/utf8.h"
#include "xxhash.h"

namespace annals::internal {
namespace {

constexpr size_t kReasonLimit = 4096;

absl::Status Invalid(std::string message) {
  return WithSubject(absl::InvalidArgumentError(message), "invalid");
}

absl::Status CheckAliasName(std::string_view field, std::string_view name) {
  if (name.empty()) return Invalid(absl::StrCat(AV(field), ": empty"));
  if (name.size() > Limits::kName) return Invalid(absl::StrCat(AV(field), ": too long"));
  if (FindInvalidUtf8(name) != std::string_view::npos)
    return Invalid(absl::StrCat(AV(field), ": not valid UTF-8"));
  if (name.find('\0') != std::string_view::npos)
    return Invalid(
        absl::StrCat(AV(field), ": a NUL character (U+0000); text may not contain NUL"));
  return absl::OkStatus();
}

// The same bytes as log/keys.h's EncodeU64 (big-endian): part of stored ids.
std::string BigEndian(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

}  // namespace

absl::Status CheckReason(std::string_view reason) {
  if (reason.size() > kReasonLimit)
    return Invalid(absl::StrCat("reason: too long (", reason.size(),
                                " bytes; the limit is ", kReasonLimit, ")"));
  if (FindInvalidUtf8(reason) != std::string_view::npos)
    return Invalid("reason: not valid UTF-8");
  if (reason.find('\0') != std::string_view::npos)
    return Invalid("reason: a NUL character (U+0000); text may not contain NUL");
  return absl::OkStatus();
}

absl::Status CheckRetractionReason(std::string_view reason) {
  if (reason.empty()) return Invalid("reason: required");
  return CheckReason(reason);
}

absl::StatusOr<AliasNames> CheckAliasNames(std::string_view alias, std::string_view canonical) {
  if (auto st = CheckAliasName("alias", alias); !st.ok()) return st;
  if (auto st = CheckAliasName("canonical", canonical); !st.ok()) return st;
  AliasNames n{NormalizeName(alias), NormalizeName(canonical)};
  if (n.alias.empty() || n.canonical.empty()) return Invalid("alias: names must not be blank");
  if (n.alias == n.canonical)
    return Invalid(absl::StrCat("alias: '", AV(alias), "' and '", AV(canonical),
                                "' are already the same name"));
  return n;
}

StatementDigest DigestOf(const Statement& s) {
  const std::string bytes = EveryValueBytes(s);
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.low64, h.high64};
}

absl::Status CheckCorrectionChanges(const StatementDigest& now, const StatementDigest& corrected,
                                    std::string_view target) {
  if (now == corrected)
    return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                           "the correction changes nothing in statement ", AV(target))),
                       "no change");
  return absl::OkStatus();
}

absl::Status RetractedError(std::string_view target, std::string_view by) {
  return WithSubject(absl::FailedPreconditionError(absl::StrCat(
                         "statement ", AV(target), " was retracted (", AV(by), ")")),
                     "target retracted");
}

absl::Status CheckAliasCycle(const std::map<std::string, std::string>& links,
                             const AliasNames& names, std::string_view alias,
                             std::string_view canonical) {
  // Follow canonical's chain: reaching the alias again is a cycle.
  std::set<std::string> seen = {names.alias};
  for (std::string x = names.canonical;;) {
    if (!seen.insert(x).second)
      return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                             "'", AV(alias), "' -> '", AV(canonical),
                             "' would make an alias cycle")),
                         "alias cycle");
    auto it = links.find(x);
    if (it == links.end()) return absl::OkStatus();
    x = it->second;
  }
}

std::string CorrectionEventId(uint64_t target, const Statement& values,
                              std::string_view reason) {
  return KindContentId('C', {BigEndian(target), ContentId(values), reason});
}

std::string RetractionEventId(uint64_t target, std::string_view reason) {
  return KindContentId('R', {BigEndian(target), reason});
}

std::string AliasEventId(const AliasNames& names) {
  return KindContentId('A', {names.alias, names.canonical});
}

}  // namespace annals::internal
