#include "projection/bulk_writer.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "log/add_operator.h"
#include "model/sv.h"
#include "projection/key_sort.h"

namespace annals::internal {

constexpr size_t kRecentSlots = 1 << 16;

void BulkWriter::Append(Kind kind, std::string_view key, std::string_view value) {
  if (!adds_.empty()) {
    if (auto a = adds_.find(AV(key)); a != adds_.end()) adds_.erase(a);  // replaced
  }
  if (recent_.empty()) recent_.assign(kRecentSlots, 0);
  uint32_t& slot = recent_[absl::HashOf(AV(key)) & (kRecentSlots - 1)];
  if (slot != 0 && !indexed_) {
    Op& op = ops_[slot - 1];
    if (op.kind == Kind::kPut && kind == Kind::kPut && KeyOf(op) == key) {
      if (ValueOf(op) != value) {
        op.val_off = arena_.size();
        op.val_len = static_cast<uint32_t>(value.size());
        arena_.append(value);
      }
      return;
    }
  }
  Op op;
  op.key_off = arena_.size();
  op.key_len = static_cast<uint32_t>(key.size());
  arena_.append(key);
  op.val_off = arena_.size();
  op.val_len = static_cast<uint32_t>(value.size());
  arena_.append(value);
  op.kind = kind;
  ops_.push_back(op);
  slot = static_cast<uint32_t>(ops_.size());
  if (indexed_) Index(static_cast<uint32_t>(ops_.size() - 1));
}

void BulkWriter::Index(uint32_t i) {
  auto [it, inserted] = last_.try_emplace(AV(KeyOf(ops_[i])), i + 1);
  if (!inserted) {
    ops_[i].prev = it->second;
    it->second = i + 1;
  }
}

void BulkWriter::Put(std::string_view key, std::string_view value) {
  Append(Kind::kPut, key, value);
}
void BulkWriter::Delete(std::string_view key) { Append(Kind::kDelete, key, {}); }
void BulkWriter::Add(std::string_view key, int64_t delta) {
  if (auto it = adds_.find(AV(key)); it != adds_.end()) {
    it->second += delta;
    return;
  }
  adds_.emplace(std::string(key), delta);
}

absl::StatusOr<std::optional<std::string>> BulkWriter::Get(std::string_view key) {
  if (!indexed_) {
    indexed_ = true;
    last_.reserve(ops_.size());
    for (uint32_t i = 0; i < ops_.size(); ++i) Index(i);
  }
  int64_t delta = 0;
  bool any_add = false;
  if (auto a = adds_.find(AV(key)); a != adds_.end()) {
    delta = a->second;
    any_add = true;
  }
  std::optional<std::string> base;
  uint32_t at = 0;
  if (auto it = last_.find(AV(key)); it != last_.end()) at = it->second;
  if (at != 0) {
    const Op& op = ops_[at - 1];  // the key's latest op
    if (op.kind == Kind::kPut) base = std::string(ValueOf(op));
  } else {
    auto stored = storage_.GetData(prefix_ + std::string(key));
    if (!stored.ok()) return stored.status();
    base = *std::move(stored);
  }
  if (any_add) base = EncodeI64Le((base ? DecodeI64Le(*base) : 0) + delta);
  return base;
}

absl::StatusOr<Event> BulkWriter::GetEvent(uint64_t seq) { return log_.Get(seq); }

void BulkWriter::Clear() {
  arena_.clear();
  ops_.clear();
  adds_.clear();
  if (!recent_.empty()) std::fill(recent_.begin(), recent_.end(), 0);
  indexed_ = false;
  last_.clear();
}

absl::StatusOr<size_t> BulkWriter::WriteTo(ProjectionFile& file) {
  // Key order, and within a key the order written.
  const std::vector<uint32_t> order = SortedOrder(
      static_cast<uint32_t>(ops_.size()), [this](uint32_t i) { return KeyOf(ops_[i]); });
  // Counter keys, sorted, merged in below.
  std::vector<const std::pair<const std::string, int64_t>*> adds;
  adds.reserve(adds_.size());
  for (const auto& kv : adds_) adds.push_back(&kv);
  std::sort(adds.begin(), adds.end(), [](const auto* a, const auto* b) { return a->first < b->first; });

  absl::Status s;
  size_t records = 0;
  std::string full;
  size_t i = 0, j = 0;
  while ((i < order.size() || j < adds.size()) && s.ok()) {
    std::string_view key;
    const Op* base = nullptr;
    if (i < order.size()) key = KeyOf(ops_[order[i]]);
    if (j < adds.size() && (i == order.size() || std::string_view(adds[j]->first) <= key))
      key = adds[j]->first;
    // The key's last Put or Delete, if any.
    for (; i < order.size() && KeyOf(ops_[order[i]]) == key; ++i) base = &ops_[order[i]];
    int64_t delta = 0;
    if (j < adds.size() && std::string_view(adds[j]->first) == key) delta = adds[j++]->second;
    full.assign(prefix_);
    full.append(key);
    if (base == nullptr) {
      if (delta == 0) continue;  // Adds that cancel out
      s = file.Merge(full, EncodeI64Le(delta));
    } else if (delta == 0) {  // as a WriteBatch skips a zero Merge
      s = base->kind == Kind::kPut ? file.Put(full, ValueOf(*base)) : file.Delete(full);
    } else {
      int64_t v = base->kind == Kind::kPut ? DecodeI64Le(ValueOf(*base)) : 0;
      s = file.Put(full, EncodeI64Le(v + delta));
    }
    ++records;
  }
  if (!s.ok()) return s;
  return records;
}

}  // namespace annals::internal
