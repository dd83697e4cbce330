// The stored form of events: lossless round trips, and damage of any kind
// decoded as kDataLoss, never a crash or an exception.
#include "codec/event_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/test_util.h"
#include "schema/annals.capnp.h"
#include "xxhash.h"

namespace annals::internal {
namespace {

using test::FullStatement;
using test::T;

Event SampleEvent() {
  Event e;
  e.seq = 1234567;
  e.recorded_at = 1743429900123456;
  e.schema_version = kSchemaVersion;
  e.kind = EventKind::kStatement;
  e.statement = FullStatement();
  e.id = e.statement.id;
  return e;
}

std::string Encode(const Event& e) {
  std::string out;
  EncodeEvent(e, &out);
  return out;
}

std::string WithChecksum(std::string_view payload) {
  uint64_t sum = XXH64(payload.data(), payload.size(), 0);
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(sum >> (8 * i)));
  out.append(payload);
  return out;
}

TEST(EventCodecTest, RoundTripsEveryField) {
  Event e = SampleEvent();
  auto back = DecodeEvent(Encode(e));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->seq, e.seq);
  EXPECT_EQ(back->recorded_at, e.recorded_at);
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->schema_version, 1);
  EXPECT_EQ(back->kind, EventKind::kStatement);
  EXPECT_EQ(back->statement, e.statement);
  EXPECT_EQ(*back, e);
}

// Retractions and aliases carry attributes of their own (an append-only
// schema field); without any they decode as before, with none.
TEST(EventCodecTest, RetractionsAndAliasesRoundTripTheirAttributes) {
  for (EventKind kind : {EventKind::kRetraction, EventKind::kActorAlias}) {
    Event e;
    e.seq = 9;
    e.recorded_at = 1700000000000000;
    e.id = "h:0123";
    e.schema_version = 1;
    e.kind = kind;
    e.target = kind == EventKind::kRetraction ? 3 : 0;
    e.reason = kind == EventKind::kRetraction ? "wrong" : "";
    e.alias = kind == EventKind::kActorAlias ? "Ann" : "";
    e.canonical = kind == EventKind::kActorAlias ? "Anne" : "";
    for (bool with : {false, true}) {
      e.statement.attributes.clear();
      if (with) e.statement.attributes = {{"import.source_seq", "3"}, {"k", "v"}};
      auto back = DecodeEvent(Encode(e));
      ASSERT_TRUE(back.ok()) << back.status();
      EXPECT_EQ(*back, e);
    }
  }
}

// Projection workers decode at kGrouping: every field a timeline groups or
// filters by is there, the bulky rest is left empty, and damage is still
// found (the checksum covers the skipped fields too).
TEST(EventCodecTest, GroupingDepthKeepsWhatTimelinesReadAndSkipsTheRest) {
  Event e = SampleEvent();
  const std::string bytes = Encode(e);
  auto back = DecodeEvent(bytes, DecodeDepth::kGrouping);
  ASSERT_TRUE(back.ok()) << back.status();
  Statement want = e.statement;
  want.content.clear();
  want.quote.clear();
  want.attributes.clear();
  want.source.url.clear();
  want.source.via.clear();
  want.source.published_at = Timestamp{};
  EXPECT_EQ(back->statement, want);
  EXPECT_EQ(back->seq, e.seq);
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->recorded_at, e.recorded_at);
  EXPECT_FALSE(back->statement.source.outlet.empty());

  Event c = SampleEvent();
  c.kind = EventKind::kCorrection;
  c.target = 77;
  c.reason = "wrong date";
  auto cb = DecodeEvent(Encode(c), DecodeDepth::kGrouping);
  ASSERT_TRUE(cb.ok()) << cb.status();
  EXPECT_EQ(cb->target, 77u);
  EXPECT_EQ(cb->statement.speaker, c.statement.speaker);
  EXPECT_EQ(cb->statement.topics, c.statement.topics);
  EXPECT_TRUE(cb->statement.content.empty());

  // A flipped bit inside the (skipped) attributes is still data loss.
  std::string damaged = bytes;
  const size_t at = damaged.find("значение");
  ASSERT_NE(at, std::string::npos);
  damaged[at] ^= 0x01;
  auto bad = DecodeEvent(damaged, DecodeDepth::kGrouping);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
}

TEST(EventCodecTest, RoundTripsSparseAndExtremeValues) {
  Event e;
  e.seq = UINT64_MAX;
  e.recorded_at = -1;
  e.id = "x";
  e.schema_version = kSchemaVersion;
  e.statement.id = "x";
  e.statement.targets = {"a"};
  e.statement.code = "0";
  e.statement.occurred_at = T("0001-01-01");
  // Text with embedded NUL and control bytes is kept byte for byte.
  e.statement.content = std::string("a\0b\x01\n", 5);
  e.statement.attributes = {{"k", ""}};  // empty value, present attribute
  auto back = DecodeEvent(Encode(e));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, e);
  EXPECT_TRUE(back->statement.speaker.empty());
  EXPECT_FALSE(back->statement.source.published_at.present());
}

// Lists longer than any stored statement can have (Validate's Limits) are
// damage: Cap'n Proto lets a few bytes claim a huge list of empty elements.
TEST(EventCodecTest, ListsPastTheLimitsAreDataLoss) {
  Event full = SampleEvent();
  full.statement.targets.assign(Limits::kListItems, "t");
  full.statement.topics.assign(Limits::kListItems, "p");
  full.statement.attributes.assign(Limits::kAttributes, {"k", "v"});
  ASSERT_TRUE(DecodeEvent(Encode(full)).ok());  // at the limits: fine
  for (int which = 0; which < 3; ++which) {
    Event e = full;
    if (which == 0) e.statement.targets.push_back("t");
    if (which == 1) e.statement.topics.push_back("p");
    if (which == 2) e.statement.attributes.push_back({"k", "v"});
    auto back = DecodeEvent(Encode(e));
    ASSERT_FALSE(back.ok()) << which;
    EXPECT_EQ(back.status().code(), absl::StatusCode::kDataLoss) << which;
    EXPECT_THAT(std::string(back.status().message()), ::testing::HasSubstr("at most")) << which;
  }
}

// Retractions and aliases carry attributes too, held to the same limit: a
// forged list of millions of empty attributes decoded, but its re-encoding
// did not (found by fuzz/event_decode_fuzzer.cc).
TEST(EventCodecTest, RetractionAndAliasAttributesPastTheLimitAreDataLoss) {
  for (EventKind kind : {EventKind::kRetraction, EventKind::kActorAlias}) {
    Event e;
    e.seq = 9;
    e.kind = kind;
    e.target = 3;
    e.reason = "wrong";
    e.alias = "putin";
    e.canonical = "Vladimir Putin";
    e.statement.attributes.assign(Limits::kAttributes, {"k", "v"});
    auto at = DecodeEvent(Encode(e));
    ASSERT_TRUE(at.ok()) << at.status();
    EXPECT_EQ(at->statement.attributes.size(), Limits::kAttributes);
    e.statement.attributes.push_back({"k", "v"});
    auto past = DecodeEvent(Encode(e));
    ASSERT_FALSE(past.ok());
    EXPECT_EQ(past.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(past.status().message()), ::testing::HasSubstr("at most"));
  }
}

TEST(EventCodecTest, StatementIdIsTheEventId) {
  Event e = SampleEvent();
  e.statement.id = "ignored";
  auto back = DecodeEvent(Encode(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->statement.id, e.id);
}

TEST(EventCodecTest, EveryTruncationIsDataLoss) {
  std::string bytes = Encode(SampleEvent());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto e = DecodeEvent(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(e.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss) << n;
  }
}

TEST(EventCodecTest, EveryFlippedBitIsDataLoss) {
  std::string bytes = Encode(SampleEvent());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = bytes;
      bad[i] ^= static_cast<char>(1 << bit);
      auto e = DecodeEvent(bad);
      ASSERT_FALSE(e.ok()) << "byte " << i << " bit " << bit;
      EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss);
    }
  }
}

TEST(EventCodecTest, TruncatedPayloadWithValidChecksumIsDataLoss) {
  std::string bytes = Encode(SampleEvent());
  std::string_view payload = std::string_view(bytes).substr(8);
  for (size_t n = 8; n < payload.size(); n += 8) {
    auto e = DecodeEvent(WithChecksum(payload.substr(0, n)));
    ASSERT_FALSE(e.ok()) << "payload cut to " << n << " bytes decoded";
    EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(EventCodecTest, RandomBytesAreDataLoss) {
  std::mt19937_64 rng(20250331);
  for (int i = 0; i < 5000; ++i) {
    std::string bytes(rng() % 400, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    absl::StatusOr<Event> e;
    ASSERT_NO_THROW(e = DecodeEvent(bytes));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss);
  }
}

// Past the checksum, the Cap'n Proto decoder must contain any damage too.
TEST(EventCodecTest, GarbageWithValidChecksumNeverThrows) {
  std::mt19937_64 rng(42);
  std::string good = Encode(SampleEvent());
  int data_loss = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string payload;
    if (i % 2 == 0) {
      payload.resize(8 * (rng() % 64));
      for (char& c : payload) c = static_cast<char>(rng());
    } else {
      // A real message with a few bytes scrambled.
      payload = good.substr(8);
      for (int k = 0; k < 4; ++k) payload[rng() % payload.size()] = static_cast<char>(rng());
    }
    absl::StatusOr<Event> e;
    ASSERT_NO_THROW(e = DecodeEvent(WithChecksum(payload))) << "case " << i;
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss) << e.status();
      ++data_loss;
    }
  }
  EXPECT_GT(data_loss, 0);
}

TEST(EventCodecTest, CorrectionRetractionAndAliasRoundTrip) {
  Event c;
  c.seq = 7;
  c.recorded_at = 1743379200000000;
  c.id = "c1";
  c.schema_version = kSchemaVersion;
  c.kind = EventKind::kCorrection;
  c.target = 3;
  c.reason = "wrong date";
  c.statement.speaker = "Donald Trump";
  c.statement.verb = "accused";
  c.statement.content = "corrected";
  c.statement.occurred_at = {1743292800000000, Precision::kDay};

  Event r;
  r.seq = 8;
  r.id = "r1";
  r.kind = EventKind::kRetraction;
  r.target = 3;
  r.reason = "misattributed";

  Event a;
  a.seq = 9;
  a.id = "a1";
  a.kind = EventKind::kActorAlias;
  a.alias = "Trump";
  a.canonical = "Donald Trump";

  for (const Event& e : {c, r, a}) {
    std::string bytes;
    EncodeEvent(e, &bytes);
    auto back = DecodeEvent(bytes);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, e) << EventKindName(e.kind);
  }
}

}  // namespace
}  // namespace annals::internal
