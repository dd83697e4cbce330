// What the log store offers the projection machinery and the read side
// for projection data: each projection generation's keyspace in the `proj`
// family, and the records that say which generation answers and how far
// it has got (log/records.h). Writes go in one batch with the checkpoint
// they move (ProjectionBatch), or as one ingestion of a sorted file and the
// checkpoint (IngestBatch). Implemented by LogStore; thread-safe.
#ifndef ANNALS_ENGINE_SRC_LOG_PROJECTION_STORAGE_H_
#define ANNALS_ENGINE_SRC_LOG_PROJECTION_STORAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "annals/declarative.h"
#include "log/records.h"
#include "log/snapshot.h"
#include "rocksdb/iterator.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"

namespace annals::internal {

// Writes to commit together (ProjectionStorage::Commit): projection data,
// whose keys already carry their generation's prefix (ProjectionPrefix),
// and projection records. Not thread-safe.
class ProjectionBatch {
 public:
  ProjectionBatch(ProjectionBatch&&) = default;

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Adds the little-endian int64 `delta` (log/add_operator.h) to a counter.
  void Merge(std::string_view key, std::string_view delta);
  // Every data key in [begin, end).
  void DeleteRange(std::string_view begin, std::string_view end);

  void PutGeneration(std::string_view name, uint32_t gen, const GenerationRecord& record);
  void DeleteGeneration(std::string_view name, uint32_t gen);
  void PutActive(std::string_view name, uint32_t gen);
  void DeleteActive(std::string_view name);
  void DeleteDefinition(std::string_view name);

 private:
  friend class LogStore;
  ProjectionBatch(rocksdb::ColumnFamilyHandle* proj, rocksdb::ColumnFamilyHandle* meta)
      : proj_(proj), meta_(meta) {}

  rocksdb::ColumnFamilyHandle* proj_;
  rocksdb::ColumnFamilyHandle* meta_;
  rocksdb::WriteBatch batch_;
};

// A sorted file of projection data being written for IngestBatch: records
// must come in strictly increasing key order (full keys, prefixed).
class ProjectionFile {
 public:
  absl::Status Put(std::string_view key, std::string_view value);
  absl::Status Delete(std::string_view key);
  absl::Status Merge(std::string_view key, std::string_view delta);

 private:
  friend class LogStore;
  explicit ProjectionFile(rocksdb::SstFileWriter* writer) : writer_(writer) {}
  rocksdb::SstFileWriter* writer_;
};

class ProjectionStorage {
 public:
  virtual ~ProjectionStorage() = default;

  virtual bool read_only() const = 0;
  // False for a read-only view of a store made before projections existed.
  virtual bool has_projection_data() const = 0;
  virtual StoreSnapshot Snapshot() const = 0;

  // --- Records (null `at`: the latest state) ---
  // The generation of `name` that answers; nullopt if never registered.
  virtual absl::StatusOr<std::optional<uint32_t>> ActiveGeneration(
      std::string_view name, const StoreSnapshot* at = nullptr) const = 0;
  // A generation's version and checkpoint; nullopt if absent, kDataLoss if
  // damaged.
  virtual absl::StatusOr<std::optional<GenerationRecord>> Generation(
      std::string_view name, uint32_t gen, const StoreSnapshot* at = nullptr) const = 0;
  // Every generation of `name` that has a record.
  virtual absl::StatusOr<std::vector<uint32_t>> Generations(std::string_view name) const = 0;
  // Every stored declarative definition: (name, stored text).
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Definitions()
      const = 0;
  // Stores a definition durably.
  virtual absl::Status PutDefinition(const ProjectionDefinition& def) = 0;

  // --- Data ---
  // A data key (prefixed); nullopt when absent.
  virtual absl::StatusOr<std::optional<std::string>> GetData(
      std::string_view key, const StoreSnapshot* at = nullptr) const = 0;
  // An iterator over the data keys, as of `at`.
  virtual std::unique_ptr<rocksdb::Iterator> NewDataIterator(const StoreSnapshot& at) const = 0;

  // --- Writes ---
  virtual ProjectionBatch NewBatch() const = 0;
  // Commits `batch` atomically (synced when `sync`); errors say they
  // happened `what` ("writing projection output").
  virtual absl::Status Commit(ProjectionBatch& batch, bool sync, std::string_view what) = 0;
  // Writes a sorted file with `write` (which returns how many records it
  // added; none makes no file) and ingests it with generation `gen` of
  // `name`'s checkpoint record, atomically: after a crash both are there
  // or neither. `file_tag` names the files (unique among concurrent
  // callers). No WriteBatch may write the generation's keys meanwhile: an
  // ingested file is newer than every earlier write.
  virtual absl::Status IngestBatch(std::string_view file_tag,
                                   absl::FunctionRef<absl::StatusOr<size_t>(ProjectionFile&)> write,
                                   std::string_view name, uint32_t gen,
                                   const GenerationRecord& checkpoint) = 0;
  // Deletes a generation's data and record, and compacts its range so the
  // space comes back (data a snapshot still sees is kept until released).
  virtual absl::Status DropGeneration(std::string_view name, uint32_t gen) = 0;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_PROJECTION_STORAGE_H_
