// Sorting a batch's keys before they are written to an SST file.
//
// A projection batch holds ~10^5-10^6 keys that share long prefixes (the
// entry tag and the group name, ~20 bytes, before the occurred-at that
// tells them apart): a comparison sort on whole keys spent most of its time
// in memcmp re-reading those shared bytes. This is an MSD radix sort whose
// digits are 8 key bytes: each pass sorts a run of keys by one 64-bit
// integer, and only runs that tie go on to the next 8 bytes.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_KEY_SORT_H_
#define ANNALS_ENGINE_SRC_PROJECTION_KEY_SORT_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

namespace annals::internal {

namespace key_sort_internal {

struct Item {
  uint64_t digit;
  uint32_t index;
};

// Bytes [depth, depth + 8) of `k`, big-endian, zero past its end.
inline uint64_t DigitAt(std::string_view k, size_t depth) {
  uint64_t d = 0;
  if (std::endian::native == std::endian::little && k.size() >= depth + 8) {
    std::memcpy(&d, k.data() + depth, 8);
    return __builtin_bswap64(d);
  }
  for (size_t i = depth; i < depth + 8; ++i)
    d = (d << 8) | (i < k.size() ? static_cast<uint8_t>(k[i]) : 0);
  return d;
}

// Past this depth, or for runs this short, whole keys are compared: it
// bounds the recursion (keys from custom projections have no length
// limit) and spares small runs the partition buffers.
inline constexpr size_t kMaxRadixDepth = 256;
inline constexpr ptrdiff_t kMinRadixRun = 16;

template <typename KeyOf>
void SortRun(Item* begin, Item* end, size_t depth, const KeyOf& key_of) {
  if (depth >= kMaxRadixDepth || end - begin < kMinRadixRun) {
    std::sort(begin, end, [&](const Item& a, const Item& b) {
      const int c = key_of(a.index).compare(key_of(b.index));
      return c != 0 ? c < 0 : a.index < b.index;
    });
    return;
  }
  for (Item* p = begin; p != end; ++p) p->digit = DigitAt(key_of(p->index), depth);
  std::sort(begin, end, [](const Item& a, const Item& b) {
    return a.digit != b.digit ? a.digit < b.digit : a.index < b.index;
  });
  for (Item* run = begin; run != end;) {
    Item* run_end = run + 1;
    while (run_end != end && run_end->digit == run->digit) ++run_end;
    if (run_end - run > 1) {
      // Keys that end within these 8 bytes are prefixes of the others
      // (they agree on every byte they have, padding aside): shorter
      // first; equal keys keep their order (index).
      Item* longer = std::stable_partition(run, run_end, [&](const Item& x) {
        return key_of(x.index).size() <= depth + 8;
      });
      std::stable_sort(run, longer, [&](const Item& a, const Item& b) {
        return key_of(a.index).size() < key_of(b.index).size();
      });
      if (run_end - longer > 1) SortRun(longer, run_end, depth + 8, key_of);
    }
    run = run_end;
  }
}

}  // namespace key_sort_internal

// The indexes 0..n-1 ordered by key_of(index) bytewise, equal keys in
// index order. key_of: uint32_t -> std::string_view, valid throughout.
template <typename KeyOf>
std::vector<uint32_t> SortedOrder(uint32_t n, const KeyOf& key_of) {
  using key_sort_internal::Item;
  std::vector<Item> items(n);
  for (uint32_t i = 0; i < n; ++i) items[i].index = i;
  if (n > 1) key_sort_internal::SortRun(items.data(), items.data() + n, 0, key_of);
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = items[i].index;
  return order;
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_KEY_SORT_H_
