// LogCursor: the _annals module's iterator over the log (Store.log).
#ifndef ANNALS_PYTHON_SRC_LOG_CURSOR_H_
#define ANNALS_PYTHON_SRC_LOG_CURSOR_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "convert.h"

namespace annals::python {

// A streaming cursor over the log: reads events in small batches with the
// GIL released, so memory stays constant however long the log is.
class LogCursor {
 public:
  LogCursor(std::shared_ptr<Engine> engine, uint64_t from, uint64_t to,
            std::optional<uint64_t> limit)
      : engine_(std::move(engine)), to_(to), limit_(limit) {
    py::gil_scoped_release release;
    it_ = engine_->NewIterator(from);
  }
  ~LogCursor() {
    py::gil_scoped_release release;
    it_.reset();
    engine_.reset();
  }

  py::dict Next() {
    if (pos_ == buffer_.size()) {
      if (!pending_.ok()) {
        absl::Status st = std::move(pending_);
        pending_ = absl::OkStatus();
        Check(st);
      }
      Refill();
    }
    if (pos_ == buffer_.size()) throw py::stop_iteration();
    ++returned_;
    return EventDict(buffer_[pos_++]);
  }

 private:
  static constexpr size_t kBatch = 256;
  void Refill() {
    buffer_.clear();
    pos_ = 0;
    if (!it_) return;
    absl::Status status;
    {
      py::gil_scoped_release release;
      size_t want = kBatch;
      if (limit_) want = std::min<uint64_t>(want, *limit_ - returned_);
      bool at_limit = false;
      bool past_end = false;
      while (buffer_.size() < want && it_->Valid()) {
        if (to_ != 0 && it_->event().seq > to_) {
          past_end = true;
          break;
        }
        buffer_.push_back(it_->event());
        // Stop before stepping past the limit: the next entry is not ours.
        at_limit = limit_ && returned_ + buffer_.size() >= *limit_;
        if (at_limit) break;
        it_->Next();
      }
      if (at_limit || past_end || !it_->Valid()) {
        if (!at_limit && !past_end) status = it_->status();
        it_.reset();  // done: let go of the engine's iterator now
      }
    }
    if (!status.ok()) {
      if (buffer_.empty()) Check(status);
      pending_ = status;  // raised once the events before it are out
    }
  }

  std::shared_ptr<Engine> engine_;
  std::unique_ptr<LogIterator> it_;
  uint64_t to_;  // the last seq to return; 0: the end
  std::optional<uint64_t> limit_;
  uint64_t returned_ = 0;
  std::vector<Event> buffer_;
  size_t pos_ = 0;
  absl::Status pending_;  // an error to raise once the buffered events are out
};

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_LOG_CURSOR_H_
