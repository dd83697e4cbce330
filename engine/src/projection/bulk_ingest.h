// The bulk path of a rebuild: a large batch of a generation that nothing
// reads yet is written straight to an SST file and ingested, instead of
// going through the memtable, the WAL, flushes and compactions.
//
// The batch's output and the generation's checkpoint record are two files
// (one per family) ingested by one DB::IngestExternalFiles call, which
// records both in one MANIFEST edit: after a crash either both are there
// or neither, as with a WriteBatch.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_BULK_INGEST_H_
#define ANNALS_ENGINE_SRC_PROJECTION_BULK_INGEST_H_

#include <string>

#include "absl/status/status.h"
#include "projection/bulk_writer.h"

namespace annals::internal {

class DbEngine;

// Where bulk files are written before ingestion: "<store>/bulk". Files
// left there by a crash are never part of the store.
std::string BulkDir(const std::string& store_path);

// Removes files left in BulkDir by a crash. Call before any runner starts.
void RemoveBulkLeftovers(const std::string& store_path);

// Ingests `out` into the `proj` family and `checkpoint_value` under
// `checkpoint_key` into `meta`, atomically. `file_tag` names the files
// (unique among concurrent callers: the generation's name, number and last
// seq). Requires that no WriteBatch writes keys of `out`'s generation
// while its batch is collected (an ingested file is newer than every
// earlier write).
absl::Status IngestBatch(DbEngine* engine, BulkWriter& out,
                         const std::string& file_tag,
                         const std::string& checkpoint_key,
                         const std::string& checkpoint_value);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_BULK_INGEST_H_
