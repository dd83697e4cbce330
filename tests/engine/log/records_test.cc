// The records beside the log (log/records.h): each one's bytes are those
// of the documented layout (log/keys.h), so stores written before stay
// readable, and each decoder reads back what its encoder wrote and refuses
// damaged bytes.
#include <string>

#include <gtest/gtest.h>

#include "log/records.h"
#include "projection/entry_keys.h"

namespace annals::internal {
namespace {

using namespace std::string_literals;

TEST(RecordsTest, KeysHaveTheDocumentedBytes) {
  EXPECT_EQ(CorrectionKey(5), "c/\0\0\0\0\0\0\0\5"s);
  EXPECT_EQ(RetractionKey(5), "r/\0\0\0\0\0\0\0\5"s);
  EXPECT_EQ(AliasKey(0x102), "a/\0\0\0\0\0\0\1\2"s);
  EXPECT_EQ(ActiveKey("actors"), "p/actors");
  EXPECT_EQ(GenerationKey("actors", 2), "g/actors/\0\0\0\2"s);
  EXPECT_EQ(DefinitionKey("by_month"), "d/by_month");
  EXPECT_EQ(ProjectionPrefix("topics", 3), "topics\0\0\0\0\3"s);
  EXPECT_EQ(StateKey(7), "s\0\0\0\0\0\0\0\7"s);
  EXPECT_EQ(MentionKey("gdelt:1", 0x102), "m/gdelt:1\0\0\0\0\0\0\0\1\2"s);
  EXPECT_EQ(MentionKeyPrefix("gdelt:1"), "m/gdelt:1\0"s);
}

TEST(RecordsTest, MentionKeysReadBackAndRefuseDamage) {
  const std::string key = MentionKey("gdelt:12", 77);
  auto parts = DecodeMentionKey(key);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->event_id, "gdelt:12");
  EXPECT_EQ(parts->seq, 77u);
  // One id is never a prefix of another's keys.
  EXPECT_FALSE(key.starts_with(MentionKeyPrefix("gdelt:1")));
  EXPECT_FALSE(DecodeMentionKey(key.substr(0, key.size() - 1)).has_value());
  EXPECT_FALSE(DecodeMentionKey("m/\0\0\0\0\0\0\0\0\1"s).has_value());  // no id
  EXPECT_FALSE(DecodeMentionKey("x/gdelt:12\0\0\0\0\0\0\0\0\1"s).has_value());
}

TEST(RecordsTest, ValuesHaveTheDocumentedBytes) {
  EXPECT_EQ(EncodeAmendRecord(9), "\0\0\0\0\0\0\0\x09"s);
  EXPECT_EQ(EncodeAliasRecord("Zelensky", "Volodymyr Zelensky"),
            "\0\0\0\x08ZelenskyVolodymyr Zelensky"s);
  EXPECT_EQ(EncodeActiveRecord(4), "\0\0\0\4"s);
  EXPECT_EQ(EncodeGeneration(1, 258), "\0\0\0\1\0\0\0\0\0\0\1\2"s);
  ProjectionDefinition def{"x", {"speaker", "month"}, {{"code", "1\"1"}}};
  EXPECT_EQ(EncodeDefinition(def),
            R"({"key":["speaker","month"],"where":[["code","1\"1"]]})");
}

TEST(RecordsTest, DecodersReadWhatEncodersWrote) {
  EXPECT_EQ(DecodeAmendKey(CorrectionKey(77), kMetaCorrected), 77u);
  EXPECT_EQ(DecodeAmendKey(RetractionKey(77), kMetaCorrected), std::nullopt);
  EXPECT_EQ(DecodeAmendRecord(EncodeAmendRecord(123456789)), 123456789u);
  EXPECT_EQ(DecodeAliasKey(AliasKey(42)), 42u);
  const std::string alias_record = EncodeAliasRecord("a\0b"s, "c");  // the views point into it
  auto alias = DecodeAliasRecord(alias_record);
  ASSERT_TRUE(alias.has_value());
  EXPECT_EQ(alias->alias, "a\0b"s);
  EXPECT_EQ(alias->canonical, "c");
  EXPECT_EQ(DecodeActiveRecord(EncodeActiveRecord(0xfffffffe)), 0xfffffffeu);
  EXPECT_EQ(DecodeGenerationKey(GenerationKey("a.b", 7), "a.b"), 7u);
  EXPECT_EQ(DecodeGenerationKey(GenerationKey("a.b", 7), "a"), std::nullopt);
  auto gen = DecodeGeneration(EncodeGeneration(3, 1ull << 40));
  ASSERT_TRUE(gen.has_value());
  EXPECT_EQ(gen->version, 3u);
  EXPECT_EQ(gen->checkpoint, 1ull << 40);
  EXPECT_EQ(DecodeDefinitionKey(DefinitionKey("p-1")), "p-1");
  ProjectionDefinition def{"p", {"code:2", "year"}, {{"outlet", "TASS"}, {"verb", ""}}};
  auto back = DecodeDefinition("p", EncodeDefinition(def));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->name, "p");
  EXPECT_EQ(back->key, def.key);
  EXPECT_EQ(back->where, def.where);
  const std::string key = EntryKey("\0\2ab"s, Timestamp{5, Precision::kDay}, 10, 11);
  auto entry = ParseEntryKey(key);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->group, "\0\2ab"s);
  EXPECT_EQ(entry->stmt, 10u);
  EXPECT_EQ(entry->from, 11u);
  EXPECT_EQ(ParseStateKey(StateKey(99)), 99u);
}

TEST(RecordsTest, DamagedValuesAreRefused) {
  EXPECT_EQ(DecodeAmendRecord("1234567"), std::nullopt);
  EXPECT_EQ(DecodeAliasRecord("\0\0\0"s), std::nullopt);
  EXPECT_EQ(DecodeAliasRecord("\0\0\0\x09short"s), std::nullopt);
  EXPECT_EQ(DecodeActiveRecord("12345"), std::nullopt);
  EXPECT_EQ(DecodeGeneration("12345678901"), std::nullopt);
  EXPECT_FALSE(DecodeDefinition("p", "[1]").ok());
  EXPECT_FALSE(DecodeDefinition("p", R"({"key":[1]})").ok());
  EXPECT_FALSE(DecodeDefinition("p", R"({"key":["a"],"where":[["a"]]})").ok());
  EXPECT_EQ(ParseEntryKey("e-too-short"), std::nullopt);
  EXPECT_EQ(ParseEntry(EntryKey("g", Timestamp{}, 1, 1), "short"), std::nullopt);
  EXPECT_EQ(ParseStateKey("s123"), std::nullopt);
}

}  // namespace
}  // namespace annals::internal
