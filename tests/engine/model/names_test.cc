// Name normalisation (model/names.h): the matching rule of every timeline
// and declarative key. ASCII names take a one-pass fast path; it must agree
// with the Unicode path it shortcuts.
#include "model/names.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace annals::internal {
namespace {

TEST(NormalizeNameTest, FoldsCaseAndCollapsesWhitespace) {
  EXPECT_EQ(NormalizeName("Volodymyr  Zelensky"), "volodymyr zelensky");
  EXPECT_EQ(NormalizeName("  Donald\tJ.\n Trump \r"), "donald j. trump");
  EXPECT_EQ(NormalizeName(""), "");
  EXPECT_EQ(NormalizeName(" \t\n "), "");
  EXPECT_EQ(NormalizeName("NATO"), "nato");
  EXPECT_EQ(NormalizeName("ÉMILE\u00a0 Zola"), "émile zola");   // NBSP is a space
  EXPECT_EQ(NormalizeName("Cafe\u0301"), NormalizeName("Café"));  // composed
  EXPECT_EQ(NormalizeName("KREML  Москва"), "kreml москва");
}

// ASCII names through the fast path equal the same names forced through
// the Unicode path (a trailing non-ASCII letter makes the name non-ASCII).
TEST(NormalizeNameTest, AsciiFastPathAgreesWithUnicodePath) {
  std::mt19937 rng(7);
  const std::string alphabet = "aZ09 .-\t\n\r\v\fQx'";
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    const size_t n = rng() % 12;
    for (size_t k = 0; k < n; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    const std::string fast = NormalizeName(s);
    const std::string slow = NormalizeName(s + "\u00e9");  // é
    const bool trailing_space =
        !s.empty() && !fast.empty() && std::string(" \t\n\r\v\f").find(s.back()) != std::string::npos;
    EXPECT_EQ(slow, fast + (trailing_space ? " " : "") + "\u00e9") << "input '" << s << "'";
  }
}

}  // namespace
}  // namespace annals::internal
