// The field table (annals/fields.h) and the Statement struct, the schema
// and the stored bytes agree: a field added to one and not the others fails
// here. And everything made from the table treats every field: JSON Lines,
// stored events, the content id (only its frozen fields), validation limits
// and the import's duplicate check.
#include "annals/fields.h"

#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>

#include <cctype>
#include <set>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/json.h"
#include "codec/event_codec.h"
#include "engine/test_util.h"
#include "model/statement_fields.h"
#include "schema/annals.capnp.h"

namespace annals {
namespace {

using internal::ComparableBytes;
using test::FullStatement;
using test::T;

// How many members an aggregate has: the most initializers it takes.
struct AnyValue {
  template <typename V>
  operator V() const;
};
template <typename A, typename... Args>
constexpr size_t Members() {
  if constexpr (requires { A{std::declval<Args>()..., AnyValue{}}; })
    return Members<A, Args..., AnyValue>();
  else
    return sizeof...(Args);
}

TEST(FieldTableTest, EveryMemberOfTheStructIsInTheTableOnce) {
  // Statement: id (not a field: the identity), `source` (a group whose
  // members are fields), and one member per other field.
  constexpr size_t kStatement = Members<Statement>();
  constexpr size_t kSource = Members<Source>();
  size_t source_fields = 0;
  for (const StatementField& f : StatementFields()) source_fields += f.group() == "source";
  EXPECT_EQ(source_fields, kSource) << "Source has a member the table lacks (or the reverse)";
  EXPECT_EQ(StatementFields().size(), kStatement - 2 + kSource)
      << "Statement has a member the table lacks (or the reverse)";

  // Each field's accessor reaches a distinct member of the struct, of its type.
  Statement s;
  std::set<const void*> seen;
  const char* begin = reinterpret_cast<const char*>(&s);
  for (const StatementField& f : StatementFields()) {
    const void* at = nullptr;
    switch (f.type) {
      case FieldType::kText: at = f.text(s); break;
      case FieldType::kTextList: at = f.list(s); break;
      case FieldType::kTime: at = f.time(s); break;
      case FieldType::kAttributes: at = &s.attributes; break;
    }
    ASSERT_NE(at, nullptr) << f.name;
    const char* p = static_cast<const char*>(at);
    EXPECT_TRUE(p >= begin && p < begin + sizeof(Statement)) << f.name;
    EXPECT_NE(static_cast<const void*>(&s.id), at) << f.name << " is the id";
    EXPECT_TRUE(seen.insert(at).second) << f.name << " shares a member";
    EXPECT_EQ(FindStatementField(f.name), &f);
    EXPECT_EQ(FindStatementField(f.column), &f);
  }
}

std::string Camel(std::string_view snake) {
  std::string out;
  for (size_t i = 0; i < snake.size(); ++i) {
    if (snake[i] == '_') out.push_back(static_cast<char>(std::toupper(snake[++i])));
    else out.push_back(snake[i]);
  }
  return out;
}

TEST(FieldTableTest, TheSchemaHasExactlyTheTablesFields) {
  std::set<std::string> schema;
  const capnp::StructSchema statement = capnp::Schema::from<schema::Statement>();
  for (auto f : statement.getFields()) {
    const std::string name = f.getProto().getName();
    if (f.getType().isStruct() && name != "occurredAt") {  // a group of fields
      for (auto g : f.getType().asStruct().getFields())
        schema.insert(name + "." + std::string(g.getProto().getName().cStr()));
    } else {
      schema.insert(name);
    }
  }
  std::set<std::string> table;
  for (const StatementField& f : StatementFields()) {
    std::string name = Camel(f.group().empty() ? f.name : f.group());
    if (!f.group().empty()) name += "." + Camel(f.member());
    table.insert(name);
  }
  EXPECT_EQ(schema, table);
}

// A statement with every field set through the table, each to a value of
// its own (`salt` varies them).
Statement EveryField(const std::string& salt) {
  Statement s;
  int n = 0;
  for (const StatementField& f : StatementFields()) {
    const std::string v = absl::StrCat("v", ++n, salt);
    switch (f.type) {
      case FieldType::kText: *f.text(s) = f.ascii_alnum ? absl::StrCat(n, "0") : v; break;
      case FieldType::kTextList: *f.list(s) = {v + "a", v + "b"}; break;
      case FieldType::kTime: *f.time(s) = T(absl::StrCat(1900 + 10 * n + salt[0] % 10)); break;
      case FieldType::kAttributes: s.attributes = {{"k", v}, {"import.line", salt}}; break;
    }
  }
  return s;
}

TEST(FieldTableTest, EveryFieldSurvivesJsonAndTheStoredForm) {
  const Statement s = EveryField("x");
  ASSERT_TRUE(Validate(s).ok()) << Validate(s);
  Event e;
  e.seq = 7;
  e.id = "id-1";
  e.statement = s;
  e.statement.id = e.id;
  std::string bytes;
  internal::EncodeEvent(e, &bytes);
  auto back = internal::DecodeEvent(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->statement, e.statement);
  auto parsed = ParseStatementJson(EventToJson(e));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, e.statement);
  // The grouping depth keeps exactly the fields the table marks.
  auto grouping = internal::DecodeEvent(bytes, internal::DecodeDepth::kGrouping);
  ASSERT_TRUE(grouping.ok()) << grouping.status();
  for (const StatementField& f : StatementFields())
    EXPECT_EQ(f.Empty(grouping->statement), !f.grouping) << f.name;
}

TEST(FieldTableTest, ContentIdCoversTheMarkedFieldsAndDuplicateChecksAllOfThem) {
  const Statement base = EveryField("x");
  for (const StatementField& f : StatementFields()) {
    // `base` with only field f changed.
    Statement changed = base;
    const Statement other = EveryField("y");
    switch (f.type) {
      case FieldType::kText: *f.text(changed) = f.Text(other) + (f.ascii_alnum ? "1" : ""); break;
      case FieldType::kTextList: *f.list(changed) = f.List(other); break;
      case FieldType::kTime: *f.time(changed) = f.Time(other); break;
      case FieldType::kAttributes: changed.attributes[0].value += "!"; break;
    }
    ASSERT_NE(changed, base) << f.name;
    EXPECT_EQ(ContentId(changed) != ContentId(base), !f.content_id.empty()) << f.name;
    EXPECT_NE(ComparableBytes(changed), ComparableBytes(base)) << f.name;
    EXPECT_FALSE(internal::SameStatement(changed, base)) << f.name;
  }
  // Provenance and ids are not what a statement says.
  Statement copy = base;
  copy.id = "another";
  copy.attributes[1].value = "elsewhere";
  EXPECT_TRUE(internal::SameStatement(copy, base));
}

TEST(FieldTableTest, LimitsComeFromTheTable) {
  for (const StatementField& f : StatementFields()) {
    Statement s = FullStatement();
    switch (f.type) {
      case FieldType::kText:
        *f.text(s) = std::string(f.max_bytes + 1, f.ascii_alnum ? '1' : 'x');
        break;
      case FieldType::kTextList:
        f.list(s)->assign(f.max_items + 1, "x");
        break;
      case FieldType::kTime:
        continue;  // no size
      case FieldType::kAttributes:
        s.attributes.clear();
        for (size_t i = 0; i <= f.max_items; ++i) s.attributes.push_back({absl::StrCat(i), "v"});
        break;
    }
    absl::Status st = Validate(s);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << f.name;
    EXPECT_THAT(std::string(st.message()), ::testing::StartsWith(std::string(f.name) + ": "))
        << st;
  }
}

// The stored bytes are those the schema's generated code writes (as the
// codec did before it was made from the table), so every store reads back.
std::string GeneratedEncoding(const Event& e) {
  capnp::MallocMessageBuilder message;
  auto env = message.initRoot<schema::Envelope>();
  env.setSeq(e.seq);
  env.setRecordedAt(e.recorded_at);
  env.setId(e.id);
  env.setSchemaVersion(e.schema_version);
  auto b = env.getKind().initStatement();
  const Statement& st = e.statement;
  auto text = [](const std::string& v) { return capnp::Text::Reader(v.data(), v.size()); };
  auto time = [](schema::Time::Builder t, const Timestamp& v) {
    t.setMicros(v.micros);
    t.setPrecision(static_cast<schema::Time::Precision>(v.precision));
  };
  if (!st.speaker.empty()) b.setSpeaker(text(st.speaker));
  auto targets = b.initTargets(st.targets.size());
  for (size_t i = 0; i < st.targets.size(); ++i) targets.set(i, text(st.targets[i]));
  if (!st.verb.empty()) b.setVerb(text(st.verb));
  if (!st.code.empty()) b.setCode(text(st.code));
  if (!st.event_type.empty()) b.setEventType(text(st.event_type));
  auto topics = b.initTopics(st.topics.size());
  for (size_t i = 0; i < st.topics.size(); ++i) topics.set(i, text(st.topics[i]));
  if (!st.content.empty()) b.setContent(text(st.content));
  if (!st.quote.empty()) b.setQuote(text(st.quote));
  time(b.initOccurredAt(), st.occurred_at);
  auto src = b.initSource();
  src.setOutlet(text(st.source.outlet));
  src.setUrl(text(st.source.url));
  time(src.initPublishedAt(), st.source.published_at);
  src.setVia(text(st.source.via));
  auto attrs = b.initAttributes(st.attributes.size());
  for (size_t i = 0; i < st.attributes.size(); ++i) {
    attrs[i].setKey(text(st.attributes[i].key));
    attrs[i].setValue(text(st.attributes[i].value));
  }
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  return std::string(reinterpret_cast<const char*>(words.begin()), words.size() * 8);
}

TEST(FieldTableTest, StoredBytesAreTheSchemasOwn) {
  Event e;
  e.seq = 42;
  e.recorded_at = 1743429900123456;
  e.schema_version = internal::kSchemaVersion;
  e.statement = FullStatement();  // every field present
  e.id = e.statement.id;
  std::string bytes;
  internal::EncodeEvent(e, &bytes);
  EXPECT_EQ(bytes.substr(8), GeneratedEncoding(e));  // after the checksum
}

}  // namespace
}  // namespace annals
