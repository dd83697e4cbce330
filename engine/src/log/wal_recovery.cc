#include "log/wal_recovery.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "log/keys.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

bool IsWalName(const std::string& name) {
  if (name.size() <= 4 || name.substr(name.size() - 4) != ".log") return false;
  return std::all_of(name.begin(), name.end() - 4, [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::shared_ptr<InfoLogger> SetRecovery(rocksdb::DBOptions& dbo, rocksdb::WALRecoveryMode mode) {
  auto logger = std::make_shared<InfoLogger>();
  dbo.info_log = logger;
  dbo.wal_recovery_mode = mode;
  return logger;
}

absl::StatusOr<uint64_t> ReadOnlyHead(const std::string& path,
                                      const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                                      rocksdb::WALRecoveryMode mode) {
  rocksdb::DBOptions dbo;
  SetRecovery(dbo, mode);
  dbo.create_if_missing = false;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(dbo, path, families, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening ", path, " read-only"));
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  for (size_t i = 0; i < families.size(); ++i)
    if (families[i].name == kMetaFamily) meta = handles[i];
  uint64_t head = 0;
  std::string v;
  s = meta == nullptr ? rocksdb::Status::NotFound() : db->Get({}, meta, kMetaHead, &v);
  absl::Status out = absl::OkStatus();
  if (s.ok()) {
    auto h = DecodeSeq(v);
    if (h) head = *h;
    else out = absl::DataLossError("metadata 'head' is damaged");
  } else if (!s.IsNotFound()) {
    out = FromRocks(s, "reading metadata");
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  (void)db->Close();
  if (!out.ok()) return out;
  return head;
}

absl::Status OpenFailure(const rocksdb::Status& s, const std::string& path,
                         const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                         const InfoLogger& logger) {
  absl::Status plain = FromRocks(s, absl::StrCat("opening ", path));
  if (!s.IsCorruption()) return plain;
  // Point-in-time recovery stops at the first bad WAL record instead of
  // failing: if it opens, the damage is in the write-ahead log.
  auto intact = ReadOnlyHead(path, families, rocksdb::WALRecoveryMode::kPointInTimeRecovery);
  if (!intact.ok()) return plain;
  std::vector<std::string> named = logger.WalFilesMentioned();
  if (named.empty()) named = WalFiles(path);
  return WalDamagedError(absl::StrCat(
      "the write-ahead log of ", path, " is damaged (", absl::StrJoin(named, ", "),
      ": ", s.ToString(), "); the last seq that can be read intact is ", *intact,
      ". Nothing was changed. `annals repair` salvages the store, keeping seqs up to ",
      *intact, " and recording the rest as lost"));
}

std::vector<std::string> WalFiles(const std::string& path, uint64_t* total_bytes) {
  std::vector<std::string> out;
  if (total_bytes != nullptr) *total_bytes = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!IsWalName(name)) continue;
    out.push_back(name);
    std::error_code size_ec;
    uint64_t size = it->file_size(size_ec);
    if (total_bytes != nullptr && !size_ec) *total_bytes += size;
  }
  std::sort(out.begin(), out.end());
  return out;
}

void RemoveEmptyOldWals(rocksdb::DB* db, const std::string& path) {
  std::unique_ptr<rocksdb::LogFile> current;
  if (!db->GetCurrentWalFile(&current).ok() || current == nullptr) return;
  const uint64_t live = current->LogNumber();
  for (const std::string& name : WalFiles(path)) {
    uint64_t number = 0;
    if (!absl::SimpleAtoi(name.substr(0, name.size() - 4), &number) || number >= live) continue;
    std::error_code ec;
    const fs::path p = fs::path(path) / name;
    if (fs::file_size(p, ec) == 0 && !ec) fs::remove(p, ec);
  }
}

std::string LostKey(uint64_t first) { return absl::StrCat(kMetaLost, EncodeSeq(first)); }

absl::StatusOr<std::vector<LostRange>> ReadLostRanges(rocksdb::DB* db,
                                                      rocksdb::ColumnFamilyHandle* meta) {
  std::vector<LostRange> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), meta));
  const std::string prefix = kMetaLost;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    auto first = DecodeSeq(key.substr(prefix.size()));
    auto last = DecodeSeq(std::string_view(it->value().data(), it->value().size()));
    if (!first || !last || *last < *first)
      return absl::DataLossError("a lost-range record in the metadata is damaged");
    out.emplace_back(*first, *last);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading lost-range records");
  return out;
}

}  // namespace annals::internal
