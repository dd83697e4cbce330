#include "timeline/forms.h"

#include <vector>

#include "log/add_operator.h"
#include "log/rocks_status.h"
#include "projection/entry_keys.h"

namespace annals::internal {

absl::StatusOr<TailDelta> TailDelta::Load(const EventLog& log, const ProjectionStorage& storage,
                                          const StoreSnapshot& snap,
                                          std::string_view data_prefix,
                                          const TimelineLayout& layout, uint64_t as_of,
                                          uint64_t checkpoint) {
  TailDelta d;
  // Versions added after the point: each statement and correction.
  std::unique_ptr<StoredLogIterator> events = log.NewIterator(as_of + 1, layout.decode_depth());
  for (; events->Valid() && events->event().seq <= checkpoint; events->Next()) {
    const Event& e = events->event();
    if (e.kind != EventKind::kStatement && e.kind != EventKind::kCorrection) continue;
    for (const auto& [group, form] : layout.Forms(e.statement)) --d.groups_[group][form];
  }
  if (!events->status().ok()) return events->status();
  // Versions closed after the point.
  const std::string from = std::string(data_prefix) + ClosedKey(as_of + 1, 0);
  const std::string end = std::string(data_prefix) + ClosedKey(checkpoint + 1, 0);
  std::unique_ptr<rocksdb::Iterator> it = storage.NewDataIterator(snap);
  for (it->Seek(from); it->Valid() && it->key().compare(end) < 0; it->Next()) {
    auto closed = DecodeClosed(std::string_view(it->value().data(), it->value().size()));
    if (!closed) return absl::DataLossError("damaged closure record in a timeline projection");
    for (const auto& [group, form] : *closed) ++d.groups_[group][form];
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading closures");
  return d;
}

int64_t TailDelta::GroupDelta(const std::string& group) const {
  auto it = groups_.find(group);
  if (it == groups_.end()) return 0;
  int64_t n = 0;
  for (const auto& [form, k] : it->second) n += k;
  return n;
}

absl::StatusOr<std::optional<std::string>> ShownForm(rocksdb::Iterator& it,
                                                     std::string_view data_prefix,
                                                     const std::string& group,
                                                     const TailDelta& delta) {
  TailDelta::Forms counts;
  auto changed = delta.groups().find(group);
  if (changed != delta.groups().end()) counts = changed->second;
  const std::string prefix = std::string(data_prefix) + kFormTag + group;
  for (it.Seek(prefix); it.Valid() && it.key().starts_with(prefix); it.Next()) {
    std::string form(it.key().data() + prefix.size(), it.key().size() - prefix.size());
    counts[form] += DecodeI64Le({it.value().data(), it.value().size()});
  }
  if (!it.status().ok()) return FromRocks(it.status(), "reading written forms");
  // Ties: the values (not their length-prefixed encoding) bytewise first.
  std::optional<std::string> best;
  std::vector<std::string> best_values;
  int64_t most = 0;
  for (const auto& [form, n] : counts) {
    if (n < most || n <= 0) continue;
    std::vector<std::string> values = DecodeGroup(form).value_or(std::vector<std::string>{});
    if (n == most && values >= best_values) continue;
    best = form;
    best_values = std::move(values);
    most = n;
  }
  return best;
}

}  // namespace annals::internal
