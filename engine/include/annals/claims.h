// Claims (issue 21, "one event, many reports"): the statements of a
// timeline that report the same thing, grouped. Two statements are one
// claim when they have the same speaker, the same targets (as a set), the
// same code and the same date (at the same precision: "2025-03-31" and
// "2025-03" differ), and, when they have no code, the same verb and words;
// or, when ClaimsQuery::similarity is above 0, the same (non-empty)
// speaker and near-duplicate content (ContentSimilarity at least
// `similarity`) dated at most `window_days` days apart. Grouping is
// transitive. Names compare as timelines show them (normalised, aliases
// applied as of the query point).
//
// A claim counts the mentions of its reports (Engine::MentionsOf by the
// reports' ids: GDELT's articles that mentioned the event), and their
// outlets among its outlets.
//
// A claim list is computed from the timeline as of one seq, so it is
// reproducible (`as_of`) and follows corrections, retractions and aliases
// exactly as the timeline does. Functions here are thread-safe as Engine's
// reads are.
#ifndef ANNALS_CLAIMS_H_
#define ANNALS_CLAIMS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/timeline.h"
#include "annals/visibility.h"

namespace annals {

struct ClaimsQuery {
  // Which statements, and as of when: kind/name/role, or projection/key;
  // from, to, as_of, wait. Paging fields and include_retracted are ignored.
  TimelineQuery timeline;
  // 0: exact claims only. Otherwise the least ContentSimilarity (0..1] of
  // two statements' content (quote when there is none) that makes them one.
  double similarity = 0;
  int window_days = 3;  // near-duplicates: at most this many days apart (0-36600)
  // Count each claim's mentions (and their outlets); false leaves
  // Claim::mentions 0 and outlets the reports' own, reading no mention.
  bool mentions = true;
};

struct Claim {
  TimelineEntry first;          // the first report, as the timeline shows it
  std::vector<uint64_t> seqs;   // every report's seq, in timeline order
  Timestamp first_at, last_at;  // occurred_at of the first and last report
  uint64_t outlets = 0;         // distinct non-empty source.outlet values of
                                // the reports and their mentions (compared
                                // as names: case and spacing aside)
  uint64_t mentions = 0;        // mentions (annals/mention.h) of the reports,
                                // as of the claims' as_of
};

struct Claims {
  std::vector<Claim> claims;  // in the order of their first reports
  uint64_t statements = 0;    // statements read
  uint64_t as_of = 0;         // the log seq the answer is as of
};

// kInvalidArgument: similarity outside [0, 1], window_days outside 0-36600; the
// timeline's own errors otherwise.
ANNALS_EXPORT absl::StatusOr<Claims> ComputeClaims(const Engine& engine,
                                                   const ClaimsQuery& query);

// The MinHash signature of `text` (64 seeded 64-bit hashes over its folded
// word 3-grams; shorter texts use their words): the same in every process
// and version, so that an oracle can use it.
ANNALS_EXPORT std::vector<uint64_t> ContentSignature(std::string_view text);

// The share of equal positions of two signatures: an estimate of the
// Jaccard similarity of the texts' shingle sets. 0 when either is empty.
ANNALS_EXPORT double ContentSimilarity(const std::vector<uint64_t>& a,
                                       const std::vector<uint64_t>& b);

}  // namespace annals

#endif  // ANNALS_CLAIMS_H_
