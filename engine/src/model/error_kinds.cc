// Error kinds as absl::Status payloads: one payload names the kind, a
// second one carries a bad statement's index.
#include "model/error_kinds.h"

#include <optional>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "annals/status.h"
#include "model/sv.h"

namespace annals {
namespace {

constexpr char kKindUrl[] = "annals/error-kind";
constexpr char kIndexUrl[] = "annals/statement-index";
constexpr char kStoreInUse[] = "store-in-use";
constexpr char kNoStore[] = "no-store";
constexpr char kWalDamaged[] = "wal-damaged";
constexpr char kNotWritable[] = "store-not-writable";
constexpr char kStoreDamaged[] = "store-damaged";

bool HasKind(const absl::Status& status, std::string_view kind) {
  auto p = status.GetPayload(kKindUrl);
  return p.has_value() && *p == internal::AV(kind);
}

absl::Status Marked(absl::Status status, std::string_view kind) {
  status.SetPayload(kKindUrl, absl::Cord(internal::AV(kind)));
  return status;
}

}  // namespace

bool IsStoreInUse(const absl::Status& status) { return HasKind(status, kStoreInUse); }

bool IsNoStore(const absl::Status& status) { return HasKind(status, kNoStore); }

bool IsStoreNotWritable(const absl::Status& status) { return HasKind(status, kNotWritable); }

bool IsWalDamaged(const absl::Status& status) { return HasKind(status, kWalDamaged); }

bool IsStoreDamaged(const absl::Status& status) { return HasKind(status, kStoreDamaged); }

std::optional<size_t> BadStatementIndex(const absl::Status& status) {
  auto p = status.GetPayload(kIndexUrl);
  size_t index = 0;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &index)) return std::nullopt;
  return index;
}

namespace internal {

absl::Status StoreInUseError(std::string_view message) {
  return Marked(absl::FailedPreconditionError(AV(message)), kStoreInUse);
}

absl::Status NoStoreError(std::string_view message) {
  return Marked(absl::NotFoundError(AV(message)), kNoStore);
}

absl::Status StoreNotWritableError(std::string_view message) {
  return Marked(absl::PermissionDeniedError(AV(message)), kNotWritable);
}

absl::Status WalDamagedError(std::string_view message) {
  return Marked(absl::DataLossError(AV(message)), kWalDamaged);
}

absl::Status StoreDamagedError(std::string_view message) {
  return Marked(absl::DataLossError(AV(message)), kStoreDamaged);
}

absl::Status BadStatementError(const absl::Status& reason, size_t index, bool prefix) {
  absl::Status out =
      prefix ? WithMessage(reason, absl::StrCat("statements[", index, "]: ", reason.message()))
             : reason;
  out.SetPayload(kIndexUrl, absl::Cord(absl::StrCat(index)));
  return out;
}

absl::Status WithMessage(const absl::Status& status, std::string_view message) {
  absl::Status out(status.code(), AV(message));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

}  // namespace internal
}  // namespace annals
