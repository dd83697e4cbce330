// Options for opening a store and for appending to it. The tuning knobs
// Options inherits (memory, threads, projection batching) are documented
// apart, in annals/tuning.h and docs/TUNING.md.
#ifndef ANNALS_OPTIONS_H_
#define ANNALS_OPTIONS_H_

#include <cstddef>
#include <cstdint>

#include "annals/tuning.h"

namespace annals {

struct Options : TuningOptions {
  // Create the store (directory and column families) if it does not exist.
  // Default true. False makes Open of a missing store fail with kNotFound.
  bool create_if_missing = true;

  // Open without write access, so it works while another process writes
  // the store (a RocksDB secondary instance, whose own small info log lives
  // in a temporary directory removed at close). Appends and projection
  // changes fail with kFailedPrecondition; no projection workers run.
  // Default false. Sees the other process's commits up to Open; call
  // Engine::Refresh to see later ones.
  bool read_only = false;

  // Durability of an Append whose AppendOptions::durability is kDefault:
  // true fsyncs the write-ahead log before Append returns, so an
  // acknowledged event survives power loss (costs one fsync, ~1-10 ms on
  // disks). Default true.
  bool sync_appends = true;

  // For unsynced (bulk) appends: force an fsync once this many bytes have
  // been written since the last one, bounding what a power loss can take.
  // Default 8 MiB. Smaller is safer and slower; 0 syncs every batch.
  uint64_t bulk_sync_bytes = 8ull << 20;

  // Register the built-in "actors" and "topics" timeline projections at
  // Open. Default true. False gives a bare log (e.g. for a bulk load whose
  // timelines are built later by reopening with true): appends skip the
  // projection work, and timeline queries fail with kNotFound.
  bool builtin_projections = true;

  // Keep the full-text indexes that exist under STORE/search (annals/
  // search.h) caught up with the log on a thread of the engine's own, at a
  // lower CPU priority, woken by each append: a search then finds its
  // index current instead of applying what was appended since. It makes no
  // index (the first Search for a language does), follows the indexes
  // there at open and those this engine's searches make, never waits for
  // an index another process is writing (tried again at the next append),
  // pauses while Backup copies the indexes, and stops with the engine
  // within one step of at most 10,000 events (what it applied is
  // committed; the next search catches up the rest). Writable engines
  // only.
  // Default false: the CLI updates indexes after its writing commands and
  // a server runs its own follower; the Python module sets it for the
  // stores it opens for writing.
  bool follow_search_indexes = false;
};

struct AppendOptions {
  // How this append reaches disk: kDefault follows Options::sync_appends;
  // kSync fsyncs before returning; kBulk returns after the OS has the data
  // and fsyncs only every Options::bulk_sync_bytes (call Engine::Sync at the
  // end of a bulk import). A crash loses no acknowledged kSync append; after
  // a kBulk one it may lose a suffix of the log, never a middle part.
  enum class Durability { kDefault, kSync, kBulk };
  Durability durability = Durability::kDefault;
};

}  // namespace annals

#endif  // ANNALS_OPTIONS_H_
