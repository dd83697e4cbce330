#include "projection/batch_writer.h"

#include <algorithm>
#include <vector>

#include "log/add_operator.h"
#include "model/sv.h"

namespace annals::internal {

// Lookups take the key as a string_view (absl's string hash is
// transparent), so a key already in the batch costs no allocation: popular
// groups' counter and display keys are written by many events of a batch.
void BatchWriter::Put(std::string_view key, std::string_view value) {
  if (!adds_.empty()) {
    if (auto a = adds_.find(AV(key)); a != adds_.end()) adds_.erase(a);  // replaced
  }
  if (auto it = puts_.find(AV(key)); it != puts_.end()) {
    it->second.emplace(value);
    return;
  }
  puts_.emplace(std::string(key), std::string(value));
}

void BatchWriter::Delete(std::string_view key) {
  if (auto a = adds_.find(AV(key)); a != adds_.end()) adds_.erase(a);
  if (auto it = puts_.find(AV(key)); it != puts_.end()) {
    it->second.reset();
    return;
  }
  puts_.emplace(std::string(key), std::nullopt);
}

void BatchWriter::Add(std::string_view key, int64_t delta) {
  if (auto it = adds_.find(AV(key)); it != adds_.end()) {
    it->second += delta;
    return;
  }
  adds_.emplace(std::string(key), delta);
}

absl::StatusOr<std::optional<std::string>> BatchWriter::Get(std::string_view key) {
  std::optional<std::string> base;
  if (auto it = puts_.find(AV(key)); it != puts_.end()) {
    base = it->second;
  } else {
    auto stored = storage_.GetData(prefix_ + std::string(key));
    if (!stored.ok()) return stored.status();
    base = *std::move(stored);
  }
  if (auto it = adds_.find(AV(key)); it != adds_.end())
    base = EncodeI64Le((base ? DecodeI64Le(*base) : 0) + it->second);
  return base;
}

absl::StatusOr<Event> BatchWriter::GetEvent(uint64_t seq) { return log_.Get(seq); }

size_t BatchWriter::size() const {
  size_t n = puts_.size();
  for (const auto& [k, d] : adds_)
    if (!puts_.contains(k)) ++n;
  return n;
}

void BatchWriter::WriteTo(ProjectionBatch* batch) const {
  // Sorting by a key's first 8 bytes (big-endian) first keeps most
  // comparisons off the strings themselves, which are scattered in memory.
  struct Ref {
    uint64_t head;
    const std::string* key;
  };
  auto ref = [](const std::string& k) {
    uint64_t h = 0;
    for (size_t i = 0; i < 8; ++i)
      h = (h << 8) | (i < k.size() ? static_cast<uint8_t>(k[i]) : 0);
    return Ref{h, &k};
  };
  std::vector<Ref> keys;
  keys.reserve(puts_.size() + adds_.size());
  for (const auto& [k, v] : puts_) keys.push_back(ref(k));
  for (const auto& [k, d] : adds_)
    if (!puts_.contains(k)) keys.push_back(ref(k));
  std::sort(keys.begin(), keys.end(), [](const Ref& a, const Ref& b) {
    return a.head != b.head ? a.head < b.head : *a.key < *b.key;
  });
  std::string full;
  for (const Ref& r : keys) {
    full.assign(prefix_);
    full.append(*r.key);
    if (auto it = puts_.find(*r.key); it != puts_.end()) {
      if (it->second) batch->Put(full, *it->second);
      else batch->Delete(full);
    }
    if (auto it = adds_.find(*r.key); it != adds_.end() && it->second != 0)
      batch->Merge(full, EncodeI64Le(it->second));
  }
}

}  // namespace annals::internal
