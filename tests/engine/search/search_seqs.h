// The search tests' reading of a result: its hits' seqs in rank order.
#ifndef ANNALS_TESTS_ENGINE_SEARCH_SEARCH_SEQS_H_
#define ANNALS_TESTS_ENGINE_SEARCH_SEARCH_SEQS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/search.h"
#include "gtest/gtest.h"

namespace annals::test {

inline std::vector<uint64_t> Seqs(const absl::StatusOr<SearchResult>& r) {
  std::vector<uint64_t> out;
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok())
    for (const SearchHit& h : r->hits) out.push_back(h.seq);
  return out;
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_ENGINE_SEARCH_SEARCH_SEQS_H_
