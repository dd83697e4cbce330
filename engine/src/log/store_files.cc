#include "log/store_files.h"

#include <filesystem>
#include <string_view>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace annals::internal {

namespace fs = std::filesystem;

std::optional<std::string> StoreFileIn(const std::string& dir) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string_view n = name;
    if (n == "IDENTITY" || n.starts_with("MANIFEST-") || n.starts_with("OPTIONS-") ||
        n.ends_with(".sst") || n.ends_with(".log"))
      return name;
  }
  return std::nullopt;
}

absl::Status NoCurrentError(const std::string& dir, absl::Status otherwise) {
  auto file = StoreFileIn(dir);
  if (!file) return otherwise;
  return absl::DataLossError(absl::StrCat(
      "damaged store at ", dir, ": its CURRENT file is missing, but it holds ", *file,
      " and other store files (restore it from a backup)"));
}

}  // namespace annals::internal
