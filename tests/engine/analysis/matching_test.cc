// Name folding, search and "did you mean" suggestions (annals/matching.h),
// and a brute-force check of SearchNames over random names.
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/matching.h"

namespace annals {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<GroupCount> Names(std::vector<std::pair<std::string, uint64_t>> v) {
  std::vector<GroupCount> out;
  for (auto& [n, c] : v) out.push_back(GroupCount{{n}, c});
  return out;
}

TEST(FoldNameTest, AccentsCasePunctuationAndSpacing) {
  EXPECT_EQ(FoldName("Recep Tayyip Erdoğan"), "recep tayyip erdogan");
  EXPECT_EQ(FoldName("ERDOĞAN"), "erdogan");
  EXPECT_EQ(FoldName("Bashar al-Assad"), "bashar al assad");
  EXPECT_EQ(FoldName("  U.S.A. "), "u s a");
  EXPECT_EQ(FoldName("Zelens'kyi,\tVolodymyr"), "zelens kyi volodymyr");
  EXPECT_EQ(FoldName("Straße"), "strasse");
  EXPECT_EQ(FoldName("ﬁnance"), "finance");  // compatibility ligature
  EXPECT_EQ(FoldName("Ελλάδα"), "ελλαδα");
  EXPECT_EQ(FoldName("...!"), "");
}

TEST(SuggestNamesTest, FoldedThenWordsThenEditDistanceThenCount) {
  const auto names = Names({{"Recep Tayyip Erdoğan", 3},
                            {"Donald Trump", 9},
                            {"Donald Tusk", 2},
                            {"ERDOGAN", 1},
                            {"Erdogan Bayraktar", 5},
                            {"Vladimir Putin", 7},
                            {"Russia", 4}});
  EXPECT_THAT(SuggestNames(names, "Erdogan"),
              ElementsAre("ERDOGAN", "Erdogan Bayraktar", "Recep Tayyip Erdoğan"));
  EXPECT_THAT(SuggestNames(names, "Donald Trmp"), ElementsAre("Donald Trump", "Donald Tusk"));
  EXPECT_THAT(SuggestNames(names, "donald"), ElementsAre("Donald Trump", "Donald Tusk"));
  EXPECT_THAT(SuggestNames(names, "Rusia"), ElementsAre("Russia"));
  EXPECT_THAT(SuggestNames(names, "Nobody Known"), IsEmpty());
  EXPECT_THAT(SuggestNames(names, "Erdogan", 1), ElementsAre("ERDOGAN"));
  EXPECT_THAT(SuggestNames(names, "--"), IsEmpty());
  std::vector<std::pair<std::string, uint64_t>> many;
  for (int i = 0; i < 9; ++i) many.push_back({"Ada " + std::to_string(i), static_cast<uint64_t>(i)});
  EXPECT_THAT(SuggestNames(Names(many), "ada"),
              ElementsAre("Ada 8", "Ada 7", "Ada 6", "Ada 5", "Ada 4"));  // at most 5
}

TEST(SearchNamesTest, SubstringAsWrittenOrFolded) {
  const auto names = Names({{"UNITED STATES", 4}, {"United Nations", 3}, {"Erdoğan", 2},
                            {"al-Assad", 1}});
  auto keys = [](const std::vector<GroupCount>& g) {
    std::vector<std::string> out;
    for (const auto& x : g) out.push_back(x.key[0]);
    return out;
  };
  EXPECT_THAT(keys(SearchNames(names, "united")), ElementsAre("UNITED STATES", "United Nations"));
  EXPECT_THAT(keys(SearchNames(names, "ERDOGAN")), ElementsAre("Erdoğan"));
  EXPECT_THAT(keys(SearchNames(names, "al assad")), ElementsAre("al-Assad"));
  EXPECT_THAT(keys(SearchNames(names, "l-a")), ElementsAre("al-Assad"));  // as written
  EXPECT_THAT(keys(SearchNames(names, "")), IsEmpty());
}

// Random names from a small alphabet with accents and punctuation: a name
// is found exactly when the brute-force folds (a table of the letters used)
// hold the text.
TEST(SearchNamesTest, RandomNamesMatchABruteForceFold) {
  const std::vector<std::pair<std::string, std::string>> letters = {
      {"a", "a"}, {"A", "a"}, {"á", "a"}, {"Ä", "a"}, {"e", "e"}, {"É", "e"}, {"ğ", "g"},
      {"G", "g"}, {"-", " "}, {" ", " "}, {".", " "}, {"n", "n"}, {"Ñ", "n"}};
  std::mt19937_64 rng(21);
  auto pick = [&]() { return letters[rng() % letters.size()]; };
  auto collapse = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out.push_back(c);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  std::vector<std::pair<std::string, uint64_t>> raw;
  std::vector<std::string> folded;
  for (int i = 0; i < 300; ++i) {
    std::string name, fold;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 8); ++k) {
      auto [w, f] = pick();
      name += w;
      fold += f;
    }
    raw.push_back({name, 1});
    folded.push_back(collapse(fold));
  }
  const auto names = Names(raw);
  for (const char* text : {"ag", "a g", "ena", "gn", "e", "aa"}) {
    std::vector<std::string> want;
    for (size_t i = 0; i < raw.size(); ++i)
      if (folded[i].find(text) != std::string::npos) want.push_back(raw[i].first);
    std::vector<std::string> got;
    for (const auto& g : SearchNames(names, text))
      if (FoldName(g.key[0]).find(text) != std::string::npos) got.push_back(g.key[0]);
    EXPECT_EQ(got, want) << text;
    EXPECT_EQ(FoldName(text), text);
  }
  for (size_t i = 0; i < raw.size(); ++i) EXPECT_EQ(FoldName(raw[i].first), folded[i]) << raw[i].first;
}

}  // namespace
}  // namespace annals
