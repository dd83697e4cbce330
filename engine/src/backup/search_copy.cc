#include "backup/search_copy.h"

#include <algorithm>
#include <string>
#include <system_error>
#include <vector>

#include <xapian.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "annals/search.h"
#include "backup/backup_dir.h"
#include "search/search_index.h"
#include "search/xapian_status.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

absl::Status FsError(const std::string& what, const fs::path& p, const std::error_code& ec) {
  return absl::InternalError(absl::StrCat(what, " ", p.string(), ": ", ec.message()));
}

// Reads the index in `dir` as it stands (one revision) into `dest`,
// compacted; false when it is not one search would use for `engine` as it
// is or catch up (not annals's, another layout or language, ahead of the
// head). Read again when another process commits meanwhile.
absl::StatusOr<bool> CopyIndex(const Engine& engine, const fs::path& dir,
                               const std::string& language, const fs::path& dest) {
  // No writer commits while the lock is held (a server's follower, a
  // search catching up wait or try later): the copy is not cut short.
  IndexWriteHold hold(dir.string());
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto copied = XapianCall("copying the search index " + dir.string(),
                             [&]() -> absl::StatusOr<bool> {
                               Xapian::Database db(dir.string());
                               auto checkpoint = OwnCheckpoint(db, language);
                               if (!checkpoint || *checkpoint > engine.Head()) return false;
                               db.compact(dest.string(), Xapian::DBCOMPACT_NO_RENUMBER);
                               return true;
                             });
    if (!absl::IsAborted(copied.status())) return copied;
    last = copied.status();
    std::error_code ec;
    fs::remove_all(dest, ec);  // the unfinished copy (made here)
  }
  return last;
}

}  // namespace

absl::StatusOr<fs::path> StageSearchIndexes(const Engine& engine, const fs::path& store_search,
                                            const fs::path& backup_dir,
                                            std::vector<std::string>* languages) {
  const std::vector<std::string> found = IndexedLanguages(store_search.string());
  if (found.empty()) return fs::path();
  std::error_code ec;
  fs::create_directories(backup_dir / "search", ec);
  if (ec) return FsError("cannot create", backup_dir / "search", ec);
  auto staged = MakeStaging(backup_dir / "search" / "incoming", "annals-copy");
  if (!staged.ok()) return staged.status();
  for (const std::string& language : found) {
    auto copied = CopyIndex(engine, store_search / language, language, *staged / language);
    // Damaged, changing under every read, or unreadable: left out (the
    // restored store's first search builds it); the log's backup matters
    // more.
    if (absl::IsDataLoss(copied.status()) || absl::IsAborted(copied.status()) ||
        absl::IsFailedPrecondition(copied.status())) {
      fs::remove_all(*staged / language, ec);
      continue;
    }
    if (!copied.ok()) {
      fs::remove_all(*staged, ec);  // made here
      return copied.status();
    }
    if (*copied) languages->push_back(language);
  }
  return *staged;
}

namespace {

// True if `dir` is a copy StageSearchIndexes made: a directory holding
// only directories named for a language, each a Xapian database. Nothing
// else under a backup's search/ is ever removed.
bool IsIndexCopy(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return false;
  const std::vector<std::string> languages = SearchLanguages();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (std::find(languages.begin(), languages.end(), name) == languages.end() ||
        !fs::is_directory(fs::symlink_status(it->path(), ec)) ||
        !fs::exists(it->path() / "iamglass", ec))
      return false;
  }
  return !ec;
}

}  // namespace

absl::Status PublishSearchIndexes(const fs::path& staged, const fs::path& backup_dir,
                                  uint32_t id) {
  const fs::path root = backup_dir / "search";
  const fs::path dest = root / absl::StrCat(id);
  std::error_code ec;
  // A copy under this number is of a backup RocksDB no longer has (ids
  // are reused only after one is deleted): annals's own, replaced. Anything
  // else there is left as it is, and MoveIntoPlace then fails naming it.
  if (IsIndexCopy(dest)) fs::remove_all(dest, ec);
  if (ec) return FsError("cannot remove", dest, ec);
  if (absl::Status st = MoveIntoPlace(staged, dest); !st.ok()) return st;
  std::vector<fs::path> older;  // listed first, removed after
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    uint32_t other = 0;
    if (absl::SimpleAtoi(it->path().filename().string(), &other) && other < id &&
        IsIndexCopy(it->path()))
      older.push_back(it->path());
  }
  if (ec) return FsError("cannot list", root, ec);
  for (const fs::path& p : older) {
    fs::remove_all(p, ec);
    if (ec) return FsError("cannot remove the older copy", p, ec);
  }
  return absl::OkStatus();
}

absl::Status RestoreSearchIndexes(const fs::path& backup_dir, uint32_t id,
                                  const fs::path& store) {
  const fs::path from = backup_dir / "search" / absl::StrCat(id);
  std::error_code ec;
  if (!fs::is_directory(from, ec)) return absl::OkStatus();
  fs::copy(from, store / "search", fs::copy_options::recursive, ec);
  if (ec) return FsError("cannot copy the search indexes of", from, ec);
  return absl::OkStatus();
}

}  // namespace annals::internal
