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
  d.absolute_ = as_of < checkpoint - as_of;
  absl::Status st = d.absolute_
                        ? d.Sum(log, storage, snap, data_prefix, layout, 1, as_of, 1)
                        : d.Sum(log, storage, snap, data_prefix, layout, as_of + 1, checkpoint, -1);
  if (!st.ok()) return st;
  return d;
}

absl::Status TailDelta::Sum(const EventLog& log, const ProjectionStorage& storage,
                            const StoreSnapshot& snap, std::string_view data_prefix,
                            const TimelineLayout& layout, uint64_t from, uint64_t to,
                            int sign) {
  std::string key;
  auto add = [&](const std::string& group, const std::string& form, int64_t n) {
    key.assign(group);
    key.append(form);
    auto [it, fresh] = forms_.try_emplace(key, 0);
    if (fresh) by_group_[group].push_back(form);
    it->second += n;
    groups_[group] += n;
  };
  if (from > to) return absl::OkStatus();
  // Versions added: each statement and correction.
  std::unique_ptr<StoredLogIterator> events = log.NewIterator(from, layout.decode_depth());
  for (; events->Valid() && events->event().seq <= to; events->Next()) {
    const Event& e = events->event();
    if (e.kind != EventKind::kStatement && e.kind != EventKind::kCorrection) continue;
    for (const auto& [group, form] : layout.Forms(e.statement)) add(group, form, sign);
  }
  if (!events->status().ok()) return events->status();
  // Versions closed.
  const std::string first = std::string(data_prefix) + ClosedKey(from, 0);
  const std::string end = std::string(data_prefix) + ClosedKey(to + 1, 0);
  std::unique_ptr<rocksdb::Iterator> it = storage.NewDataIterator(snap);
  for (it->Seek(first); it->Valid() && it->key().compare(end) < 0; it->Next()) {
    auto closed = DecodeClosed(std::string_view(it->value().data(), it->value().size()));
    if (!closed) return absl::DataLossError("damaged closure record in a timeline projection");
    for (const auto& [group, form] : *closed) add(group, form, -sign);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading closures");
  return absl::OkStatus();
}

std::map<std::string, int64_t> TailDelta::FormsOf(const std::string& group) const {
  std::map<std::string, int64_t> out;
  auto it = by_group_.find(group);
  if (it == by_group_.end()) return out;
  for (const std::string& form : it->second) out[form] = forms_.at(group + form);
  return out;
}

absl::StatusOr<std::optional<std::string>> ShownForm(rocksdb::Iterator& it,
                                                     std::string_view data_prefix,
                                                     const std::string& group,
                                                     const TailDelta& delta) {
  std::map<std::string, int64_t> counts = delta.FormsOf(group);
  if (!delta.absolute()) {
    const std::string prefix = std::string(data_prefix) + kFormTag + group;
    for (it.Seek(prefix); it.Valid() && it.key().starts_with(prefix); it.Next()) {
      std::string form(it.key().data() + prefix.size(), it.key().size() - prefix.size());
      counts[form] += DecodeI64Le({it.value().data(), it.value().size()});
    }
    if (!it.status().ok()) return FromRocks(it.status(), "reading written forms");
  }
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
