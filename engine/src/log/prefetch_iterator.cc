#include "log/prefetch_iterator.h"

#include "model/thread_name.h"

namespace annals::internal {

PrefetchingIterator::PrefetchingIterator(std::unique_ptr<DbLogIterator> source,
                                         uint64_t max_events)
    : source_(std::move(source)), max_events_(max_events),
      thread_([this] { Produce(); }) {
  TakeChunk();
}

PrefetchingIterator::~PrefetchingIterator() {
  {
    absl::MutexLock lock(&mu_);
    cancel_ = true;
  }
  thread_.join();
}

void PrefetchingIterator::Next() {
  if (++pos_ >= current_.size()) TakeChunk();
}

void PrefetchingIterator::TakeChunk() {
  current_.clear();
  pos_ = 0;
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](PrefetchingIterator* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
        return !p->ready_.empty() || p->done_;
      },
      this));
  if (!ready_.empty()) {
    current_ = std::move(ready_.front());
    ready_.pop_front();
    return;
  }
  status_ = end_status_;
}

void PrefetchingIterator::Produce() {
  NameThisThread("annals-read");
  uint64_t produced = 0;
  for (;;) {
    Chunk chunk;
    chunk.events.reserve(kChunkEvents);
    chunk.stored.reserve(kChunkEvents);
    bool end = false;
    while (chunk.size() < kChunkEvents) {
      if (!source_->Valid()) {
        end = true;
        break;
      }
      chunk.stored.emplace_back(source_->stored());
      chunk.events.push_back(source_->TakeEvent());
      if (max_events_ != 0 && ++produced == max_events_) {
        end = true;  // do not step onto an entry no one asked for
        break;
      }
      source_->Next();
    }
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](PrefetchingIterator* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
          return p->ready_.size() < kChunks || p->cancel_;
        },
        this));
    if (cancel_) return;
    if (chunk.size() != 0) ready_.push_back(std::move(chunk));
    if (end) {
      // At the limit the source still sits on a valid event: a clean end.
      end_status_ = source_->Valid() ? absl::OkStatus() : source_->status();
      done_ = true;
      return;
    }
  }
}

}  // namespace annals::internal
