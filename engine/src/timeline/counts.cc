// Group counts: a grouped timeline's groups with their current statement
// counts (its 'n' records), shown by their display values ('d').
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "log/add_operator.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/names.h"
#include "projection/entry_keys.h"
#include "timeline/reader.h"

namespace annals::internal {

absl::StatusOr<std::vector<GroupCount>> TimelineReader::Counts(std::string_view projection,
                                                               std::string_view prefix,
                                                               size_t top) const {
  if (!storage_.has_projection_data())
    return absl::UnavailableError("this store has no projection data");
  if (auto found = catalog_.FindTimeline(projection); !found.ok()) return found.status();
  if (auto st = catalog_.WaitForProjection(projection, log_.Head(), absl::Hours(1)); !st.ok())
    return st;
  const StoreSnapshot snap = storage_.Snapshot();
  auto active = storage_.ActiveGeneration(projection, &snap);
  if (!active.ok()) return active.status();
  if (!active->has_value()) return std::vector<GroupCount>{};
  const std::string data_prefix = ProjectionPrefix(projection, **active);
  const std::string count_prefix = data_prefix + kCountTag;
  const std::string want = NormalizeName(prefix);

  std::vector<GroupCount> out;
  std::unique_ptr<rocksdb::Iterator> it = storage_.NewDataIterator(snap);
  for (it->Seek(count_prefix); it->Valid() && it->key().starts_with(count_prefix); it->Next()) {
    const int64_t n = DecodeI64Le({it->value().data(), it->value().size()});
    if (n <= 0) continue;
    const std::string group = it->key().ToString().substr(count_prefix.size());
    auto values = DecodeGroup(group);
    if (!values || values->empty()) continue;
    if (!want.empty() && !(*values)[0].starts_with(want)) continue;
    GroupCount gc;
    gc.count = static_cast<uint64_t>(n);
    auto display = storage_.GetData(data_prefix + kDisplayTag + group, &snap);
    auto shown = display.ok() && display->has_value() ? DecodeGroup(**display) : std::nullopt;
    gc.key = shown ? *shown : *values;
    out.push_back(std::move(gc));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading counts");
  std::stable_sort(out.begin(), out.end(), [](const GroupCount& a, const GroupCount& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (top != 0 && out.size() > top) out.resize(top);
  return out;
}

}  // namespace annals::internal
