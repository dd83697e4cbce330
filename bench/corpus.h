// The synthetic statement corpus shared by the benchmarks
// (projection_bench.cc, compare_bench.cc): N statements with Zipf(s=1)
// speakers and 1-3 targets among 20,000 actors (about one person in ten with
// a non-ASCII name), 1-3 topics among 2,000, content of 100-600 bytes, and
// occurred_at (day precision) spread over 2015-2024, arriving out of order.
// Deterministic: SplitMix64 and hand-written distributions give the same
// statements on every platform for a given (N, seed).
#ifndef ANNALS_BENCH_CORPUS_H_
#define ANNALS_BENCH_CORPUS_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include "annals/statement.h"

namespace annals_bench {

using annals::Statement;

inline constexpr size_t kActors = 20000;
inline constexpr size_t kTopics = 2000;
inline constexpr double kZipfS = 1.0;

// ---------------------------------------------------------------------------
// Deterministic corpus.
// ---------------------------------------------------------------------------

// SplitMix64: the same stream on every platform (unlike <random>'s
// distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : x_(seed) {}
  uint64_t Next() {
    uint64_t z = (x_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(unsigned percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) { return a[Below(N)]; }

 private:
  uint64_t x_;
};

// Ranks 0..n-1 with P(rank k) proportional to 1/(k+1)^s.
class Zipf {
 public:
  Zipf(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t k = 0; k < n; ++k) cdf_[k] = (sum += 1.0 / std::pow(double(k + 1), s));
    for (double& c : cdf_) c /= sum;
  }
  size_t Draw(Rng& rng) const {
    double u = rng.Unit();
    size_t k = std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
    return std::min(k, cdf_.size() - 1);
  }

 private:
  std::vector<double> cdf_;
};

inline const char* const kGiven[] = {
    "Sergei", "Antony", "Wang", "Annalena", "Catherine", "Josep", "Hakan",
    "Subrahmanyam", "Penny", "Melanie", "Yoko", "Ebrahim", "Naledi", "Mauro",
    "Dmytro", "Radoslaw", "Retno", "Ali", "Faisal", "Marcelo", "Marco",
    "Jean-Noel", "Jose", "Olaf", "Giorgia", "Pedro", "Luiz", "Ursula", "Kaja",
    "Tobias", "Ngozi", "Hassan", "Ayman", "Nasser", "Abdullah", "Fumio",
    "Yoon", "Park", "Li", "Xi", "Ramtane", "Sameh", "Kristjan", "Vivian",
    "Antonio", "Hossein", "Mohammed", "Simon", "David", "James", "Emmanuel",
    "Rishi", "Kamala", "Narendra", "Shehbaz", "Cyril", "William", "Justin",
    "Anthony", "Mark"};
inline const char* const kFamily[] = {
    "Lavrov", "Blinken", "Yi", "Baerbock", "Colonna", "Borrell", "Fidan",
    "Jaishankar", "Wong", "Joly", "Kamikawa", "Raisi", "Pandor", "Vieira",
    "Kuleba", "Sikorski", "Marsudi", "Sabry", "bin Farhan", "Ebrard",
    "Sejourne", "Barrot", "Albares", "Scholz", "Meloni", "Sanchez",
    "da Silva", "von der Leyen", "Kallas", "Lindner", "Okonjo-Iweala",
    "Shoukry", "Safadi", "Bourita", "Aboul Gheit", "Kishida", "Cho",
    "Hayashi", "Qiang", "Jinping", "Lamamra", "Brende", "Tajani", "Crosetto",
    "Dubois", "Tsahkna", "Balakrishnan", "Guterres", "Amir-Abdollahian",
    "Al Thani", "Cameron", "Lammy", "Macron", "Sunak", "Harris", "Modi",
    "Sharif", "Ramaphosa", "Ruto", "Albanese"};
// Drawn for about one person in ten, so some names take the NFC/case-folding
// path of NormalizeName and ContentId, as in multilingual news data.
inline const char* const kGivenNonAscii[] = {
    "Mélanie", "Jean-Noël", "José", "Radosław", "Børge", "Søren", "Björn",
    "Łukasz", "Zoë", "Çağla", "Сергей", "Мария", "Дмитрий", "Jürgen",
    "Mevlüt", "François", "王", "Hồ", "Nguyễn", "Ólafur"};
inline const char* const kFamilyNonAscii[] = {
    "Séjourné", "Sánchez", "Çavuşoğlu", "Løkke", "Müller", "Öztürk", "Wałęsa",
    "Núñez", "Захарова", "Песков", "Медведев", "Небензя", "Schäfer",
    "Erdoğan", "Grünewald", "毅", "Đức", "Lê", "Árnason", "Dvořák"};
inline const char* const kCountries[] = {
    "Russia", "United States", "China", "Germany", "France", "Turkey", "India",
    "Australia", "Canada", "Japan", "Iran", "South Africa", "Brazil",
    "Ukraine", "Poland", "Indonesia", "Egypt", "Saudi Arabia", "Mexico",
    "Spain", "Italy", "United Kingdom", "Nigeria", "Jordan", "Morocco",
    "Algeria", "Norway", "Denmark", "Estonia", "Singapore", "Israel", "Qatar",
    "Pakistan", "Argentina", "Kenya", "Ethiopia", "Vietnam", "Philippines",
    "South Korea", "North Korea", "Belarus", "Kazakhstan", "Armenia",
    "Azerbaijan", "Georgia", "Serbia", "Hungary", "Greece", "Cyprus",
    "Venezuela", "Colombia", "Chile", "Peru", "Cuba", "Syria", "Lebanon",
    "Iraq", "Libya", "Sudan", "Mali", "Niger", "Chad", "Senegal", "Ghana",
    "Angola", "Mozambique", "Tanzania", "Uganda", "Rwanda", "Somalia",
    "Yemen", "Oman", "Kuwait", "Bahrain", "United Arab Emirates", "Tunisia",
    "Afghanistan", "Bangladesh", "Sri Lanka", "Nepal", "Myanmar", "Thailand",
    "Malaysia", "Cambodia", "Laos", "Mongolia", "New Zealand", "Fiji",
    "Finland", "Sweden", "Netherlands", "Belgium", "Austria", "Switzerland",
    "Portugal", "Ireland", "Czechia", "Slovakia", "Romania", "Bulgaria",
    "Moldova", "Lithuania", "Latvia", "Slovenia", "Croatia", "Bosnia and Herzegovina"};
inline const char* const kRoles[] = {
    "Ministry of Foreign Affairs of ", "President of ", "Prime Minister of ",
    "Foreign Minister of ", "Ambassador of ", "Permanent Representative of ",
    "Government of ", "Defence Minister of ", "Embassy of ",
    "Spokesperson of the Foreign Ministry of ", "Parliament of ",
    "Ministry of Defence of ", "National Security Council of ",
    "Deputy Foreign Minister of ", "Trade Minister of ", "Armed Forces of ",
    "Central Bank of ", "Opposition of ", "Consulate General of ",
    "Special Envoy of "};
inline const char* const kVerbs[] = {
    "said", "accused", "threatened", "urged", "condemned", "praised", "denied",
    "warned", "called on", "rejected", "welcomed", "demanded", "proposed",
    "promised", "criticised", "expressed concern to", "appealed to",
    "reaffirmed support for", "announced", "signalled"};
inline const char* const kCodes[] = {
    "010", "012", "013", "014", "015", "016", "017", "018", "019", "020",
    "021", "0211", "0212", "0213", "0214", "022", "023", "0231", "024", "025",
    "026", "027", "028", "030", "031", "0311", "032", "033", "036", "040",
    "041", "042", "043", "046", "050", "051", "057", "060", "061", "070",
    "080", "090", "100", "110", "111", "112", "1121", "1122", "114", "115",
    "120", "121", "125", "130", "131", "138", "140", "160", "161", "170",
    "172", "180", "190"};
inline const char* const kEventTypes[] = {
    "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "YIELD", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE"};
inline const char* const kTopicBases[] = {
    "nuclear non-proliferation", "grain exports", "sanctions", "arms control",
    "ceasefire", "humanitarian corridors", "energy security", "gas transit",
    "maritime security", "Black Sea", "South China Sea", "Taiwan Strait",
    "NATO enlargement", "EU accession", "climate finance", "debt relief",
    "refugees", "prisoner exchange", "peace talks", "UN Security Council",
    "WTO reform", "trade tariffs", "critical minerals", "cyber attacks",
    "election interference", "territorial integrity", "border dispute",
    "military exercises", "missile tests", "diplomatic expulsions",
    "visa regime", "airspace violation", "food security", "IAEA inspections",
    "oil price cap", "frozen assets", "war crimes", "ICC", "Arctic",
    "water rights"};
inline const char* const kOutlets[] = {
    "Reuters", "AP", "AFP", "TASS", "RIA Novosti", "Xinhua", "Izvestia",
    "Kommersant", "Le Monde", "Der Spiegel", "Anadolu", "Al Jazeera",
    "The Hindu", "Kyodo", "Yonhap", "BBC", "The Guardian", "El País", "Folha",
    "Ukrinform", "PAP", "Antara", "Ahram Online", "IRNA", "Dawn", "SCMP",
    "NHK", "Die Zeit", "Corriere", "Haaretz"};
inline const char* const kWords[] = {
    "the", "of", "and", "to", "in", "on", "for", "with", "that", "a",
    "government", "minister", "talks", "agreement", "security", "council",
    "resolution", "sanctions", "border", "troops", "forces", "region",
    "meeting", "summit", "delegation", "statement", "spokesperson",
    "negotiations", "ceasefire", "violation", "sovereignty", "territory",
    "cooperation", "partners", "allies", "escalation", "de-escalation",
    "dialogue", "framework", "commitment", "obligations", "treaty",
    "bilateral", "multilateral", "humanitarian", "assistance", "supplies",
    "pipeline", "exports", "imports", "tariffs", "investment", "economic",
    "military", "nuclear", "programme", "inspectors", "verification",
    "missile", "launch", "exercise", "drills", "airspace", "maritime",
    "vessels", "port", "blockade", "corridor", "refugees", "civilians",
    "casualties", "investigation", "accountability", "court", "tribunal",
    "embassy", "ambassador", "consulate", "visa", "expelled", "recalled",
    "protest", "note", "demarche", "warning", "threat", "response",
    "retaliation", "measures", "unacceptable", "provocation", "interference",
    "internal", "affairs", "stability", "peace", "process", "roadmap",
    "deadline", "proposal", "initiative", "plan", "support", "condemnation",
    "concern", "deeply", "firmly", "strongly", "immediately", "urgently",
    "unilateral", "illegal", "legitimate", "international", "law", "charter",
    "United", "Nations", "European", "Union", "African", "ASEAN", "G20",
    "Brussels", "Geneva", "Vienna", "Doha", "Ankara", "Beijing", "Moscow",
    "Washington", "Kyiv", "Warsaw", "Berlin", "Paris", "Tokyo", "Delhi"};

template <typename T>
inline void Shuffle(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.Below(i)]);
}

// kActors distinct actor names: people (some with a middle initial, about
// one in ten non-ASCII) and institutions. Shuffled, so the Zipf head mixes
// both kinds.
inline std::vector<std::string> MakeActors(Rng& rng) {
  std::vector<std::string> pool;
  std::unordered_set<std::string> seen;
  for (const char* role : kRoles)
    for (const char* country : kCountries) {
      std::string n = std::string(role) + country;
      if (seen.insert(n).second) pool.push_back(std::move(n));
    }
  while (pool.size() < kActors) {
    bool non_ascii = rng.Chance(10);
    std::string given = non_ascii ? rng.Pick(kGivenNonAscii) : rng.Pick(kGiven);
    std::string family = non_ascii ? rng.Pick(kFamilyNonAscii) : rng.Pick(kFamily);
    std::string n = given + " ";
    if (rng.Chance(85)) n += std::string(1, static_cast<char>('A' + rng.Below(26))) + ". ";
    n += family;
    if (seen.insert(n).second) pool.push_back(std::move(n));
  }
  pool.resize(kActors);
  Shuffle(pool, rng);
  return pool;
}

inline std::vector<std::string> MakeTopics(Rng& rng) {
  std::vector<std::string> pool;
  for (const char* t : kTopicBases) pool.emplace_back(t);
  for (const char* t : kTopicBases)
    for (const char* c : kCountries) pool.push_back(std::string(t) + ": " + c);
  Shuffle(pool, rng);
  pool.resize(kTopics);
  return pool;
}

struct Corpus {
  std::vector<std::string> actors, topics;  // by Zipf rank
  std::vector<Statement> statements;
  std::vector<uint32_t> actor_uses, topic_uses;  // statements naming each
  uint64_t bytes = 0;  // content bytes
};

// Generates the corpus one statement at a time (so a large one need not be
// held in memory). The i-th call to Next() returns statement i of an
// n-statement corpus; the stream depends only on (n, seed). Not thread-safe.
class CorpusGenerator {
 public:
  CorpusGenerator(size_t n, uint64_t seed)
      : n_(n),
        rng_(seed),
        actors_(MakeActors(rng_)),
        topics_(MakeTopics(rng_)),
        actor_uses_(actors_.size(), 0),
        topic_uses_(topics_.size(), 0),
        actor_zipf_(actors_.size(), kZipfS),
        topic_zipf_(topics_.size(), kZipfS) {}

  size_t size() const { return n_; }
  size_t generated() const { return i_; }
  const std::vector<std::string>& actors() const { return actors_; }  // by Zipf rank
  const std::vector<std::string>& topics() const { return topics_; }
  // Statements generated so far naming each actor / topic.
  const std::vector<uint32_t>& actor_uses() const { return actor_uses_; }
  const std::vector<uint32_t>& topic_uses() const { return topic_uses_; }
  uint64_t content_bytes() const { return bytes_; }

  // Requires generated() < size().
  Statement Next() {
    const size_t i = i_++;
    const size_t n = n_;
    Rng& rng = rng_;
    Statement s;
    std::vector<size_t> who;
    size_t speaker = actor_zipf_.Draw(rng);
    who.push_back(speaker);
    s.speaker = actors_[speaker];
    size_t n_targets = 1 + (rng.Chance(40) ? 1 + (rng.Chance(40) ? 1 : 0) : 0);
    for (int tries = 0; s.targets.size() < n_targets && tries < 20; ++tries) {
      size_t t = actor_zipf_.Draw(rng);
      if (std::find(who.begin(), who.end(), t) != who.end()) continue;
      who.push_back(t);
      s.targets.push_back(actors_[t]);
    }
    for (size_t a : who) ++actor_uses_[a];
    s.verb = rng.Pick(kVerbs);
    s.code = rng.Pick(kCodes);
    if (rng.Chance(50)) s.event_type = rng.Pick(kEventTypes);
    size_t n_topics = 1 + rng.Below(3);
    std::vector<size_t> tops;
    for (int tries = 0; tops.size() < n_topics && tries < 20; ++tries) {
      size_t t = topic_zipf_.Draw(rng);
      if (std::find(tops.begin(), tops.end(), t) != tops.end()) continue;
      tops.push_back(t);
      s.topics.push_back(topics_[t]);
      ++topic_uses_[t];
    }
    // Content 100-600 bytes: a lead naming the parties, then prose.
    size_t want = 100 + rng.Below(501);
    std::string text = s.speaker + " " + s.verb + " " + s.targets[0] + " on " +
                       s.topics[0] + ",";
    while (text.size() < want) {
      text += ' ';
      text += rng.Pick(kWords);
      if (rng.Chance(8)) text += rng.Chance(50) ? "," : ".";
    }
    if (text.size() > 600) text.resize(600);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
      text.pop_back();  // do not cut a UTF-8 sequence (names may be non-ASCII)
    if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80)) text.pop_back();
    text += '.';
    bytes_ += text.size();
    s.content = std::move(text);
    // Out of order: most statements arrive some days to weeks after they
    // occurred (the log's time advances through the ten years), a third
    // are archive backfill from anywhere in the span.
    constexpr int64_t kDay = 86400LL * 1000000;
    constexpr int64_t k2015 = 16436;  // days from 1970-01-01 to 2015-01-01
    constexpr int64_t kSpan = 3652;   // ten years of days
    int64_t trend = static_cast<int64_t>(double(i) / double(n) * kSpan);
    int64_t day;
    if (rng.Chance(33)) {
      day = static_cast<int64_t>(rng.Below(kSpan));
    } else {
      day = trend - static_cast<int64_t>(-30.0 * std::log(1.0 - rng.Unit()));
    }
    day = std::clamp<int64_t>(day, 0, kSpan - 1);
    s.occurred_at = {(k2015 + day) * kDay, annals::Precision::kDay};
    s.source.outlet = rng.Pick(kOutlets);
    char url[64];
    std::snprintf(url, sizeof url, "https://news.example/%08zx", i);  // unique
    s.source.url = url;
    return s;
  }

 private:
  size_t n_;
  size_t i_ = 0;
  Rng rng_;
  std::vector<std::string> actors_, topics_;
  std::vector<uint32_t> actor_uses_, topic_uses_;
  Zipf actor_zipf_, topic_zipf_;
  uint64_t bytes_ = 0;
};

// The whole corpus in memory.
inline Corpus MakeCorpus(size_t n, uint64_t seed) {
  CorpusGenerator gen(n, seed);
  Corpus c;
  c.statements.reserve(n);
  for (size_t i = 0; i < n; ++i) c.statements.push_back(gen.Next());
  c.actors = gen.actors();
  c.topics = gen.topics();
  c.actor_uses = gen.actor_uses();
  c.topic_uses = gen.topic_uses();
  c.bytes = gen.content_bytes();
  return c;
}

}  // namespace annals_bench

#endif  // ANNALS_BENCH_CORPUS_H_
