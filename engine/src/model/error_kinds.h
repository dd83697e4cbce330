// Errors that carry their kind (annals/status.h): the constructors the
// library uses, so each kind is attached in one place.
#ifndef ANNALS_ENGINE_SRC_MODEL_ERROR_KINDS_H_
#define ANNALS_ENGINE_SRC_MODEL_ERROR_KINDS_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace annals::internal {

// kFailedPrecondition marked IsStoreInUse.
absl::Status StoreInUseError(std::string_view message);
// kNotFound marked IsNoStore.
absl::Status NoStoreError(std::string_view message);
// kPermissionDenied marked IsStoreNotWritable.
absl::Status StoreNotWritableError(std::string_view message);
// kDataLoss marked IsWalDamaged.
absl::Status WalDamagedError(std::string_view message);
// kDataLoss marked IsStoreDamaged.
absl::Status StoreDamagedError(std::string_view message);
// kInvalidArgument "statements[index]: <reason's message>" marked with
// BadStatementIndex == index; `prefix` false leaves the message as it is.
absl::Status BadStatementError(const absl::Status& reason, size_t index, bool prefix);

// `status` with its message replaced, keeping its code and kinds.
absl::Status WithMessage(const absl::Status& status, std::string_view message);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_ERROR_KINDS_H_
