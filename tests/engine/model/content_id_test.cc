// Content ids: stable across versions (stored ids depend on them), equal for
// equal canonical fields under Unicode normalisation, different otherwise.
#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/statement.h"
#include "engine/test_util.h"

namespace annals {
namespace {

using ::testing::MatchesRegex;
using test::FullStatement;
using test::T;

Statement Pinned() {
  Statement s;
  s.speaker = "Sergei Lavrov";
  s.targets = {"United States", "NATO"};
  s.verb = "warned";
  s.code = "0211";
  s.content = "Warned against deploying missiles in Europe.";
  s.quote = "Это красная линия";
  s.occurred_at = T("2025-03-31T14:05:00Z");
  s.source.url = "https://tass.ru/politika/1";
  return s;
}

// Computed once from the frozen canonical layout. If this changes, every
// existing store's content ids change and re-imports stop being idempotent.
TEST(ContentIdTest, PinnedValueNeverChanges) {
  EXPECT_EQ(ContentId(Pinned()), "h:9ef24f70d654958005fbed87cf571201");
}

TEST(ContentIdTest, FormatIsHPrefixAnd32LowercaseHex) {
  EXPECT_THAT(ContentId(Pinned()), MatchesRegex("h:[0-9a-f]{32}"));
  EXPECT_THAT(ContentId(Statement{}), MatchesRegex("h:[0-9a-f]{32}"));
  EXPECT_EQ(ContentId(Pinned()), ContentId(Pinned()));
}

TEST(ContentIdTest, EffectiveIdPrefersTheCallerId) {
  Statement s = Pinned();
  EXPECT_EQ(EffectiveId(s), ContentId(s));
  s.id = "tass:1";
  EXPECT_EQ(EffectiveId(s), "tass:1");
  // The caller id is not itself part of the content.
  EXPECT_EQ(ContentId(s), ContentId(Pinned()));
}

TEST(ContentIdTest, NfcAndNfdSpellingsGetTheSameId) {
  Statement nfc = Pinned();
  nfc.speaker = "Jos\xC3\xA9 Manuel Albares";  // é as U+00E9
  nfc.content = "Caf\xC3\xA9 diplomacy";
  Statement nfd = Pinned();
  nfd.speaker = "Jose\xCC\x81 Manuel Albares";  // e + U+0301
  nfd.content = "Cafe\xCC\x81 diplomacy";
  EXPECT_NE(nfc.speaker, nfd.speaker);
  EXPECT_EQ(ContentId(nfc), ContentId(nfd));

  Statement plain = Pinned();
  plain.speaker = "Jose Manuel Albares";
  plain.content = "Cafe diplomacy";
  EXPECT_NE(ContentId(plain), ContentId(nfc));
}

TEST(ContentIdTest, EveryCanonicalFieldChangesTheId) {
  const std::string base = ContentId(Pinned());
  std::vector<std::pair<const char*, std::function<void(Statement&)>>> edits = {
      {"speaker", [](Statement& s) { s.speaker += "."; }},
      {"targets item", [](Statement& s) { s.targets[1] = "EU"; }},
      {"targets order", [](Statement& s) { std::swap(s.targets[0], s.targets[1]); }},
      {"targets extra", [](Statement& s) { s.targets.push_back("EU"); }},
      {"verb", [](Statement& s) { s.verb = "threatened"; }},
      {"code", [](Statement& s) { s.code = "211"; }},  // leading zero matters
      {"content", [](Statement& s) { s.content += " "; }},
      {"quote", [](Statement& s) { s.quote.clear(); }},
      {"occurred_at micros", [](Statement& s) { s.occurred_at.micros += 1; }},
      {"occurred_at precision",
       [](Statement& s) { s.occurred_at = T("2025-03-31"); }},
      {"source.url", [](Statement& s) { s.source.url += "?amp"; }},
  };
  for (auto& [name, edit] : edits) {
    Statement s = Pinned();
    edit(s);
    EXPECT_NE(ContentId(s), base) << name;
  }
  // Same day at day vs second precision are different statements.
  Statement day = Pinned();
  day.occurred_at = T("2025-03-31");
  Statement midnight = Pinned();
  midnight.occurred_at = T("2025-03-31T00:00:00Z");
  EXPECT_NE(ContentId(day), ContentId(midnight));
}

TEST(ContentIdTest, FieldBoundariesCannotCollide) {
  Statement a = Pinned();
  a.targets = {"ab", "c"};
  Statement b = Pinned();
  b.targets = {"a", "bc"};
  EXPECT_NE(ContentId(a), ContentId(b));

  Statement speaker_only = Pinned();
  speaker_only.speaker = "X";
  speaker_only.targets.clear();
  Statement target_only = Pinned();
  target_only.speaker.clear();
  target_only.targets = {"X"};
  EXPECT_NE(ContentId(speaker_only), ContentId(target_only));

  Statement content = Pinned();
  content.content = "same words";
  content.quote.clear();
  Statement quote = Pinned();
  quote.content.clear();
  quote.quote = "same words";
  EXPECT_NE(ContentId(content), ContentId(quote));
}

TEST(ContentIdTest, NonCanonicalFieldsDoNotChangeTheId) {
  // Re-importing a statement with richer metadata must stay idempotent.
  const std::string base = ContentId(Pinned());
  Statement s = Pinned();
  s.event_type = "ACCUSE";
  s.topics = {"missiles"};
  s.source.outlet = "TASS";
  s.source.via = "Reuters";
  s.source.published_at = T("2025-04-01");
  s.attributes = {{"GoldsteinScale", "-4"}};
  EXPECT_EQ(ContentId(s), base);
}

// Text may contain U+0000 (JSON "\u0000"); what follows it is still content.
TEST(ContentIdTest, TextAfterNulStillCounts) {
  Statement ascii_a = Pinned();
  ascii_a.content = std::string("report\0A", 8);
  Statement ascii_b = Pinned();
  ascii_b.content = std::string("report\0B", 8);
  EXPECT_NE(ContentId(ascii_a), ContentId(ascii_b));

  Statement a = Pinned();
  a.content = std::string("caf\xC3\xA9\0A", 7);
  Statement b = Pinned();
  b.content = std::string("caf\xC3\xA9\0B", 7);
  ASSERT_TRUE(Validate(a).ok());
  ASSERT_TRUE(Validate(b).ok());
  EXPECT_NE(ContentId(a), ContentId(b));
}

}  // namespace
}  // namespace annals
