// The names seen in one record or header row, for import's duplicate
// checks: a hash set, so that a record with N keys costs O(N) work, never
// O(N^2) (issue 16.11: a scan of the names seen before took 99 s on one
// 400,000-key line).
#ifndef ANNALS_ENGINE_SRC_IO_KEY_SET_H_
#define ANNALS_ENGINE_SRC_IO_KEY_SET_H_

#include <cstdint>
#include <string_view>

#include "absl/container/flat_hash_set.h"

namespace annals::internal {

class KeySet {
 public:
  // False if `key` was inserted before. The bytes `key` views must outlive
  // the set.
  bool Insert(std::string_view key) { return set_.insert(key).second; }
  size_t size() const { return set_.size(); }

  // Key comparisons made by every KeySet on this thread so far: a counting
  // hook for tests that check the work stays linear.
  static uint64_t& comparisons() {
    thread_local uint64_t n = 0;
    return n;
  }

 private:
  struct Eq {
    bool operator()(std::string_view a, std::string_view b) const {
      ++comparisons();
      return a == b;
    }
  };
  absl::flat_hash_set<std::string_view, absl::Hash<std::string_view>, Eq> set_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_KEY_SET_H_
