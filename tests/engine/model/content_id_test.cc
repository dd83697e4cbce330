// Content ids: stable across versions (stored ids depend on them), equal for
// equal canonical fields under Unicode normalisation, different otherwise.
#include <cstdlib>
#include <functional>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/statement.h"
#include "engine/test_util.h"
#include "utf8proc.h"
#include "xxhash.h"

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
  // Validate refuses NUL since issue 16.15, but statements stored before
  // may hold one: their ids stay what they were, and distinct.
  EXPECT_FALSE(Validate(a).ok());
  EXPECT_NE(ContentId(a), ContentId(b));
}

// The id as the frozen layout defines it, normalising each field whole.
// ContentId normalises only the non-ASCII runs; the bytes must not differ.
std::string ReferenceContentId(const Statement& s) {
  std::string buf;
  auto text = [&](char tag, const std::string& t) {
    utf8proc_uint8_t* out = nullptr;
    utf8proc_ssize_t n = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(t.data()),
        static_cast<utf8proc_ssize_t>(t.size()), &out,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    std::string v = n >= 0 ? std::string(reinterpret_cast<char*>(out), n) : t;
    std::free(out);
    buf.push_back(tag);
    for (int i = 0; i < 4; ++i) buf.push_back(static_cast<char>(v.size() >> (8 * i)));
    buf += v;
  };
  auto integer = [&](char tag, int64_t x) {
    buf.push_back(tag);
    for (int i = 0; i < 8; ++i) buf.push_back(static_cast<char>(x >> (8 * i)));
  };
  text('s', s.speaker);
  integer('T', static_cast<int64_t>(s.targets.size()));
  for (const auto& t : s.targets) text('t', t);
  text('v', s.verb);
  text('k', s.code);
  text('c', s.content);
  text('q', s.quote);
  integer('o', s.occurred_at.micros);
  integer('p', static_cast<int64_t>(s.occurred_at.precision));
  text('u', s.source.url);
  XXH128_hash_t h = XXH3_128bits(buf.data(), buf.size());
  char hex[40];
  std::snprintf(hex, sizeof hex, "h:%016llx%016llx",
                static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return hex;
}

// Random text from pieces chosen to interact under NFC: ASCII letters that
// combining marks compose with, marks in and out of canonical order,
// precomposed and singleton-decomposing characters, Hangul jamo that
// compose into syllables, non-Latin letters.
std::string RandomText(std::mt19937& rng) {
  static const char* const kPieces[] = {
      "a", "e", "o", "A", " ", ".", "x", "\xCC\x81" /* U+0301 */,
      "\xCC\x88" /* U+0308 */, "\xCC\xA3" /* U+0323 */, "\xCD\x85" /* U+0345 */,
      "\xC3\xA9" /* é */, "\xE1\xBA\xA1" /* ạ */, "\xE2\x84\xAB" /* U+212B */,
      "\xE2\x84\xA6" /* U+2126 */, "\xE1\x84\x80" /* U+1100 */,
      "\xE1\x85\xA1" /* U+1161 */, "\xE1\x86\xA8" /* U+11A8 */,
      "\xEA\xB0\x80" /* U+AC00 */, "\xD0\x98" /* И */, "\xCC\x86" /* U+0306 */,
      "\xE4\xB8\xAD" /* 中 */, "\xEF\xA4\x80" /* U+F900 */, "\xCD\x81" /* U+0341 */,
      "\xC5\x9F" /* ş */, "\xD1\x91" /* ё */, "\xD0\x95" /* Е */,
      "\xE2\x80\x99" /* ’ */, "\xD8\xA7" /* ا */, "\xD9\x93" /* U+0653 */,
      "\xE1\x86\xA7" /* U+11A7 */};
  std::uniform_int_distribution<size_t> piece(0, std::size(kPieces) - 1);
  std::uniform_int_distribution<int> len(0, 12);
  std::string s;
  for (int n = len(rng); n > 0; --n) s += kPieces[piece(rng)];
  return s;
}

TEST(ContentIdTest, RunWiseNormalisationEqualsWholeTextNormalisation) {
  EXPECT_EQ(ReferenceContentId(Pinned()), ContentId(Pinned()));
  std::mt19937 rng(20261127);
  for (int i = 0; i < 5000; ++i) {
    Statement s;
    s.speaker = RandomText(rng);
    s.targets = {RandomText(rng), RandomText(rng)};
    s.verb = RandomText(rng);
    s.content = RandomText(rng);
    s.quote = RandomText(rng);
    s.source.url = RandomText(rng);
    ASSERT_EQ(ContentId(s), ReferenceContentId(s))
        << "speaker=" << s.speaker << " content=" << s.content;
  }
}

}  // namespace
}  // namespace annals
