// The bulk path of projection output (LogStore::IngestBatch): a large
// batch is written straight to an SST file and ingested, instead of going
// through the memtable, the WAL, flushes and compactions. The batch's data
// and the generation's checkpoint record are two files (one per family)
// ingested by one DB::IngestExternalFiles call, which records both in one
// MANIFEST edit: after a crash either both are there or neither.
#ifndef ANNALS_ENGINE_SRC_LOG_BULK_INGEST_H_
#define ANNALS_ENGINE_SRC_LOG_BULK_INGEST_H_

#include <string>

namespace annals::internal {

// Where bulk files are written before ingestion: "<store>/bulk". Files
// left there by a crash are never part of the store.
std::string BulkDir(const std::string& store_path);

// Removes files left in BulkDir by a crash. Call before any projection
// worker starts.
void RemoveBulkLeftovers(const std::string& store_path);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_BULK_INGEST_H_
