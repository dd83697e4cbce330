// What the client's calls share (serve/client.cc): reading a reply's
// status and result, and waits that ask the server again until a deadline.
#ifndef ANNALS_ENGINE_SRC_SERVE_CLIENT_CALLS_H_
#define ANNALS_ENGINE_SRC_SERVE_CLIENT_CALLS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "serve/wire.h"

namespace annals::internal {

// A reply carrying an AppendResult.
template <typename R>
absl::StatusOr<AppendResult> ResultOf(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  return AppendResult{r.getResult().getSeq(), r.getResult().getDuplicate()};
}

// A reply carrying only a status (true when OK).
template <typename R>
absl::StatusOr<bool> Done(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  return true;
}

// Calls once(micros left) until it answers anything but
// kDeadlineExceeded or `timeout` has passed (the server cuts each wait
// short, so that it never holds a read thread for long).
template <typename F>
inline absl::Status WaitUntil(absl::Duration timeout, F once) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    absl::Duration left = deadline - absl::Now();
    if (left < absl::ZeroDuration()) left = absl::ZeroDuration();
    int64_t micros = left == absl::InfiniteDuration() ? INT64_MAX : absl::ToInt64Microseconds(left);
    absl::Status st = once(micros);
    if (!absl::IsDeadlineExceeded(st) || absl::Now() >= deadline) return st;
  }
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CLIENT_CALLS_H_
