// What an amendment (a correction, retraction or alias) must pass to be
// appended, and the ids such events get: one function per check, shared by
// the log store (log/amend.cc, under its append lock) and the import's
// passes that write nothing (io/amend_check.h), so that `import --strict`
// and `--dry-run` refuse exactly what the append would.
//
// Each refusal is kInvalidArgument or kFailedPrecondition with its kind as
// the subject (model/subject.h): "invalid", "target retracted", "no change",
// "alias cycle".
#ifndef ANNALS_ENGINE_SRC_MODEL_AMEND_CHECKS_H_
#define ANNALS_ENGINE_SRC_MODEL_AMEND_CHECKS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/statement.h"

namespace annals::internal {

// A correction's or retraction's reason: at most 4096 bytes of UTF-8, no
// NUL; a retraction's must not be empty.
absl::Status CheckReason(std::string_view reason);
absl::Status CheckRetractionReason(std::string_view reason);

// The attributes of a retraction or an alias (provenance of a copied
// event): as a statement's (Validate).
absl::Status CheckEventAttributes(const std::vector<Attribute>& attributes);

// An alias's two names, normalised (model/names.h): non-empty, valid,
// different.
struct AliasNames {
  std::string alias, canonical;
};
absl::StatusOr<AliasNames> CheckAliasNames(std::string_view alias, std::string_view canonical);

// 128 bits of hash over every value of a statement but its id (provenance
// attributes included): equal for statements that are == once their ids are
// cleared (and, but for a hash collision, only for those).
struct StatementDigest {
  uint64_t low = 0, high = 0;
  bool operator==(const StatementDigest&) const = default;
};
StatementDigest DigestOf(const Statement& s);

// A correction to `corrected` of a statement whose current values digest to
// `now`; `target` names the statement in the error.
absl::Status CheckCorrectionChanges(const StatementDigest& now, const StatementDigest& corrected,
                                    std::string_view target);

// The refusal of an amendment of a retracted statement (`target`), retracted
// by `by` ("seq 12", "line 7 of the input").
absl::Status RetractedError(std::string_view target, std::string_view by);

// Whether alias -> canonical (`names`, normalised; `alias` and `canonical`
// as written, for the message) leads back to itself through `links` (alias
// -> canonical, normalised: the aliases in force).
absl::Status CheckAliasCycle(const std::map<std::string, std::string>& links,
                             const AliasNames& names, std::string_view alias,
                             std::string_view canonical);

// The ids of amendment events (frozen: stored ids depend on them).
// `values` is the corrected statement with its id cleared.
std::string CorrectionEventId(uint64_t target, const Statement& values, std::string_view reason);
std::string RetractionEventId(uint64_t target, std::string_view reason);
std::string AliasEventId(const AliasNames& names);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_AMEND_CHECKS_H_
