// Import throughput: generates synthetic GDELT 2.0 and JSON Lines files of
// any size (realistic field lengths, Zipf-distributed actors), then imports
// each into a fresh store with the built-in projections running, the way
// `annals import` does (ImportFile, then waiting for the timelines).
//
//   annals_import_bench [--rows N] [--format gdelt|jsonl|both] [--dir DIR]
//                       [--keep] [--generate-only] [--no-projections]
//
// Defaults: 1,000,000 rows, both formats, DIR = $TMPDIR or /tmp. Prints, per
// format: file size, generation time, import wall time and rows/s (until
// ImportFile returned, and until the projections had caught up), and the
// parse-only rate (a dry run: read, map, validate; no writes). See
// bench/README.md. --no-projections opens the store without the built-in
// projections (Options::builtin_projections = false): the import path
// alone, an upper bound for any import with projections running.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "annals/cameo.h"
#include "annals/engine.h"
#include "annals/import.h"
#include "annals/json.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Rng {  // SplitMix64: the same files on every platform
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }
};

// Zipf(s) over [0, n): a few actors in most rows, a long tail.
class Zipf {
 public:
  Zipf(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) cdf_[i] = (sum += 1.0 / std::pow(i + 1.0, s));
    for (double& c : cdf_) c /= sum;
  }
  size_t Sample(Rng& r) const {
    return std::lower_bound(cdf_.begin(), cdf_.end(), r.Unit()) - cdf_.begin();
  }

 private:
  std::vector<double> cdf_;
};

std::string Word(Rng& r, size_t min, size_t max) {
  static const char* kSyll[] = {"ka", "ro", "mi", "stan", "el", "vor", "an", "ni", "sha",
                                "ber", "lin", "to", "gra", "dov", "ul", "sen", "ia", "mar"};
  std::string w;
  size_t len = min + r.Below(max - min + 1);
  while (w.size() < len) w += kSyll[r.Below(std::size(kSyll))];
  w.resize(len);
  return w;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Actor {
  std::string name;     // GDELT-style upper case, 4-28 bytes
  std::string code;     // CAMEO actor code, 3-9 bytes
  std::string country;  // 3 letters
  std::string person;   // JSONL-style "Firstname Lastname"
};

std::vector<Actor> MakeActors(Rng& r, size_t n) {
  std::vector<Actor> a(n);
  for (size_t i = 0; i < n; ++i) {
    std::string first = Word(r, 3, 9), last = Word(r, 4, 12);
    first[0] = static_cast<char>(std::toupper(first[0]));
    last[0] = static_cast<char>(std::toupper(last[0]));
    a[i].person = first + " " + last;
    a[i].name = i % 3 == 0 ? Upper(last) : Upper(first + " " + last);
    a[i].country = Upper(Word(r, 3, 3));
    static const char* kTypes[] = {"GOV", "MIL", "BUS", "MED", "OPP", "CVL", "JUD", ""};
    a[i].code = a[i].country + kTypes[r.Below(std::size(kTypes))];
  }
  return a;
}

struct Place {
  std::string full, country, adm1, adm2, lat, lon, feature;
};

std::vector<Place> MakePlaces(Rng& r, size_t n) {
  std::vector<Place> p(n);
  for (size_t i = 0; i < n; ++i) {
    std::string city = Word(r, 4, 12), region = Word(r, 5, 14), country = Word(r, 5, 12);
    city[0] = static_cast<char>(std::toupper(city[0]));
    region[0] = static_cast<char>(std::toupper(region[0]));
    country[0] = static_cast<char>(std::toupper(country[0]));
    p[i].full = absl::StrCat(city, ", ", region, ", ", country);
    p[i].country = Upper(Word(r, 2, 2));
    p[i].adm1 = p[i].country + absl::StrFormat("%02d", r.Below(40));
    p[i].adm2 = absl::StrCat(10000 + r.Below(90000));
    p[i].lat = absl::StrFormat("%.4f", r.Unit() * 180 - 90);
    p[i].lon = absl::StrFormat("%.4f", r.Unit() * 360 - 180);
    p[i].feature = absl::StrCat("-", 1000000 + r.Below(2000000));
  }
  return p;
}

struct Corpus {
  Rng rng{20260101};
  std::vector<Actor> actors = MakeActors(rng, 20000);
  Zipf zipf{20000, 1.07};
  std::vector<Place> places = MakePlaces(rng, 5000);
  Zipf place_zipf{5000, 1.0};
  std::vector<const annals::CameoCode*> codes;
  Zipf code_zipf{1, 1.0};
  Corpus() {
    for (const annals::CameoCode& c : annals::CameoCodes())
      if (std::strlen(c.code) >= 3) codes.push_back(&c);
    code_zipf = Zipf(codes.size(), 1.2);
  }
};

void AppendGeo(std::string& row, Rng& r, const Place& p, bool present) {
  if (!present) {
    row += "0\t\t\t\t\t\t\t\t";
    return;
  }
  absl::StrAppend(&row, 1 + r.Below(4), "\t", p.full, "\t", p.country, "\t", p.adm1, "\t",
                  p.adm2, "\t", p.lat, "\t", p.lon, "\t", p.feature, "\t");
}

// One GDELT 2.0 event row (61 columns), like the daily files' rows.
void GdeltRow(Corpus& c, uint64_t i, std::string& row) {
  Rng& r = c.rng;
  int y = 2015 + static_cast<int>(r.Below(10)), m = 1 + static_cast<int>(r.Below(12)),
      d = 1 + static_cast<int>(r.Below(28));
  const Actor& a1 = c.actors[c.zipf.Sample(r)];
  const Actor& a2 = c.actors[c.zipf.Sample(r)];
  bool has1 = r.Below(10) < 9, has2 = !has1 || r.Below(10) < 7;  // one at least
  const annals::CameoCode* code = c.codes[c.code_zipf.Sample(r)];
  std::string ev = code->code;
  absl::StrAppend(&row, 900000000 + i, "\t", absl::StrFormat("%04d%02d%02d", y, m, d), "\t",
                  absl::StrFormat("%04d%02d", y, m), "\t", y, "\t",
                  absl::StrFormat("%.4f", y + (m * 30 + d) / 365.0), "\t");
  for (int k = 0; k < 2; ++k) {
    const Actor& a = k == 0 ? a1 : a2;
    bool has = k == 0 ? has1 : has2;
    if (has)
      absl::StrAppend(&row, a.code, "\t", a.name, "\t", a.country, "\t\t\t\t\t",
                      a.code.size() > 3 ? a.code.substr(3) : "", "\t\t\t");
    else
      row += "\t\t\t\t\t\t\t\t\t\t";
  }
  absl::StrAppend(&row, r.Below(2), "\t", ev, "\t", ev.substr(0, 3), "\t", code->root_code, "\t",
                  code->quad_class, "\t", absl::StrFormat("%.1f", code->goldstein), "\t");
  uint64_t mentions = 1 + r.Below(20);
  absl::StrAppend(&row, mentions, "\t", 1 + r.Below(3), "\t", mentions, "\t",
                  absl::StrFormat("%.14f", r.Unit() * 20 - 10), "\t");
  AppendGeo(row, r, c.places[c.place_zipf.Sample(r)], has1);
  AppendGeo(row, r, c.places[c.place_zipf.Sample(r)], has2);
  AppendGeo(row, r, c.places[c.place_zipf.Sample(r)], true);
  absl::StrAppend(&row, absl::StrFormat("%04d%02d%02d%02d%02d00", 2025, 1 + i / 2000000 % 12,
                                        1 + i / 100000 % 28, i / 4000 % 24, i / 1000 % 4 * 15),
                  "\thttps://www.", Word(r, 5, 14), ".com/", y, "/", m, "/", Word(r, 10, 30),
                  "-", Word(r, 8, 25), "-", i, ".html\n");
}

// One JSON Lines statement.
void JsonlRow(Corpus& c, uint64_t i, std::string& row) {
  Rng& r = c.rng;
  const Actor& a1 = c.actors[c.zipf.Sample(r)];
  const Actor& a2 = c.actors[c.zipf.Sample(r)];
  const annals::CameoCode* code = c.codes[c.code_zipf.Sample(r)];
  std::string verb;
  annals::AppendJsonString(code->description, &verb);
  std::string content;
  while (content.size() < 150 + r.Below(150)) absl::StrAppend(&content, Word(r, 2, 10), " ");
  static const char* kTopics[] = {"sanctions", "energy", "ceasefire", "trade", "elections",
                                  "rare earth metals", "nuclear talks", "refugees"};
  absl::StrAppend(&row, "{\"id\":\"bench-", i, "\",\"speaker\":\"", a1.person,
                  "\",\"targets\":[\"", a2.person, "\"],\"verb\":", verb,
                  ",\"code\":\"", code->code, "\",\"topics\":[\"",
                  kTopics[r.Below(std::size(kTopics))], "\"],\"content\":\"", content,
                  "\",\"occurred_at\":\"",
                  absl::StrFormat("%04d-%02d-%02d", 2015 + r.Below(10), 1 + r.Below(12),
                                  1 + r.Below(28)),
                  "\",\"source\":{\"outlet\":\"", Upper(Word(r, 4, 10)), " News\",\"url\":\"https://",
                  Word(r, 5, 12), ".example/", Word(r, 20, 60), "-", i, "\"}}\n");
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int Run(const std::string& format, uint64_t rows, const fs::path& dir, bool keep,
        bool generate_only, bool projections) {
  fs::path file = dir / (format == "gdelt" ? "bench.export.CSV" : "bench.jsonl");
  std::error_code ec;
  fs::create_directories(dir, ec);  // an error shows when the file is written
  Corpus corpus;
  auto t0 = Clock::now();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    std::string buf;
    for (uint64_t i = 0; i < rows; ++i) {
      if (format == "gdelt") GdeltRow(corpus, i, buf);
      else JsonlRow(corpus, i, buf);
      if (buf.size() > (1 << 20)) {
        out << buf;
        buf.clear();
      }
    }
    out << buf;
  }
  auto t1 = Clock::now();
  uint64_t bytes = fs::file_size(file);
  std::printf("%s: %llu rows, %.1f MB (%.0f bytes/row), generated in %.1f s\n", format.c_str(),
              static_cast<unsigned long long>(rows), bytes / 1e6,
              static_cast<double>(bytes) / rows, Seconds(t0, t1));
  if (generate_only) return 0;

  fs::path store = dir / ("bench-store-" + format);
  fs::remove_all(store);
  annals::Options options;
  options.builtin_projections = projections;
  auto engine = annals::Engine::Open(store.string(), options);
  if (!engine.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(engine.status().message()).c_str());
    return 2;
  }
  annals::ImportOptions dry;
  dry.dry_run = true;
  auto t2 = Clock::now();
  auto parsed = annals::ImportFile(**engine, file.string(), dry, {});
  auto t3 = Clock::now();
  if (!parsed.ok() || parsed->rejected != 0) {
    std::fprintf(stderr, "dry run failed or rejected rows\n");
    return 1;
  }
  std::printf("  parse+map+validate only (dry run): %.2f s, %.0f rows/s\n", Seconds(t2, t3),
              rows / Seconds(t2, t3));

  auto t4 = Clock::now();
  auto sum = annals::ImportFile(**engine, file.string(), annals::ImportOptions{}, {});
  auto t5 = Clock::now();
  if (!sum.ok()) {
    std::fprintf(stderr, "import: %s\n", std::string(sum.status().message()).c_str());
    return 2;
  }
  auto st = (*engine)->WaitFor((*engine)->Head(), absl::InfiniteDuration());
  auto t6 = Clock::now();
  if (!st.ok()) return 2;
  std::printf("  import (projections %s): %.2f s, %.0f rows/s until ImportFile returned; "
              "%.2f s, %.0f rows/s until the timelines caught up\n",
              projections ? "on" : "off", Seconds(t4, t5), sum->imported / Seconds(t4, t5),
              Seconds(t4, t6), sum->imported / Seconds(t4, t6));
  std::printf("  imported %llu, duplicates %llu, rejected %llu\n",
              static_cast<unsigned long long>(sum->imported),
              static_cast<unsigned long long>(sum->duplicates),
              static_cast<unsigned long long>(sum->rejected));
  engine->reset();
  if (!keep) {
    fs::remove_all(store);
    fs::remove(file);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t rows = 1000000;
  std::string format = "both";
  const char* tmp = std::getenv("TMPDIR");
  fs::path dir = tmp ? tmp : "/tmp";
  bool keep = false, generate_only = false, projections = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--rows") rows = std::stoull(next());
    else if (a == "--format") format = next();
    else if (a == "--dir") dir = next();
    else if (a == "--keep") keep = true;
    else if (a == "--generate-only") generate_only = true;
    else if (a == "--no-projections") projections = false;
    else {
      std::fprintf(stderr,
                   "usage: annals_import_bench [--rows N] [--format gdelt|jsonl|both] "
                   "[--dir DIR] [--keep] [--generate-only] [--no-projections]\n");
      return 1;
    }
  }
  int rc = 0;
  for (const char* f : {"gdelt", "jsonl"})
    if (format == f || format == "both") rc |= Run(f, rows, dir, keep, generate_only, projections);
  return rc;
}
