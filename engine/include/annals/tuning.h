// Tuning knobs: memory, helper threads, and how projection workers batch
// their writes. The defaults suit a laptop-class machine with 2+ cores and
// an import running beside queries; most users never set these. What each
// trades, with the measurements behind the defaults, is in docs/TUNING.md.
// Set them on Options (which inherits them): Options o; o.max_live_lag = 0;
#ifndef ANNALS_TUNING_H_
#define ANNALS_TUNING_H_

#include <cstddef>
#include <cstdint>

namespace annals {

struct TuningOptions {
  // RocksDB block cache, in bytes, shared by all column families.
  // Default 64 MiB. Larger speeds up random reads (Get, FindById, pages).
  uint64_t block_cache_bytes = 64ull << 20;

  // RocksDB memtable size per column family, in bytes. Default 64 MiB.
  // Larger absorbs bigger imports before flushing; costs memory.
  uint64_t write_buffer_bytes = 64ull << 20;

  // Extra threads that share a large request's CPU work with its caller:
  // a timeline page's event reads and a large Append batch's validation
  // and content ids. Default 1; 0 does all work on the calling thread; more
  // helps only with more cores. One request at a time uses them.
  uint32_t helper_threads = 1;

  // A projection that nothing answers from yet (a rebuild, or a new
  // projection catching up) and is at least this many events behind the
  // head writes its output as sorted files ingested straight into the
  // store, skipping the memtable and the write-ahead log. Default 65536
  // events; 0 never does. (Live projections: live_bulk_min_lag.)
  uint64_t bulk_rebuild_min_lag = 65536;

  // Events per bulk rebuild batch: one file per batch, and memory for the
  // whole batch's output (about 3 KiB per event for the built-in actor
  // timeline, whose entries carry the statement), up to
  // bulk_batch_max_bytes. Default 131072.
  uint64_t bulk_rebuild_batch_events = 131072;

  // A bulk batch (rebuild or live) also ends once the keys and values it
  // has Put or Deleted hold this many bytes, whatever its event limit; the
  // event that crosses the limit is the batch's last, and counter Adds are
  // not counted. The worker reserves this much (up to 512 MiB) when its
  // first bulk batch starts, instead of growing its buffer by doubling.
  // Default 128 MiB (about 45,000 events of the actor timeline); 0: no
  // limit by bytes. Small limits make many small files: slow.
  uint64_t bulk_batch_max_bytes = 128ull << 20;

  // A live projection (one queries answer from) that finds at least this
  // many events to apply writes them the same way, as one ingested file
  // (up to live_bulk_batch_events at a time); queries see a batch all at
  // once. Default 32768; 0 never does. max_live_lag should be about twice
  // this.
  uint64_t live_bulk_min_lag = 32768;

  // Events per live bulk batch. Default 32768 (about 100 MiB of memory for
  // the actor timeline while one is applied; at most bulk_batch_max_bytes).
  uint64_t live_bulk_batch_events = 32768;

  // How long a live projection that finds fewer than live_bulk_min_lag
  // events waiting holds on for more before applying them, at most, in
  // milliseconds, so a sustained import reaches the bulk path. Anyone
  // waiting on the projections (Engine::WaitFor, a timeline query that
  // waits), closing the engine, appends pausing for live_batch_idle_ms,
  // and an Append held up by max_live_lag for this projection end the hold
  // at once. Only while live_bulk_min_lag is on. Default 2000, so a query
  // that does not wait may lag a slow import by up to about 2 s; 0 applies
  // at once.
  uint32_t live_batch_hold_ms = 2000;

  // Appends that stop for this long end a hold (live_batch_hold_ms), in
  // milliseconds. Default 20. 0: only the other rules end a hold.
  uint32_t live_batch_idle_ms = 20;

  // Backpressure: an Append waits (before writing) while a live projection
  // (one queries answer from, not failed) is more than this many events
  // behind the head, so live projections keep up with an import that
  // outruns them and a query that waits after an import waits for at most
  // this much. Default 65536; 0 never waits. Projections that are
  // rebuilding, still building, failed, or opened further behind than this
  // (until they first catch up to within it) never hold appends up.
  // Corrections, retractions and aliases (one event each) are not held.
  uint64_t max_live_lag = 65536;
};

}  // namespace annals

#endif  // ANNALS_TUNING_H_
