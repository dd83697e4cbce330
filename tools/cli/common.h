// Shared plumbing of the `annals` commands: opening the store, exit codes,
// error printing.
#ifndef ANNALS_TOOLS_CLI_COMMON_H_
#define ANNALS_TOOLS_CLI_COMMON_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/engine.h"

namespace annals::cli {

// Documented exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;  // bad input, usage, nothing found
inline constexpr int kExitStorage = 2;   // the store failed or is damaged

struct GlobalFlags {
  std::string db = "./annals.db";  // --db, else $ANNALS_DB
};

// Bad input (kInvalidArgument, kNotFound, kOutOfRange, kAlreadyExists) is 1;
// everything else is a storage problem: 2.
int ExitCodeFor(const absl::Status& status);

// `status` with " (<hint>)" added to its message; code and kinds kept.
absl::Status WithHint(const absl::Status& status, std::string_view hint);

// Prints "annals: <context>: <message>" to stderr; returns ExitCodeFor.
int Fail(std::string_view context, const absl::Status& status);

// Opens the store for writing, creating it on first use.
absl::StatusOr<std::unique_ptr<Engine>> OpenForWrite(const GlobalFlags& g);

// Opens the store at g.db with `options`, never creating it: a missing
// store is kNotFound with a hint saying how to name or create one.
absl::StatusOr<std::unique_ptr<Engine>> OpenExisting(const GlobalFlags& g,
                                                     Options options);

// Opens an existing store read-only, so queries work while another process
// writes. A missing store is kNotFound with a hint.
absl::StatusOr<std::unique_ptr<Engine>> OpenForRead(const GlobalFlags& g);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_COMMON_H_
