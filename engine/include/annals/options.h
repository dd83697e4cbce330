// Options for opening a store and for appending to it.
#ifndef ANNALS_OPTIONS_H_
#define ANNALS_OPTIONS_H_

#include <cstddef>
#include <cstdint>

namespace annals {

struct Options {
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

  // Durability of an Append whose AppendOptions::sync is unset: true fsyncs
  // the write-ahead log before Append returns, so an acknowledged event
  // survives power loss (costs one fsync, ~1-10 ms on disks). Default true.
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

  // RocksDB block cache, in bytes, shared by all column families.
  // Default 64 MiB. Larger speeds up random reads (Get, FindById).
  uint64_t block_cache_bytes = 64ull << 20;

  // RocksDB memtable size per column family, in bytes. Default 64 MiB.
  // Larger absorbs bigger imports before flushing; costs memory.
  uint64_t write_buffer_bytes = 64ull << 20;

  // Extra threads that share a large request's CPU work with its caller:
  // a timeline page's event reads (a page of 100 is ~100 random point reads
  // of the log) and a large Append batch's validation and content ids.
  // Default 1: on 2 cores it about halves a large page's latency when the
  // machine is otherwise idle, and cuts a 1000-statement Append by ~15%.
  // 0 does all work on the calling thread; more helps only with more cores.
  // One request at a time uses them (others run alone). Idle threads cost
  // nothing but their stacks.
  uint32_t helper_threads = 1;

  // A projection that nothing answers from yet (a rebuild, or a new
  // projection catching up) and is at least this many events behind the
  // head writes its output as sorted files ingested straight into the
  // store, skipping the memtable, write-ahead log and most compaction work
  // (about 2x faster for the built-in timelines). Default 65536 events;
  // 0 never does. (Live projections: live_bulk_min_lag.)
  uint64_t bulk_rebuild_min_lag = 65536;

  // Events per bulk rebuild batch: one file per batch, and memory for the
  // whole batch's output (about 1 KiB per event for the built-in timelines,
  // ~130 MiB per rebuilding projection at the default). Default 131072.
  // Smaller uses less memory and makes more files for compaction to merge.
  uint64_t bulk_rebuild_batch_events = 131072;

  // A live projection (one queries answer from) that finds at least this
  // many events to apply writes them the same way, as one ingested file
  // (up to live_bulk_batch_events events at a time). During a sustained
  // import that is several times cheaper than memtable writes, which also
  // hold up the appends they are grouped with. Queries see a batch all at
  // once, as they see an ordinary one. Default 32768. Larger files make
  // less compaction work (each spans the whole key range, so every level-0
  // compaction rewrites all of level 1) but leave more lag to clear when an
  // import ends (see max_live_lag, which should be about twice this). A
  // 3M-event import took 76-92 s at 32768 (four runs) and 93 s at 65536
  // with max_live_lag 131072 (one run). 0 never does (imports are then
  // about 1.6x slower).
  uint64_t live_bulk_min_lag = 32768;

  // Events per live bulk batch. Default 32768 (about 32 MiB of memory per
  // projection while one is applied). Larger batches make fewer files, but
  // the lag a batch leaves behind takes longer to clear.
  uint64_t live_bulk_batch_events = 32768;

  // How long a live projection that finds fewer than live_bulk_min_lag
  // events waiting holds on for more before applying them, at most, in
  // milliseconds: a sustained import then reaches the bulk path instead of
  // being applied in many small batches (whose memtable writes each
  // ingestion flushes into a small file that compaction must merge).
  // Anyone waiting on the projections (Engine::WaitFor, a timeline query
  // that waits) ends the hold at once, and so does closing the engine, and
  // appends pausing for live_batch_idle_ms. Only while live_bulk_min_lag is
  // on. An Append held up by max_live_lag ends the hold of the projection it
  // waits for (and is no pause in the appends). Default 2000: enough
  // for 32,768 events at ~16k appends/s, so a query that does not wait may
  // lag a slow import by up to about 2 s. 0
  // applies at once (lag stays lowest, imports are slower).
  uint32_t live_batch_hold_ms = 2000;

  // Appends that stop for this long end a hold (live_batch_hold_ms), in
  // milliseconds: the end of an import is applied without waiting out the
  // hold. Default 20. 0: only the other rules end a hold.
  uint32_t live_batch_idle_ms = 20;

  // Backpressure: an Append waits (before writing) while a live projection
  // (one queries answer from, not failed) is more than this many events
  // behind the head, so live projections keep up with an import that
  // outruns them, and a query that waits after an import waits for at most
  // this much (~0.5-1 s for the built-in timelines on 2 cores). Default
  // 65536: two live bulk batches, one being applied while the next is
  // appended; less starves the projections of bulk-sized batches, more
  // leaves more to clear when the import ends. Imports take about as long
  // until their timelines are queryable as without it; the append calls
  // just stop returning long before the projections are done. 0 never
  // waits: the lag then grows with the import. Projections that are
  // rebuilding, still building, failed, or opened further behind than this
  // (until they first catch up to within it) never hold appends up.
  // Corrections, retractions and aliases (one event each) are not held.
  uint64_t max_live_lag = 65536;
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
