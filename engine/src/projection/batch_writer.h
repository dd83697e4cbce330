// A projection batch's output, collected in memory: repeated writes to one
// key collapse to the last, counter Adds are summed, and reads see the
// batch's own writes. Committed sorted into one WriteBatch. (Bulk rebuild
// batches use projection/bulk_writer.h instead.)
#ifndef ANNALS_ENGINE_SRC_PROJECTION_BATCH_WRITER_H_
#define ANNALS_ENGINE_SRC_PROJECTION_BATCH_WRITER_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "annals/projection.h"
#include "log/event_log.h"
#include "log/projection_storage.h"

namespace annals::internal {

// Not thread-safe: one worker fills and commits it. `prefix` (the
// generation's key prefix), `log` and `storage` must outlive the writer.
class BatchWriter final : public ProjectionWriter {
 public:
  BatchWriter(const EventLog& log, const ProjectionStorage& storage, const std::string& prefix)
      : log_(log), storage_(storage), prefix_(prefix) {}

  void Put(std::string_view key, std::string_view value) override;
  void Delete(std::string_view key) override;
  void Add(std::string_view key, int64_t delta) override;
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override;
  absl::StatusOr<Event> GetEvent(uint64_t seq) override;

  // Distinct keys written so far.
  size_t size() const;

  // Adds every key, in order, to `batch`.
  void WriteTo(ProjectionBatch* batch) const;

 private:
  const EventLog& log_;
  const ProjectionStorage& storage_;
  const std::string& prefix_;
  absl::flat_hash_map<std::string, std::optional<std::string>> puts_;
  absl::flat_hash_map<std::string, int64_t> adds_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_BATCH_WRITER_H_
