// The owner record: which process holds a store open for writing.
//
// RocksDB lets one process write a store and locks its LOCK file; a second
// writer only learns "lock held". So a writer records who it is in
// `OWNER` beside LOCK (pid, host, command line, since when) right after
// taking the lock, and removes it on close; a refused writer reads it to say
// who holds the store. The record is informational: the lock decides.
#ifndef ANNALS_ENGINE_SRC_LOG_OWNER_H_
#define ANNALS_ENGINE_SRC_LOG_OWNER_H_

#include <string>

namespace annals::internal {

// The owner record's file name inside the store directory.
inline constexpr char kOwnerFile[] = "OWNER";

// Writes this process's record into `store` (best effort: a store on a
// read-only medium still opens). Call only while holding the lock.
void WriteOwnerRecord(const std::string& store);

// Removes the record if this process wrote it.
void RemoveOwnerRecord(const std::string& store);

// Whether the store's lock is held, as RocksDB takes it: by another
// process (an fcntl lock on LOCK), or by this one (a store this process
// opened for writing and has not closed, as the owner record tracks).
// Decides what a failed open means without reading its message.
bool StoreLockHeld(const std::string& store);

// Describes the holder for an error message, e.g.
// "pid 4242 (annals import big.jsonl) on host lab1 has held it since
// 2025-04-01T10:00:00Z"; a generic phrase when there is no usable record.
std::string DescribeOwner(const std::string& store);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_OWNER_H_
