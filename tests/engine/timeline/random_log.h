// The random-log set-up the model tests (timeline_model_test,
// counts_model_test) share: how long a seed's log is, and growing a store
// and its model together to a given head.
#ifndef ANNALS_TESTS_ENGINE_TIMELINE_RANDOM_LOG_H_
#define ANNALS_TESTS_ENGINE_TIMELINE_RANDOM_LOG_H_

#include <cstdint>

#include <gtest/gtest.h>

#include "engine/timeline/model.h"

namespace annals::test {

// The number of events of the random log for `seed`: 150 to 299.
inline uint64_t RandomLogSize(uint64_t seed) { return 150 + seed % 150; }

// Steps `gen` (which appends to its engine and mirrors into `model`) until
// the model's head reaches `head`; fails naming the seq of the first step
// the engine refused.
inline ::testing::AssertionResult GrowLog(Generator& gen, const ModelLog& model, uint64_t head) {
  while (model.head() < head) {
    absl::Status st = gen.Step();
    if (!st.ok())
      return ::testing::AssertionFailure() << "at seq " << model.head() + 1 << ": " << st;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_ENGINE_TIMELINE_RANDOM_LOG_H_
