// The batch key sort (projection/key_sort.h) orders keys exactly as a
// bytewise comparison does, and keeps equal keys in the order written:
// a rebuild or live batch folds a key's writes in that order.
#include "projection/key_sort.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace annals::internal {
namespace {

std::vector<uint32_t> Reference(const std::vector<std::string>& keys) {
  std::vector<uint32_t> order(keys.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  return order;
}

std::vector<uint32_t> Sorted(const std::vector<std::string>& keys) {
  return SortedOrder(static_cast<uint32_t>(keys.size()),
                     [&](uint32_t i) { return std::string_view(keys[i]); });
}

TEST(KeySort, PrefixesZeroBytesAndDuplicates) {
  // Keys that are prefixes of others, differ only past a zero byte (where
  // zero padding alone would tie them), repeat, or are empty.
  const std::vector<std::string> keys = {
      "abcdefgh", "abcdefg", std::string("abcdefg\0", 8), "abcdefgh", "",
      std::string("abcdefgh\0", 9), "abcdefghi", "b", "", "abcdefgh",
      std::string("ab\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0x", 18), "ab",
      std::string("ab\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 17)};
  EXPECT_EQ(Sorted(keys), Reference(keys));
}

TEST(KeySort, RandomKeysWithLongSharedPrefixes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> keys;
    const int n = 1 + static_cast<int>(rng() % 2000);
    for (int i = 0; i < n; ++i) {
      // A timeline entry's shape: tag, one of a few long group names, then
      // a few varying bytes from a tiny alphabet (so ties and prefixes are
      // common), sometimes cut short.
      std::string k = "e";
      k += std::string(rng() % 3 * 7, static_cast<char>('a' + rng() % 2));
      const int tail = static_cast<int>(rng() % 20);
      for (int j = 0; j < tail; ++j) k.push_back(static_cast<char>(rng() % 3));
      keys.push_back(std::move(k));
    }
    ASSERT_EQ(Sorted(keys), Reference(keys)) << "round " << round;
  }
}

TEST(KeySort, HighBytesCompareUnsigned) {
  // Group names are UTF-8 and occurred-at is sign-flipped: bytes >= 0x80
  // sort after every ASCII byte, also in a key's last partial digit. More
  // than a small run's worth, so the radix passes (not only the fallback
  // comparison) see them.
  std::vector<std::string> keys;
  for (int i = 0; i < 64; ++i) {
    std::string k = "e" + std::string(i % 9, 'x');
    k.push_back(static_cast<char>(i % 2 ? 0xFF : 0x7F));
    if (i % 3 == 0) k.push_back(static_cast<char>(0x80));
    if (i % 5 == 0) k += "\xc3\xa9";
    keys.push_back(std::move(k));
  }
  EXPECT_EQ(Sorted(keys), Reference(keys));
}

TEST(KeySort, LongRunsOfEqualKeysKeepWriteOrder) {
  // Tied runs far longer than a small-run sort's: equal keys must come out
  // in the order written (a batch folds a key's writes in that order).
  std::vector<std::string> keys;
  for (int i = 0; i < 80; ++i) keys.push_back(i % 2 ? "k" : std::string("k\0", 2));
  for (int i = 0; i < 40; ++i) keys.push_back(std::string(20, 'p'));
  EXPECT_EQ(Sorted(keys), Reference(keys));
}

TEST(KeySort, VeryLongSharedPrefixes) {
  // Keys sharing 100 KB: past the radix depth limit the sort compares
  // whole keys instead of recursing once per 8 bytes.
  const std::string shared(100000, 's');
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) keys.push_back(shared + std::to_string(i % 7));
  keys.push_back(shared);
  EXPECT_EQ(Sorted(keys), Reference(keys));
}

TEST(KeySort, EmptyAndSingle) {
  EXPECT_TRUE(Sorted({}).empty());
  EXPECT_EQ(Sorted({"x"}), std::vector<uint32_t>{0});
}

}  // namespace
}  // namespace annals::internal
