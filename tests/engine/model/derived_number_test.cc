// Numbers in declarative keys and filters (model/derived.h): FormatNumber is
// the shortest text that reads back as the same double, so distinct
// Goldstein scores or attribute values never share a key.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "model/derived.h"

namespace annals::internal {
namespace {

TEST(FormatNumberTest, WritesTheShortestFormThatReadsBack) {
  EXPECT_EQ(FormatNumber(-10), "-10");
  EXPECT_EQ(FormatNumber(2.8), "2.8");
  EXPECT_EQ(FormatNumber(-0.0), "0");
  EXPECT_EQ(FormatNumber(1234567), "1234567");
  EXPECT_NE(FormatNumber(3.14159265), FormatNumber(3.1415927));
}

TEST(FormatNumberTest, EveryNumberReadsBackAsItself) {
  std::mt19937_64 rng(21);
  std::uniform_real_distribution<double> scores(-10, 10);
  std::uniform_int_distribution<int> counts(0, 100000000);
  for (int i = 0; i < 20000; ++i) {
    for (double v : {scores(rng), static_cast<double>(counts(rng)), scores(rng) * 1e-9}) {
      const std::string text = FormatNumber(v);
      std::optional<double> back = ParseNumber(text);
      ASSERT_TRUE(back.has_value()) << text;
      EXPECT_EQ(*back, v == 0 ? 0.0 : v) << text;
    }
  }
}

}  // namespace
}  // namespace annals::internal
