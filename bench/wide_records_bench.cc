// Import of wide records (issue 16.11): the CPU to map one record with N
// keys or one header with N columns, which must grow linearly with N. Each
// case reports its fitted complexity (Google Benchmark's BigO line).
//
//   BM_JsonlAttributes/N      one JSON Lines statement with N attributes
//                             (rejected: more than Limits::kAttributes)
//   BM_JsonlNullAttributes/N  the same with every value null (nothing is
//                             stored, so no count limit applies; only the
//                             duplicate-key check sees them)
//   BM_PloverKeys/N           one PLOVER record with N extra keys
//   BM_CsvHeader/N            a CSV header row of N columns
//   BM_IcewsHeader/N          an ICEWS header row of N columns
//
// Parse only: RowMapper::Map (and Validate) or the header's mapper, no
// store. See bench/README.md for the figures before and after the fix.
#include <benchmark/benchmark.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "annals/statement.h"
#include "io/record_reader.h"
#include "io/row_mapper.h"

namespace {

namespace in = annals::internal;

std::string JsonlLine(int64_t n, bool nulls) {
  std::string s = R"({"speaker": "Ada", "verb": "said", "occurred_at": "2020", )"
                  R"("content": "c", "attributes": {)";
  for (int64_t i = 0; i < n; ++i)
    absl::StrAppend(&s, i ? ", " : "", "\"key", i, "\": ", nulls ? "null" : "\"v\"");
  return s + "}}";
}

std::string PloverRecord(int64_t n) {
  std::string s = R"({"id": "p1", "date": "2020-01-01", "source": "Ada", "eventText": "said")";
  for (int64_t i = 0; i < n; ++i) absl::StrAppend(&s, ", \"key", i, "\": \"v\"");
  return s + "}";
}

std::string Header(int64_t n, char sep, const std::string& first) {
  std::string s = first;
  for (int64_t i = 0; i < n; ++i) absl::StrAppend(&s, std::string(1, sep), "column", i);
  return s;
}

void MapOne(benchmark::State& state, std::unique_ptr<in::RowMapper> mapper,
            const std::string& text) {
  in::Record rec;
  rec.text = text;
  for (auto _ : state) {
    annals::Statement s;
    absl::Status st = mapper->Map(rec, &s);
    if (st.ok()) st = annals::Validate(s);
    benchmark::DoNotOptimize(st);
  }
  state.SetComplexityN(state.range(0));
  state.SetBytesProcessed(state.iterations() * text.size());
}

void BM_JsonlAttributes(benchmark::State& state) {
  MapOne(state, in::NewJsonlMapper(), JsonlLine(state.range(0), false));
}

void BM_JsonlNullAttributes(benchmark::State& state) {
  MapOne(state, in::NewJsonlMapper(), JsonlLine(state.range(0), true));
}

void BM_PloverKeys(benchmark::State& state) {
  MapOne(state, in::NewPloverMapper(), PloverRecord(state.range(0)));
}

void BM_CsvHeader(benchmark::State& state) {
  const std::string header = Header(state.range(0), ',', "speaker");
  for (auto _ : state) benchmark::DoNotOptimize(in::NewCsvMapper(header));
  state.SetComplexityN(state.range(0));
}

void BM_IcewsHeader(benchmark::State& state) {
  const std::string header = Header(
      state.range(0), '\t',
      "Event ID\tEvent Date\tSource Name\tTarget Name\tEvent Text\tCAMEO Code");
  for (auto _ : state) benchmark::DoNotOptimize(in::NewIcewsMapper(header));
  state.SetComplexityN(state.range(0));
}

// Up to 64k: the quadratic code this guards against took seconds there.
#define WIDE(bm) \
  BENCHMARK(bm)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)->Complexity()->Unit(benchmark::kMillisecond)
WIDE(BM_JsonlAttributes);
WIDE(BM_JsonlNullAttributes);
WIDE(BM_PloverKeys);
WIDE(BM_CsvHeader);
WIDE(BM_IcewsHeader);

}  // namespace

BENCHMARK_MAIN();
