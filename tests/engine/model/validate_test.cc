// The rules every stored statement satisfies; errors name the field first.
#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/statement.h"
#include "engine/test_util.h"

namespace annals {
namespace {

using ::testing::StartsWith;
using test::FullStatement;
using test::Msg;
using test::SmallStatement;
using test::T;

void ExpectInvalid(const Statement& s, const std::string& prefix) {
  absl::Status st = Validate(s);
  ASSERT_FALSE(st.ok()) << "accepted; expected " << prefix;
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(st), StartsWith(prefix));
}

TEST(ValidateTest, AcceptsFullAndMinimalStatements) {
  EXPECT_TRUE(Validate(FullStatement()).ok()) << Validate(FullStatement());
  EXPECT_TRUE(Validate(SmallStatement(1)).ok());
  // Each "one of" rule is satisfied by either alternative.
  Statement s;
  s.targets = {"NATO"};  // no speaker
  s.code = "0211";       // no verb, no content, no quote
  s.occurred_at = T("2025");
  EXPECT_TRUE(Validate(s).ok()) << Validate(s);
  s = SmallStatement(1);
  s.targets.clear();  // speaker only
  s.content.clear();
  s.quote = "q";  // quote only
  EXPECT_TRUE(Validate(s).ok()) << Validate(s);
}

TEST(ValidateTest, NeedsSpeakerOrTarget) {
  Statement s = SmallStatement(1);
  s.speaker.clear();
  s.targets.clear();
  ExpectInvalid(s, "speaker: ");
}

TEST(ValidateTest, NeedsVerbOrCode) {
  Statement s = SmallStatement(1);
  s.verb.clear();
  s.code.clear();
  ExpectInvalid(s, "verb: ");
}

TEST(ValidateTest, NeedsOccurredAt) {
  Statement s = SmallStatement(1);
  s.occurred_at = Timestamp{};
  ExpectInvalid(s, "occurred_at: ");
}

TEST(ValidateTest, NeedsContentQuoteOrCode) {
  Statement s = SmallStatement(1);
  s.content.clear();
  s.quote.clear();
  s.code.clear();
  ExpectInvalid(s, "content: ");
}

TEST(ValidateTest, InvalidUtf8IsNamedByFieldAndByte) {
  Statement s = SmallStatement(1);
  s.speaker = "abc\xFF";
  absl::Status st = Validate(s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Msg(st), "speaker: not valid UTF-8 at byte 3");
}

struct FieldCase {
  const char* prefix;
  std::function<void(Statement&, const std::string&)> set;
};

std::vector<FieldCase> TextFields() {
  return {
      {"id: ", [](Statement& s, const std::string& v) { s.id = v; }},
      {"speaker: ", [](Statement& s, const std::string& v) { s.speaker = v; }},
      {"targets[1]: ", [](Statement& s, const std::string& v) { s.targets = {"ok", v}; }},
      {"verb: ", [](Statement& s, const std::string& v) { s.verb = v; }},
      {"event_type: ", [](Statement& s, const std::string& v) { s.event_type = v; }},
      {"topics[0]: ", [](Statement& s, const std::string& v) { s.topics = {v}; }},
      {"content: ", [](Statement& s, const std::string& v) { s.content = v; }},
      {"quote: ", [](Statement& s, const std::string& v) { s.quote = v; }},
      {"source.outlet: ", [](Statement& s, const std::string& v) { s.source.outlet = v; }},
      {"source.url: ", [](Statement& s, const std::string& v) { s.source.url = v; }},
      {"source.via: ", [](Statement& s, const std::string& v) { s.source.via = v; }},
      {"attributes.k: ", [](Statement& s, const std::string& v) { s.attributes = {{"k", v}}; }},
  };
}

TEST(ValidateTest, InvalidUtf8InAnyTextFieldIsRejected) {
  const std::string bad[] = {
      "\xFF",                 // never valid
      "ok \xC3",              // truncated sequence
      "\xC0\xAF",             // overlong '/'
      "\xED\xA0\x80",         // UTF-16 surrogate
      "\xF4\x90\x80\x80",     // past U+10FFFF
      "caf\xC3\xA9 \x80",     // stray continuation byte
  };
  for (const FieldCase& f : TextFields()) {
    for (const std::string& v : bad) {
      SCOPED_TRACE(std::string(f.prefix) + " with " + ::testing::PrintToString(v));
      Statement s = FullStatement();
      f.set(s, v);
      ExpectInvalid(s, f.prefix);
    }
  }
  Statement s = FullStatement();
  s.attributes = {{"k\xFF", "v"}};
  EXPECT_EQ(Validate(s).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, NulInAnyTextFieldIsRejected) {
  for (const FieldCase& f : TextFields()) {
    for (const std::string& v : {std::string("\0", 1), std::string("ab\0", 3)}) {
      SCOPED_TRACE(std::string(f.prefix) + " with " + ::testing::PrintToString(v));
      Statement s = FullStatement();
      f.set(s, v);
      ExpectInvalid(s, f.prefix);
      EXPECT_THAT(Msg(Validate(s)), ::testing::HasSubstr("NUL character (U+0000)"));
    }
  }
  Statement s = FullStatement();
  s.attributes = {{std::string("k\0", 2), "v"}};
  ExpectInvalid(s, "attributes.");
}

// The reported byte is exact wherever the bad byte falls relative to the
// long ASCII stretches the checker skips in bulk.
TEST(ValidateTest, InvalidUtf8ByteOffsetIsExactAfterAsciiRuns) {
  for (size_t prefix = 0; prefix < 40; ++prefix) {
    for (const char* tail : {"\xFF", "\xC3", "\xC3\xA9\x80", "\xE2\x82"}) {
      Statement s = FullStatement();
      s.content = std::string(prefix, 'a') + tail + std::string(prefix % 11, 'b');
      size_t bad = prefix + (std::string(tail) == "\xC3\xA9\x80" ? 2 : 0);
      EXPECT_EQ(Msg(Validate(s)),
                absl::StrCat("content: not valid UTF-8 at byte ", bad))
          << "prefix " << prefix << " tail " << ::testing::PrintToString(tail);
    }
  }
  Statement s = FullStatement();
  s.targets = {"NATO", std::string(20, 'x') + "\xFF"};
  EXPECT_EQ(Msg(Validate(s)), "targets[1]: not valid UTF-8 at byte 20");
}

TEST(ValidateTest, ValidMultibyteTextIsAccepted) {
  for (const FieldCase& f : TextFields()) {
    if (std::string(f.prefix) == "id: ") continue;
    Statement s = FullStatement();
    f.set(s, "Zürich 北京 🙂 \xF4\x8F\xBF\xBF");  // includes U+10FFFF
    EXPECT_TRUE(Validate(s).ok()) << f.prefix << Validate(s);
  }
}

struct LimitCase {
  const char* prefix;
  size_t limit;
  std::function<void(Statement&, const std::string&)> set;
};

TEST(ValidateTest, TextLimitsAreInclusive) {
  std::vector<LimitCase> cases = {
      {"id: ", Limits::kId, [](Statement& s, const std::string& v) { s.id = v; }},
      {"speaker: ", Limits::kName, [](Statement& s, const std::string& v) { s.speaker = v; }},
      {"targets[0]: ", Limits::kName, [](Statement& s, const std::string& v) { s.targets = {v}; }},
      {"topics[0]: ", Limits::kName, [](Statement& s, const std::string& v) { s.topics = {v}; }},
      {"verb: ", Limits::kVerb, [](Statement& s, const std::string& v) { s.verb = v; }},
      {"event_type: ", Limits::kVerb, [](Statement& s, const std::string& v) { s.event_type = v; }},
      {"code: ", Limits::kCode, [](Statement& s, const std::string& v) { s.code = v; }},
      {"content: ", Limits::kContent, [](Statement& s, const std::string& v) { s.content = v; }},
      {"quote: ", Limits::kContent, [](Statement& s, const std::string& v) { s.quote = v; }},
      {"source.outlet: ", Limits::kOutlet, [](Statement& s, const std::string& v) { s.source.outlet = v; }},
      {"source.via: ", Limits::kOutlet, [](Statement& s, const std::string& v) { s.source.via = v; }},
      {"source.url: ", Limits::kUrl, [](Statement& s, const std::string& v) { s.source.url = v; }},
      {"attributes.", Limits::kAttributeValue, [](Statement& s, const std::string& v) { s.attributes = {{"k", v}}; }},
      {"attributes.", Limits::kAttributeKey, [](Statement& s, const std::string& v) { s.attributes = {{v, "v"}}; }},
  };
  for (const LimitCase& c : cases) {
    SCOPED_TRACE(c.prefix);
    Statement at = FullStatement();
    c.set(at, std::string(c.limit, '7'));
    EXPECT_TRUE(Validate(at).ok()) << Validate(at);
    Statement over = FullStatement();
    c.set(over, std::string(c.limit + 1, '7'));
    ExpectInvalid(over, c.prefix);
  }
}

TEST(ValidateTest, ListAndAttributeCountLimits) {
  Statement s = FullStatement();
  s.targets.assign(Limits::kListItems, "t");
  EXPECT_TRUE(Validate(s).ok());
  s.targets.push_back("t");
  ExpectInvalid(s, "targets: ");

  s = FullStatement();
  s.topics.assign(Limits::kListItems + 1, "t");
  ExpectInvalid(s, "topics: ");

  s = FullStatement();
  s.attributes.clear();
  for (size_t i = 0; i < Limits::kAttributes; ++i)
    s.attributes.push_back({"k" + std::to_string(i), "v"});
  EXPECT_TRUE(Validate(s).ok());
  s.attributes.push_back({"extra", "v"});
  ExpectInvalid(s, "attributes: ");
}

TEST(ValidateTest, DuplicateAttributeKeysAreRejected) {
  Statement s = FullStatement();
  s.attributes = {{"k", "1"}, {"other", "2"}, {"k", "3"}};
  ExpectInvalid(s, "attributes.k: appears twice");
}

TEST(ValidateTest, EmptyListItemsAndKeysAreRejected) {
  Statement s = FullStatement();
  s.targets = {"NATO", ""};
  ExpectInvalid(s, "targets[1]: ");
  s = FullStatement();
  s.topics = {""};
  ExpectInvalid(s, "topics[0]: ");
  s = FullStatement();
  s.attributes = {{"", "v"}};
  ExpectInvalid(s, "attributes: ");
}

TEST(ValidateTest, CodeIsAsciiLettersAndDigits) {
  for (const char* ok : {"0211", "112", "ABC", "x9"}) {
    Statement s = FullStatement();
    s.code = ok;
    EXPECT_TRUE(Validate(s).ok()) << ok;
  }
  for (const char* bad : {"02.11", "021 1", "-12", "0211\n", "\xD9\xA1"}) {
    Statement s = FullStatement();
    s.code = bad;
    ExpectInvalid(s, "code: ");
  }
}

TEST(ValidateTest, ReservedIdPrefix) {
  Statement s = FullStatement();
  s.id = "h:0123456789abcdef0123456789abcdef";
  ExpectInvalid(s, "id: ");
  s.id = "H:upper-is-fine";
  EXPECT_TRUE(Validate(s).ok());
  s.id = "xh:not-a-prefix";
  EXPECT_TRUE(Validate(s).ok());
}

TEST(ValidateTest, TimesMustBeInRangeAndStartTheirPeriod) {
  Statement s = FullStatement();
  s.occurred_at = {T("2025-03-31").micros, Precision::kYear};  // not Jan 1
  ExpectInvalid(s, "occurred_at: ");
  s.occurred_at = {T("2025-03-31T12:00:00Z").micros, Precision::kDay};
  ExpectInvalid(s, "occurred_at: ");
  s.occurred_at = {T("2025-03-31").micros + 1, Precision::kMonth};
  ExpectInvalid(s, "occurred_at: ");
  s.occurred_at = {T("0001").micros - 1, Precision::kSecond};
  ExpectInvalid(s, "occurred_at: ");
  s.occurred_at = {T("9999-12-31T23:59:59.999999Z").micros + 1, Precision::kSecond};
  ExpectInvalid(s, "occurred_at: ");
  s.occurred_at = {0, static_cast<Precision>(9)};
  ExpectInvalid(s, "occurred_at: ");

  s = FullStatement();
  s.source.published_at = {T("2025-03-31").micros, Precision::kMonth};
  ExpectInvalid(s, "source.published_at: ");
}

}  // namespace
}  // namespace annals
