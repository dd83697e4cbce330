// One fuzz target = one function over arbitrary bytes. ANNALS_FUZZ_TARGET
// makes it the libFuzzer entry point; the same source, built without
// libFuzzer, replays saved inputs as a regression test (replay_main.cc).
// A target aborts (via ANNALS_FUZZ_CHECK) when a property it checks fails.
#ifndef ANNALS_FUZZ_FUZZ_TARGET_H_
#define ANNALS_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define ANNALS_FUZZ_TARGET(fn)                                              \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    fn(data, size);                                                         \
    return 0;                                                               \
  }

#define ANNALS_FUZZ_CHECK(cond)                                                \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                     \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

#endif  // ANNALS_FUZZ_FUZZ_TARGET_H_
