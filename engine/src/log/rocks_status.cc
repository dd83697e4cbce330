#include "log/rocks_status.h"

#include "absl/strings/str_cat.h"
#include "model/error_kinds.h"
#include "model/sv.h"

namespace annals::internal {

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(AV(what), ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return StoreDamagedError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return absl::UnavailableError(msg);
  if (s.IsNotSupported()) return absl::UnimplementedError(msg);
  return absl::InternalError(msg);
}

}  // namespace annals::internal
