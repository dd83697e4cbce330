#include "serve/accept_loop.h"

#include "absl/strings/str_cat.h"
#include "serve/store_service.h"

namespace annals::internal {
namespace {

constexpr kj::Duration kAcceptPauseMin = 10 * kj::MILLISECONDS;
constexpr kj::Duration kAcceptPauseMax = 1 * kj::SECONDS;

}  // namespace

kj::Promise<void> AcceptLoop::Run(kj::ConnectionReceiver& listener) {
  // kj's accept() throws at once on an error other than EAGAIN (Cap'n
  // Proto 0.9): evalNow makes that a rejected promise like the others.
  return kj::evalNow([&listener] { return listener.accept(); })
      .then(
          [this, &listener](kj::Own<kj::AsyncIoStream> stream) {
            if (failures_ > 0)
              ServerLog(absl::StrCat(what_, "accepting again after ", failures_,
                                     " failed accepts"));
            failures_ = 0;
            add_(kj::mv(stream));
            return Run(listener);
          },
          [this, &listener](kj::Exception&& e) {
            if (failures_++ == 0)
              ServerLog(absl::StrCat(what_, "accept failed: ", e.getDescription().cStr(),
                                     " (retrying; logged once until an accept succeeds)"));
            kj::Duration pause = kj::min(
                kAcceptPauseMin * (1u << kj::min(failures_ - 1, 7u)), kAcceptPauseMax);
            return timer_.afterDelay(pause).then([this, &listener] { return Run(listener); });
          });
}

}  // namespace annals::internal
