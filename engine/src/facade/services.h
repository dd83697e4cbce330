// What the library's own engines lend the rest of the library beyond the
// public Engine interface, reached through Engine's private services()
// hook: no caller casts an Engine to a concrete class.
#ifndef ANNALS_ENGINE_SRC_FACADE_SERVICES_H_
#define ANNALS_ENGINE_SRC_FACADE_SERVICES_H_

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "facade/live_search.h"
#include "log/log_state.h"
#include "timeline/stored_page.h"

namespace annals::internal {

class LogStore;

class EngineServices {
 public:
  // Engine::Append for a caller that has run Validate on every statement
  // and derived its id (EffectiveId) itself, on another thread: the
  // importer, whose parsing thread has the time the appending thread lacks.
  // A statement that would not pass Validate must not be given.
  virtual absl::StatusOr<std::vector<AppendResult>> AppendValidated(
      std::span<const Statement> statements, std::span<const std::string> ids,
      const AppendOptions& options) = 0;
  virtual bool read_only() const = 0;
  // The store's directory, as opened.
  virtual std::string store_path() const = 0;
  // The aliases in force as of `as_of` (EventLog::AliasesAsOf), for checks
  // that must agree with Engine::Alias (the import's dry pass).
  virtual std::vector<AliasRecord> AliasesAsOf(uint64_t as_of) const = 0;
  // Writable engines: adds a RocksDB BackupEngine backup of the store as of
  // one head to `backup_dir` (new, or one BackupEngine made) and returns
  // that head; see LogStore::BackupTo. kFailedPrecondition when read-only.
  virtual absl::StatusOr<uint64_t> AddBackup(const std::string& backup_dir) const = 0;
  // Writes a record-by-record copy of the engine's view (one instant) into
  // new directory `dir`, a store of its own; the caller checks it.
  virtual absl::Status CopyView(const std::string& dir) const = 0;
  // Writable engines: flushes the memtables when anything is left only in
  // the write-ahead log, so the end of an import (ImportFile) does not live
  // in the WAL alone and the next open replays nothing. Not for small
  // appends (tiny level-0 files). OK and nothing done when read-only.
  virtual absl::Status FlushMemtables() = 0;
  // Writable engines: LogStore::Settle (flush, then wait for RocksDB's
  // flushes and compactions to end, at most `limit`). OK when read-only.
  virtual absl::Status SettleTables(absl::Duration limit) = 0;
  // Whether a statement version is filed under the group `key` of the
  // timeline projection `name` (as it is defined now): for subscriptions
  // (SubscriptionMatcher). kNotFound, kInvalidArgument as
  // TimelineReader::GroupTest.
  virtual absl::StatusOr<std::function<bool(const Statement&)>> GroupTest(
      const std::string& name, const std::vector<std::string>& key) const = 0;
  // Engine::Timeline with each event in its stored form, passed on as the
  // log holds it where the page shows it unchanged
  // (TimelineReader::StoredTimeline): for replies that send events as
  // bytes (the server's).
  virtual absl::StatusOr<StoredPage> StoredTimeline(const TimelineQuery& q) const = 0;
  // The follower of the full-text indexes under STORE/search that a
  // writable engine runs (Options::follow_search_indexes), or null: a
  // search tells it an index may now exist, a backup pauses it, tests
  // await it.
  virtual LiveSearch* live_search() const = 0;
  // The log store of a writable engine, for white-box tests and
  // benchmarks; null for a read-only engine (whose store changes at each
  // Refresh).
  virtual LogStore* log_store() = 0;

 protected:
  ~EngineServices() = default;
};

// Reaches Engine's private services() hook.
struct EngineAccess {
  static EngineServices* Of(const Engine& engine) { return engine.services(); }
};

// The services of `engine`, or null when this library did not make it.
inline EngineServices* ServicesOf(const Engine& engine) { return EngineAccess::Of(engine); }

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_FACADE_SERVICES_H_
