// ISO 8601 parsing and formatting at the precision a source gave.
#include "annals/time.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace annals {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kSec = 1000000;
// 2025-03-31T00:00:00Z
constexpr int64_t kMar31 = 1743379200LL * kSec;

struct RoundTrip {
  const char* text;
  int64_t micros;
  Precision precision;
};

class TimeRoundTripTest : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(TimeRoundTripTest, ParsesToStartOfPeriodAndFormatsBack) {
  const RoundTrip& c = GetParam();
  auto t = ParseTime(c.text);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->micros, c.micros);
  EXPECT_EQ(t->precision, c.precision);
  EXPECT_TRUE(t->present());
  EXPECT_EQ(FormatTime(*t), c.text);
  auto again = ParseTime(FormatTime(*t));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *t);
}

INSTANTIATE_TEST_SUITE_P(
    Precisions, TimeRoundTripTest,
    ::testing::Values(
        RoundTrip{"2025", 1735689600LL * kSec, Precision::kYear},
        RoundTrip{"2025-03", 1740787200LL * kSec, Precision::kMonth},
        RoundTrip{"2025-03-31", kMar31, Precision::kDay},
        RoundTrip{"2025-03-31T14:05:00Z", kMar31 + (14 * 3600 + 5 * 60) * kSec,
                  Precision::kSecond},
        RoundTrip{"2025-03-31T14:05:00.123456Z",
                  kMar31 + (14 * 3600 + 5 * 60) * kSec + 123456,
                  Precision::kSecond},
        RoundTrip{"1970-01-01T00:00:00Z", 0, Precision::kSecond},
        RoundTrip{"1969-12-31T23:59:59.500000Z", -500000, Precision::kSecond},
        RoundTrip{"2024-02-29", 1709164800LL * kSec, Precision::kDay},
        RoundTrip{"0001", -62135596800LL * kSec, Precision::kYear},
        RoundTrip{"9999-12-31T23:59:59.999999Z",
                  253402300799LL * kSec + 999999, Precision::kSecond}));

TEST(TimeTest, OffsetsConvertToUtc) {
  auto t = ParseTime("2025-03-31T14:05:00+03:00");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(FormatTime(*t), "2025-03-31T11:05:00Z");
  EXPECT_EQ(t->precision, Precision::kSecond);

  t = ParseTime("2025-03-31T23:30:00-02:30");  // crosses into the next day
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(FormatTime(*t), "2025-04-01T02:00:00Z");

  t = ParseTime("2025-03-31T14:05:00.25+05:45");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(FormatTime(*t), "2025-03-31T08:20:00.250000Z");

  EXPECT_EQ(*ParseTime("2025-03-31T14:05:00+00:00"),
            *ParseTime("2025-03-31T14:05:00Z"));
}

TEST(TimeTest, AcceptedSpellings) {
  const Timestamp want = *ParseTime("2025-03-31T14:05:00Z");
  for (const char* text : {"2025-03-31 14:05:00Z", "2025-03-31t14:05:00z",
                           "2025-03-31T14:05:00", "2025-03-31T14:05Z"}) {
    auto t = ParseTime(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status();
    EXPECT_EQ(*t, want) << text;
  }
  auto frac = ParseTime("2025-03-31T14:05:00.5Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(frac->micros, want.micros + 500000);
}

TEST(TimeTest, RejectsMalformedAndImpossibleTimes) {
  for (const char* text :
       {"", "2025-02-30", "2023-02-29", "2025-04-31", "2025-13", "2025-00",
        "2025-03-00", "25-03-01", "0000", "2025-3-31", "2025-03-31T25:00Z",
        "2025-03-31T14:60Z", "2025-03-31T14:05:60Z",
        "2025-03-31T14:05:00.1234567Z", "2025-03-31T14:05:00.Z",
        "2025-03-31T14:05:00Zjunk", "2025-03-31T14:05:00+24:00",
        "2025-03-31T14:05:00+03:7", "2025x", "2025-03-31junk", "2025-03-31T",
        "2025-03-31T14", " 2025", "2025 ", "March 2025", "2025/03/31",
        // Offsets that carry the UTC instant outside years 0001-9999 (found
        // by fuzzing: the formatted year 10000 did not parse back).
        "9999-12-31T20:59-11:30", "0001-01-01T00:30+01:00"}) {
    auto t = ParseTime(text);
    ASSERT_FALSE(t.ok()) << "accepted \"" << text << "\" as " << FormatTime(*t);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(test::Msg(t.status()), HasSubstr("expected")) << text;
  }
}

TEST(TimeTest, AbsentFormatsAsEmpty) {
  EXPECT_EQ(FormatTime(Timestamp{}), "");
  EXPECT_FALSE(Timestamp{}.present());
}

TEST(TimeTest, CoarserPrecisionSortsFirstAtTheSameInstant) {
  Timestamp year = *ParseTime("2025");
  Timestamp month = *ParseTime("2025-01");
  Timestamp day = *ParseTime("2025-01-01");
  Timestamp second = *ParseTime("2025-01-01T00:00:00Z");
  EXPECT_EQ(year.micros, second.micros);
  EXPECT_LT(year, month);
  EXPECT_LT(month, day);
  EXPECT_LT(day, second);
  EXPECT_LT(second, *ParseTime("2025-01-01T00:00:01Z"));
  EXPECT_LT(*ParseTime("2024-12-31T23:59:59Z"), year);
}

TEST(TimeTest, NowIsPresentAtSecondPrecision) {
  Timestamp now = Now();
  EXPECT_EQ(now.precision, Precision::kSecond);
  EXPECT_GT(now.micros, ParseTime("2025")->micros);
  auto back = ParseTime(FormatTime(now));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, now);
}


// EndOfPeriod is what "as of 2025-04-01" and "--to 2025-04" mean: a time
// belongs to the period iff it is <= EndOfPeriod.
TEST(TimeTest, EndOfPeriodIsTheLastMicrosecondOfThePeriodNamed) {
  auto end = [](const char* text) { return EndOfPeriod(test::T(text)); };
  auto micros = [](const char* text) { return test::T(text).micros; };
  EXPECT_EQ(end("2025"), micros("2025-12-31T23:59:59.999999Z"));
  EXPECT_EQ(end("2024-02"), micros("2024-02-29T23:59:59.999999Z"));  // leap year
  EXPECT_EQ(end("2025-02"), micros("2025-02-28T23:59:59.999999Z"));
  EXPECT_EQ(end("2025-12"), micros("2025-12-31T23:59:59.999999Z"));
  EXPECT_EQ(end("2025-04-01"), micros("2025-04-01T23:59:59.999999Z"));
  EXPECT_EQ(end("2025-12-31"), micros("2025-12-31T23:59:59.999999Z"));
  // A whole-second time names its second; a fraction names its microsecond.
  EXPECT_EQ(end("2025-04-01T10:00:00Z"), micros("2025-04-01T10:00:00.999999Z"));
  EXPECT_EQ(end("2025-04-01T10:00:00.25Z"), micros("2025-04-01T10:00:00.25Z"));
  // An offset is converted to UTC first.
  EXPECT_EQ(end("2025-04-01T02:00:00+02:00"), micros("2025-04-01T00:00:00.999999Z"));
  // Before the epoch, and at the ends of the range ParseTime accepts.
  EXPECT_EQ(end("1969-12-31"), -1);
  EXPECT_EQ(end("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(end("1969-12-31T23:59:59.5Z"), -500000);
  EXPECT_EQ(end("0001"), micros("0001-12-31T23:59:59.999999Z"));
  EXPECT_EQ(end("9999-12-31"), micros("9999-12-31T23:59:59.999999Z"));
  // The period's start is inside it; the next period's start is not.
  for (const char* text : {"2025", "2025-03", "2025-03-31", "2025-03-31T14:05:00Z"}) {
    Timestamp t = test::T(text);
    EXPECT_GE(EndOfPeriod(t), t.micros) << text;
  }
  EXPECT_EQ(end("2025-03") + 1, micros("2025-04-01"));
}

// Issue 17.12: GDELT's SQLDATE (20180602) is ISO 8601's basic calendar date;
// it reads as the day, wherever a date is read. The basic month form
// (YYYYMM) does not exist in ISO 8601 and would read as YYMMDD: refused.
TEST(TimeTest, BasicCalendarDateIsTheDay) {
  auto t = ParseTime("20180602");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, test::T("2018-06-02"));
  EXPECT_EQ(FormatTime(*t), "2018-06-02");
  EXPECT_EQ(*ParseTime("20240229"), test::T("2024-02-29"));
  for (const char* text : {"20180230", "20181301", "20180600", "00000101", "2018060",
                           "201806021", "2018060 ", "20180602T10:00Z"}) {
    auto bad = ParseTime(text);
    EXPECT_FALSE(bad.ok()) << "accepted \"" << text << "\" as " << FormatTime(*bad);
  }
  auto month = ParseTime("201806");
  ASSERT_FALSE(month.ok());
  EXPECT_THAT(test::Msg(month.status()), HasSubstr("YYYY-MM"));
}

// Issue 17.14: a range whose start is after the end of its last period is
// empty, and says so; touching or open ranges are fine.
TEST(TimeTest, CheckRangeRefusesOnlyEmptyRanges) {
  EXPECT_TRUE(CheckRange(test::T("2018"), test::T("2018")).ok());
  EXPECT_TRUE(CheckRange(test::T("2018-06-30"), test::T("2018-06")).ok());
  EXPECT_TRUE(CheckRange(test::T("2018-12-31T23:59:59Z"), test::T("2018")).ok());
  EXPECT_TRUE(CheckRange(Timestamp{}, test::T("2018")).ok());
  EXPECT_TRUE(CheckRange(test::T("2019"), Timestamp{}).ok());
  absl::Status st = CheckRange(test::T("2019"), test::T("2018"));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(test::Msg(st), HasSubstr("empty"));
  EXPECT_FALSE(CheckRange(test::T("2018-07"), test::T("2018-06-30")).ok());
}

}  // namespace
}  // namespace annals
