// Subscriber: the _annals module's iterator of Store.subscribe, over an
// EventStream (event_stream.h). It waits with the GIL released, in slices,
// checking for signals between them (Ctrl-C raises KeyboardInterrupt).
#ifndef ANNALS_PYTHON_SRC_SUBSCRIPTION_H_
#define ANNALS_PYTHON_SRC_SUBSCRIPTION_H_

#include <memory>
#include <optional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "convert.h"
#include "event_stream.h"

namespace annals::python {

class Subscriber {
 public:
  explicit Subscriber(std::unique_ptr<EventStream> stream) : stream_(std::move(stream)) {}
  ~Subscriber() {
    py::gil_scoped_release release;
    Stop();
  }

  // Runs `f` with the GIL released and the stream to itself.
  template <typename F>
  auto WithoutGilLocked(F&& f) {
    py::gil_scoped_release release;
    absl::MutexLock l(&mu_);
    return f();
  }

  py::dict Next() {
    for (;;) {
      bool closed = false;
      absl::StatusOr<std::optional<Event>> e =
          WithoutGilLocked([&]() -> absl::StatusOr<std::optional<Event>> {
            if (!stream_) {
              closed = true;
              return std::nullopt;
            }
            return stream_->Next(kSlice);
          });
      if (closed) throw py::stop_iteration();
      if (!e.ok()) throw StatusError{e.status()};
      if (e->has_value()) return EventDict(**e);
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }
  }

  // Where to subscribe again to miss and repeat nothing.
  uint64_t ResumeFrom() {
    return WithoutGilLocked([&] { return stream_ ? stream_->resume_from() : resume_from_; });
  }

  void Close() {
    py::gil_scoped_release release;
    Stop();
  }

 private:
  // Long enough to cost nothing, short enough for Ctrl-C to feel at once.
  static constexpr absl::Duration kSlice = absl::Milliseconds(200);

  void Stop() {
    absl::MutexLock l(&mu_);
    if (!stream_) return;
    resume_from_ = stream_->resume_from();
    stream_.reset();
  }

  absl::Mutex mu_;  // one Next at a time; Close waits for it (one slice at most)
  std::unique_ptr<EventStream> stream_ ABSL_GUARDED_BY(mu_);
  uint64_t resume_from_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_SUBSCRIPTION_H_
