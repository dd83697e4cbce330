// The writer of a bulk rebuild batch (projection/bulk_ingest.h): Puts and
// Deletes are appended to one arena, with no per-key allocation, and
// sorted once when the batch is written to its SST file; counter Adds,
// which hit few keys many times, are summed in a small map. Reads (rare: a
// correction reading a statement's state) index the batch on first use.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_BULK_WRITER_H_
#define ANNALS_ENGINE_SRC_PROJECTION_BULK_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "annals/projection.h"
#include "log/event_log.h"
#include "log/projection_storage.h"

namespace annals::internal {

// Not thread-safe: one worker fills and commits it. `prefix` (the
// generation's key prefix), `log` and `storage` must outlive the writer.
class BulkWriter final : public ProjectionWriter {
 public:
  // `reserve_bytes`: the arena's room, reserved at once (pages are touched
  // only as they are filled): growing by doubling would copy the arena and
  // hold both copies, up to three times a batch's bytes.
  BulkWriter(const EventLog& log, const ProjectionStorage& storage, const std::string& prefix,
             size_t reserve_bytes)
      : log_(log), storage_(storage), prefix_(prefix) {
    arena_.reserve(reserve_bytes);
  }

  void Put(std::string_view key, std::string_view value) override;
  void Delete(std::string_view key) override;
  void Add(std::string_view key, int64_t delta) override;
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override;
  absl::StatusOr<Event> GetEvent(uint64_t seq) override;

  // Forgets every write, keeping the memory for the next batch.
  void Clear();
  // Writes so far (not distinct keys).
  size_t ops() const { return ops_.size(); }
  // Bytes of keys and values held so far.
  size_t bytes() const { return arena_.size(); }

  // Adds one record per distinct key, in key order, to an open SST file: a
  // key's writes fold into one Put, Delete or Merge. Returns the number of
  // records added (an SST file needs at least one).
  absl::StatusOr<size_t> WriteTo(ProjectionFile& file);

 private:
  enum class Kind : uint8_t { kPut, kDelete };
  struct Op {
    uint64_t key_off;   // into arena_
    uint64_t val_off;   // into arena_ (kPut)
    uint32_t key_len;
    uint32_t val_len;
    uint32_t prev = 0;  // index + 1 of the previous op on this key (indexed_)
    Kind kind;
  };

  void Append(Kind kind, std::string_view key, std::string_view value);
  std::string_view KeyOf(const Op& op) const { return {arena_.data() + op.key_off, op.key_len}; }
  std::string_view ValueOf(const Op& op) const { return {arena_.data() + op.val_off, op.val_len}; }
  void Index(uint32_t i);

  const EventLog& log_;
  const ProjectionStorage& storage_;
  const std::string& prefix_;
  std::string arena_;
  std::vector<Op> ops_;
  // Sums of Adds made after the key's last Put or Delete.
  absl::flat_hash_map<std::string, int64_t> adds_;
  // Direct-mapped, by key hash: index + 1 of a recent op. When it names an
  // op on the same key, that op is the key's latest, and a Put replaces
  // its value instead of adding an op (a popular group's display key is
  // written by many events of a batch).
  std::vector<uint32_t> recent_;
  // Built on the first Get of a batch: key -> index + 1 of its last op.
  bool indexed_ = false;
  absl::flat_hash_map<std::string, uint32_t> last_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_BULK_WRITER_H_
