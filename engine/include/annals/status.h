// Machine-readable kinds of error.
//
// Every fallible call returns an absl::Status whose code says what class of
// failure it is (see each function's comment) and whose message is for
// people. Where a caller must tell apart failures that share a code, the
// status also carries a kind, read with the helpers below; never decide by
// parsing the message, whose wording may change.
//
// The kinds are absl::Status payloads, so they survive copying a status
// and are kept by anything that keeps payloads. Thread-safe; no state.
#ifndef ANNALS_STATUS_H_
#define ANNALS_STATUS_H_

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "annals/visibility.h"

namespace annals {

// The store is open for writing by another process (or another engine of
// this process): Engine::Open for writing (kFailedPrecondition; the message
// names the holder), RestoreStore over it. A read-only Open still works.
ANNALS_EXPORT bool IsStoreInUse(const absl::Status& status);

// There is no store at the path given: Engine::Open of a missing store
// without create_if_missing, or read-only (kNotFound); VerifyStore and
// BackupStore of a missing store.
ANNALS_EXPORT bool IsNoStore(const absl::Status& status);

// The store cannot be opened for writing because its directory (or its
// files) may not be written: a read-only filesystem or no write permission
// (kPermissionDenied, decided by errno EROFS/EACCES). A read-only Open
// (Options::read_only) still works; the CLI's queries fall back to one.
ANNALS_EXPORT bool IsStoreNotWritable(const absl::Status& status);

// The store's write-ahead log is damaged other than at its tail (kDataLoss;
// the message names the file and the last seq that can be read intact):
// every open of the store fails so, and nothing is changed, until
// RepairStore (annals/repair.h, `annals repair`) salvages it.
ANNALS_EXPORT bool IsWalDamaged(const absl::Status& status);

// The store's files are damaged or missing (kDataLoss): a read found a
// corrupt block or a table file gone, or a full scan of the log ended
// before the head it read at its start ("read N events but the head is
// M") or skipped seqs no repair recorded lost. Reads report it rather than
// return part of the answer; `annals verify` lists the damage.
ANNALS_EXPORT bool IsStoreDamaged(const absl::Status& status);

// The index of the statement that failed Validate in an Engine::Append
// batch (kInvalidArgument, message "statements[3]: speaker: ..."); 0 for
// the one-statement Append, whose message has no prefix. nullopt for any
// other status.
ANNALS_EXPORT std::optional<size_t> BadStatementIndex(const absl::Status& status);

}  // namespace annals

#endif  // ANNALS_STATUS_H_
