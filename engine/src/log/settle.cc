// LogStore::Settle: the end of a large write, left compact for readers.
#include <vector>

#include "log/background_work.h"
#include "log/log_store.h"
#include "log/rocks_status.h"

namespace annals::internal {

namespace {

// Whether a flush or compaction is running (`running`, as the listener
// counts them) or pending in any of `families`.
bool Busy(int running, rocksdb::DB* db, const std::vector<HandlePtr>& families) {
  if (running > 0) return true;
  uint64_t n = 0;
  for (const auto& h : families)
    for (const char* p : {"rocksdb.compaction-pending", "rocksdb.mem-table-flush-pending"})
      if (db->GetIntProperty(h.get(), p, &n) && n > 0) return true;
  return false;
}

}  // namespace

absl::Status LogStore::Settle(absl::Duration limit) {
  if (options_.read_only) return absl::OkStatus();
  if (auto st = FlushIfLarge(0); !st.ok()) return st;
  const absl::Time deadline = absl::Now() + limit;
  // Background work stopped by an error ends the wait too: it will not end.
  background_->WaitUntilIdle(
      [this] {
        return !write_errors_->failed() && Busy(background_->running(), db_.get(), handles_);
      },
      deadline);
  return write_errors_->failed() ? write_errors_->error() : absl::OkStatus();
}

absl::Status LogStore::SetAutoCompactions(bool on) {
  for (const auto& h : handles_) {
    rocksdb::Status s =
        db_->SetOptions(h.get(), {{"disable_auto_compactions", on ? "false" : "true"}});
    if (!s.ok()) return FromRocks(s, "setting the store's compactions");
  }
  return absl::OkStatus();
}

}  // namespace annals::internal
