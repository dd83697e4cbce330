// Statements as JSON: the import input format and the log output format.
#include "annals/json.h"

#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using test::FullStatement;
using test::Msg;
using test::T;

constexpr char kFullJson[] = R"({
  "id": "tass-1",
  "speaker": "Maria Zakharova",
  "targets": ["United Kingdom", "NATO"],
  "verb": "accused",
  "code": "0211",
  "event_type": "ACCUSE",
  "topics": ["sanctions", "\u0411\u0430\u043b\u0442\u0438\u043a\u0430"],
  "content": "Accused London of \"prolonging\" the conflict.\nSecond line.",
  "quote": "«Это провокация» 🙂",
  "occurred_at": "2025-03-31T17:05:00.123456+03:00",
  "source": {"outlet": "Izvestia", "url": "https://iz.ru/1",
             "published_at": "2025-03-31", "via": "The Moscow Times"},
  "attributes": {"GoldsteinScale": -2.5, "IsRoot": true, "Actor1Code": "RUSGOV",
                 "Big": 12345678901234567890, "Dropped": null}
})";

TEST(ParseStatementJsonTest, AcceptsEveryField) {
  auto s = ParseStatementJson(kFullJson);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->id, "tass-1");
  EXPECT_EQ(s->speaker, "Maria Zakharova");
  EXPECT_EQ(s->targets, (std::vector<std::string>{"United Kingdom", "NATO"}));
  EXPECT_EQ(s->verb, "accused");
  EXPECT_EQ(s->code, "0211");
  EXPECT_EQ(s->event_type, "ACCUSE");
  EXPECT_EQ(s->topics, (std::vector<std::string>{"sanctions", "Балтика"}));
  EXPECT_EQ(s->content,
            "Accused London of \"prolonging\" the conflict.\nSecond line.");
  EXPECT_EQ(s->quote, "«Это провокация» 🙂");
  EXPECT_EQ(s->occurred_at, T("2025-03-31T14:05:00.123456Z"));
  EXPECT_EQ(s->source.outlet, "Izvestia");
  EXPECT_EQ(s->source.url, "https://iz.ru/1");
  EXPECT_EQ(s->source.published_at, T("2025-03-31"));
  EXPECT_EQ(s->source.via, "The Moscow Times");
  // In input order; non-text values kept as their JSON text; null dropped.
  ASSERT_EQ(s->attributes.size(), 4u);
  EXPECT_EQ(s->attributes[0], (Attribute{"GoldsteinScale", "-2.5"}));
  EXPECT_EQ(s->attributes[1], (Attribute{"IsRoot", "true"}));
  EXPECT_EQ(s->attributes[2], (Attribute{"Actor1Code", "RUSGOV"}));
  EXPECT_EQ(s->attributes[3], (Attribute{"Big", "12345678901234567890"}));
  EXPECT_TRUE(Validate(*s).ok()) << Validate(*s);
}

TEST(ParseStatementJsonTest, NullsAndOmissionsAreAbsent) {
  auto s = ParseStatementJson(
      R"({"speaker":null,"targets":"NATO","verb":"said","code":null,)"
      R"("topics":null,"content":"x","quote":null,"occurred_at":"2025",)"
      R"("source":null,"attributes":null,"event_type":null,"id":null})");
  ASSERT_TRUE(s.ok()) << s.status();
  Statement want;
  want.targets = {"NATO"};  // a lone string is a one-item list
  want.verb = "said";
  want.content = "x";
  want.occurred_at = T("2025");
  EXPECT_EQ(*s, want);
}

TEST(ParseStatementJsonTest, LogOutputFieldsAreAcceptedAndIgnored) {
  auto s = ParseStatementJson(
      R"({"seq":17,"recorded_at":"2025-04-01T00:00:00Z","kind":"statement",)"
      R"("speaker":"A","verb":"said","content":"c","occurred_at":"2025"})");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->speaker, "A");
  auto bad_kind = ParseStatementJson(
      R"({"kind":"retraction","speaker":"A","verb":"said","content":"c","occurred_at":"2025"})");
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_THAT(Msg(bad_kind.status()), StartsWith("kind: "));
}

struct Rejection {
  const char* json;
  const char* prefix;
};

void PrintTo(const Rejection& r, std::ostream* os) { *os << r.json; }

class ParseStatementJsonRejectTest : public ::testing::TestWithParam<Rejection> {};

TEST_P(ParseStatementJsonRejectTest, RejectsWithFieldName) {
  auto s = ParseStatementJson(GetParam().json);
  ASSERT_FALSE(s.ok()) << "accepted " << GetParam().json;
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s.status()), StartsWith(GetParam().prefix));
}

INSTANTIATE_TEST_SUITE_P(
    Bad, ParseStatementJsonRejectTest,
    ::testing::Values(
        // unknown (e.g. misspelt) fields
        Rejection{R"({"speaker":"A","speakr":"B"})", "speakr: "},
        Rejection{R"({"source":{"outlet":"x","publisher":"y"}})", "source.publisher: "},
        // CAMEO codes must be strings: a number loses leading zeros
        Rejection{R"({"code":211})", "code: "},
        Rejection{R"({"code":211.5})", "code: "},
        Rejection{R"({"code":true})", "code: "},
        // wrong types
        Rejection{R"({"speaker":42})", "speaker: "},
        Rejection{R"({"speaker":["A"]})", "speaker: "},
        Rejection{R"({"verb":true})", "verb: "},
        Rejection{R"({"targets":{"a":1}})", "targets: "},
        Rejection{R"({"targets":["A",7]})", "targets: "},
        Rejection{R"({"topics":[null]})", "topics: "},
        Rejection{R"({"content":{}})", "content: "},
        Rejection{R"({"occurred_at":2025})", "occurred_at: "},
        Rejection{R"({"occurred_at":"2025-02-30"})", "occurred_at: "},
        Rejection{R"({"occurred_at":"yesterday"})", "occurred_at: "},
        Rejection{R"({"source":"Izvestia"})", "source: "},
        Rejection{R"({"source":{"url":5}})", "source.url: "},
        Rejection{R"({"source":{"published_at":"2025-13"}})", "source.published_at: "},
        Rejection{R"({"attributes":[1,2]})", "attributes: "},
        Rejection{R"({"attributes":{"x":{"y":1}}})", "attributes.x: "},
        Rejection{R"({"attributes":{"x":[1]}})", "attributes.x: "},
        // duplicate keys would silently drop one value
        Rejection{R"({"speaker":"A","verb":"said","speaker":"B"})", "speaker: "},
        // not a JSON object
        Rejection{R"(["speaker","A"])", "line: "},
        Rejection{R"("speaker")", "line: "},
        Rejection{"42", "line: "},
        Rejection{"null", "line: "},
        Rejection{R"({"speaker":"A")", "line: "},
        Rejection{"", "line: "},
        Rejection{"{\"speaker\":\"A\xFF\"}", "line: "},  // invalid UTF-8
        Rejection{R"({"speaker":"A"} {"speaker":"B"})", "line: "}),
    [](const ::testing::TestParamInfo<Rejection>& info) {
      std::string name;
      for (const char* p = info.param.prefix; *p; ++p)
        if (std::isalnum(static_cast<unsigned char>(*p))) name += *p;
      return name + "_" + std::to_string(info.index);
    });

// Top-level duplicates are rejected so no value is dropped silently; the
// same must hold inside "source", or one of two URLs vanishes unreported.
TEST(ParseStatementJsonTest, DuplicateKeysInsideSourceAreRejected) {
  auto s = ParseStatementJson(
      R"({"speaker":"A","verb":"said","content":"c","occurred_at":"2025",)"
      R"("source":{"url":"https://a.example/1","url":"https://b.example/2"}})");
  ASSERT_FALSE(s.ok()) << "kept only source.url = " << s->source.url;
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s.status()), StartsWith("source.url: "));
}

TEST(EventToJsonTest, EveryFieldIsPresentEvenWhenAbsent) {
  Event e;
  e.seq = 3;
  e.recorded_at = T("2025-04-01T10:00:00Z").micros;
  e.id = "x1";
  e.schema_version = 1;
  e.statement.id = "x1";
  e.statement.speaker = "A";
  e.statement.verb = "said";
  e.statement.content = "c";
  e.statement.occurred_at = T("2025-03");
  std::string json = EventToJson(e);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_THAT(json, StartsWith("{\"seq\":3,"));
  for (const char* part :
       {"\"recorded_at\":\"2025-04-01T10:00:00Z\"", "\"kind\":\"statement\"",
        "\"id\":\"x1\"", "\"targets\":[]", "\"code\":null", "\"event_type\":null",
        "\"topics\":[]", "\"quote\":null", "\"occurred_at\":\"2025-03\"",
        "\"source\":{\"outlet\":null,\"url\":null,\"published_at\":null,\"via\":null}",
        "\"attributes\":{}"}) {
    EXPECT_THAT(json, HasSubstr(part));
  }
}

TEST(EventToJsonTest, OutputParsesBackToTheSameStatement) {
  Event e;
  e.seq = 99;
  e.recorded_at = T("2025-04-01T10:00:00.5Z").micros;
  e.schema_version = 1;
  e.statement = FullStatement();
  // Characters that need escaping, in text and in attribute keys.
  e.statement.content = "quote \" backslash \\ newline \n tab \t cr \r bell \x07 del \x7f";
  e.statement.attributes.push_back({"we\"ird\\key\n", "v\x01"});
  e.id = e.statement.id;
  std::string json = EventToJson(e);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  auto back = ParseStatementJson(json);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << json;
  EXPECT_EQ(*back, e.statement);
  EXPECT_EQ(back->code, "0211");
  EXPECT_EQ(back->attributes, e.statement.attributes);  // order kept

  // A sparse statement too: nulls and [] read back as absent.
  Event sparse;
  sparse.seq = 1;
  sparse.statement.targets = {"NATO"};
  sparse.statement.code = "0211";
  sparse.statement.occurred_at = T("2025");
  back = ParseStatementJson(EventToJson(sparse));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, sparse.statement);
}

TEST(AppendJsonStringTest, EscapesForJson) {
  std::string out = "x";
  AppendJsonString(std::string("a\"b\\c\nd\x01\0e", 10), &out);
  EXPECT_EQ(out, "x\"a\\\"b\\\\c\\nd\\u0001\\u0000e\"");
  out.clear();
  AppendJsonString("Zürich", &out);
  EXPECT_EQ(out, "\"Zürich\"");
}

// The byte-at-a-time escaping the block-at-a-time scan must agree with.
std::string EscapeOracle(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool c1 = c == 0xc2 && i + 1 < s.size() &&
                    static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(s[i + 1]) <= 0x9f;
    char buf[8];
    if (c1 || c == 0x7f || (c < 0x20 && std::string_view("\n\r\t\b\f").find(c) ==
                                            std::string_view::npos)) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c1 ? static_cast<unsigned char>(s[++i]) : c);
      out += buf;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += '\\';
      out += "nrtbf"[std::string_view("\n\r\t\b\f").find(c)];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Strings of every length around the 16-byte blocks the scan reads, with
// each byte that needs attention (and look-alikes: 0xC2 not starting a C1
// control, 0xC3, 0x20, 0x80) at every offset.
TEST(AppendJsonStringTest, AgreesWithAByteAtATimeOracle) {
  const std::vector<std::string> specials = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f",
                                             std::string(1, '\0'), "\xc2\x85", "\xc2\x9f",
                                             "\xc2\xa0", "\xc2", "\xc3\xa9", " ", "\x80"};
  for (size_t len = 0; len <= 40; ++len)
    for (size_t at = 0; at <= len; ++at)
      for (const std::string& sp : specials) {
        std::string text(len, 'a');
        text.insert(at, sp);
        std::string out;
        AppendJsonString(text, &out);
        ASSERT_EQ(out, EscapeOracle(text)) << "length " << len << ", at " << at;
      }
  // Two at independent offsets: the scan resumes after the first.
  for (size_t len = 0; len <= 36; ++len)
    for (size_t a = 0; a <= len; ++a)
      for (size_t b = a; b <= len; ++b)
        for (const char* sp : {"\"", "\x01", "\xc2\xc2\x85", "\xc2\xa0"}) {
          std::string text(len, 'a');
          text.insert(b, "\\");
          text.insert(a, sp);
          std::string out;
          AppendJsonString(text, &out);
          ASSERT_EQ(out, EscapeOracle(text)) << "length " << len << ", at " << a << ", " << b;
        }
}

}  // namespace
}  // namespace annals
