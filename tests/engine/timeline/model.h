// A brute-force reference model of the timeline semantics (timeline.h), and
// a random log generator that drives an Engine and the model in step.
//
// The model keeps every event appended and answers a query by scanning them
// all, applying the rules literally:
//  - as of N only events with seq <= N count;
//  - a statement's current values are those of its latest correction <= N;
//    it is retracted if a retraction <= N names it;
//  - aliases: parent[norm(alias)] = norm(canonical) in seq order, root()
//    follows parents; an actor query matches every name with the same root;
//  - aliased names (root != itself) are shown as the root's display name:
//    the canonical text of the latest alias event whose canonical is it;
//  - order (occurred_at.micros, precision, seq), reversible;
//  - from/to on the current occurred_at, `to` inclusive of its whole period.
#ifndef ANNALS_TESTS_ENGINE_TIMELINE_MODEL_H_
#define ANNALS_TESTS_ENGINE_TIMELINE_MODEL_H_

#include <stdlib.h>
#include <utf8proc.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/event.h"
#include "annals/json.h"
#include "annals/statement.h"
#include "annals/time.h"
#include "annals/timeline.h"

namespace annals::test {

// ---------------------------------------------------------------------------
// Normalisation and time helpers, written independently of the engine.

// NFC + full case folding + whitespace runs collapsed to one space, trimmed.
inline std::string NormUncached(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
      static_cast<utf8proc_ssize_t>(s.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                     UTF8PROC_CASEFOLD));
  std::string folded;
  if (n < 0) {
    folded = std::string(s);
  } else {
    folded.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  }
  free(out);
  std::string r;
  bool pending_space = false;
  for (char c : folded) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      pending_space = !r.empty();
      continue;
    }
    if (pending_space) r.push_back(' ');
    pending_space = false;
    r.push_back(c);
  }
  return r;
}

inline const std::string& Norm(const std::string& s) {
  thread_local std::unordered_map<std::string, std::string> cache;
  auto it = cache.find(s);
  if (it == cache.end()) it = cache.emplace(s, NormUncached(s)).first;
  return it->second;
}

// The end (exclusive) of the period a timestamp names, in micros.
inline int64_t PeriodEnd(const Timestamp& t) {
  using namespace std::chrono;
  constexpr int64_t kDay = 86400LL * 1000000;
  switch (t.precision) {
    case Precision::kSecond:
      return t.micros + 1000000;
    case Precision::kDay:
      return t.micros + kDay;
    case Precision::kMonth:
    case Precision::kYear: {
      int64_t d = t.micros >= 0 ? t.micros / kDay : -((-t.micros + kDay - 1) / kDay);
      year_month_day ymd{sys_days{days{d}}};
      if (t.precision == Precision::kMonth) {
        ymd += months{1};
      } else {
        ymd += years{1};
      }
      return static_cast<int64_t>(sys_days{ymd}.time_since_epoch().count()) * kDay;
    }
    case Precision::kNone:
      break;
  }
  return t.micros;
}

inline std::string QueryRoleName(Role r) {
  switch (r) {
    case Role::kSpeaker: return "speaker";
    case Role::kTarget: return "target";
    case Role::kAny: return "any";
  }
  return "role" + std::to_string(static_cast<int>(r));
}

inline std::string DescribeQuery(const TimelineQuery& q) {
  std::string s = q.kind == TimelineKind::kActor ? "actor" : "topic";
  if (!q.projection.empty()) {
    s = "projection " + q.projection + " key=[";
    for (const auto& k : q.key) s += "\"" + k + "\",";
    s += "]";
  }
  s += " name=\"" + q.name + "\" role=" + QueryRoleName(q.role);
  if (q.from.present()) s += " from=" + FormatTime(q.from);
  if (q.to.present()) s += " to=" + FormatTime(q.to);
  if (q.as_of) s += " as_of=" + std::to_string(*q.as_of);
  if (q.include_retracted) s += " include_retracted";
  if (q.reverse) s += " reverse";
  s += " limit=" + std::to_string(q.limit);
  return s;
}

inline std::string DescribeEntry(const TimelineEntry& e) {
  return "{status=" + std::string(EntryStatusName(e.status)) +
         " version_seq=" + std::to_string(e.version_seq) +
         " role=" + std::to_string(static_cast<int>(e.role)) +
         " target=" + std::to_string(e.event.target) + " reason=\"" +
         e.event.reason + "\" alias=\"" + e.event.alias + "\" canonical=\"" +
         e.event.canonical + "\" event=" + EventToJson(e.event) +
         " statement.id=\"" + e.event.statement.id + "\"}";
}

// Field-by-field comparison of a timeline against the expected one. Roles
// are compared only for actor timelines. Stops at the first difference.
inline ::testing::AssertionResult SameEntries(
    const std::vector<TimelineEntry>& got,
    const std::vector<TimelineEntry>& want, bool compare_role) {
  size_t n = std::min(got.size(), want.size());
  for (size_t i = 0; i < n; ++i) {
    const TimelineEntry& g = got[i];
    const TimelineEntry& w = want[i];
    bool same = g.event.seq == w.event.seq && g.event.id == w.event.id &&
                g.event.recorded_at == w.event.recorded_at &&
                g.event.kind == w.event.kind &&
                g.event.statement == w.event.statement &&
                g.event.target == w.event.target &&
                g.event.reason == w.event.reason &&
                g.event.alias == w.event.alias &&
                g.event.canonical == w.event.canonical &&
                g.status == w.status && g.version_seq == w.version_seq &&
                (!compare_role || g.role == w.role);
    if (!same) {
      std::string seqs_g, seqs_w;
      for (const auto& e : got) seqs_g += std::to_string(e.event.seq) + " ";
      for (const auto& e : want) seqs_w += std::to_string(e.event.seq) + " ";
      return ::testing::AssertionFailure()
             << "entry " << i << " differs\n   got: " << DescribeEntry(g)
             << "\n  want: " << DescribeEntry(w) << "\n   got seqs: " << seqs_g
             << "\n  want seqs: " << seqs_w;
    }
  }
  if (got.size() != want.size()) {
    std::string seqs_g, seqs_w;
    for (const auto& e : got) seqs_g += std::to_string(e.event.seq) + " ";
    for (const auto& e : want) seqs_w += std::to_string(e.event.seq) + " ";
    return ::testing::AssertionFailure()
           << "got " << got.size() << " entries, want " << want.size()
           << "\n   got seqs: " << seqs_g << "\n  want seqs: " << seqs_w
           << (got.size() > n ? "\n  first extra got: " + DescribeEntry(got[n])
                              : "\n  first missing: " + DescribeEntry(want[n]));
  }
  return ::testing::AssertionSuccess();
}

// Exact equality of two engine answers (Event ==, including schema_version).
inline ::testing::AssertionResult IdenticalEntries(
    const std::vector<TimelineEntry>& a, const std::vector<TimelineEntry>& b) {
  if (a.size() != b.size()) {
    return ::testing::AssertionFailure()
           << "sizes " << a.size() << " vs " << b.size();
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].event == b[i].event) || a[i].status != b[i].status ||
        a[i].version_seq != b[i].version_seq || a[i].role != b[i].role ||
        EventToJson(a[i].event) != EventToJson(b[i].event)) {
      return ::testing::AssertionFailure()
             << "entry " << i << " differs\n  before: " << DescribeEntry(a[i])
             << "\n   after: " << DescribeEntry(b[i]);
    }
  }
  return ::testing::AssertionSuccess();
}

// All pages of a query, following next_cursor. `as_of` gets every page's
// as_of (they must agree).
inline absl::StatusOr<std::vector<TimelineEntry>> FetchAll(
    const Engine& engine, TimelineQuery q, uint64_t* as_of = nullptr,
    size_t* pages = nullptr) {
  std::vector<TimelineEntry> all;
  q.cursor.clear();
  size_t n = 0;
  std::set<std::string> seen_cursors;
  for (;;) {
    auto page = engine.Timeline(q);
    if (!page.ok()) return page.status();
    ++n;
    if (as_of) {
      if (n > 1 && *as_of != page->as_of) {
        return absl::InternalError("page " + std::to_string(n) + " as_of " +
                                   std::to_string(page->as_of) + " != " +
                                   std::to_string(*as_of));
      }
      *as_of = page->as_of;
    }
    if (q.limit != 0 && page->entries.size() > q.limit) {
      return absl::InternalError("page of " +
                                 std::to_string(page->entries.size()) +
                                 " entries with limit " +
                                 std::to_string(q.limit));
    }
    for (auto& e : page->entries) all.push_back(std::move(e));
    if (page->next_cursor.empty()) break;
    if (q.limit == 0) return absl::InternalError("cursor with limit 0");
    if (!seen_cursors.insert(page->next_cursor).second) {
      return absl::InternalError("cursor repeated: " + page->next_cursor);
    }
    if (n > 100000) return absl::InternalError("too many pages");
    q.cursor = page->next_cursor;
  }
  if (pages) *pages = n;
  return all;
}

// ---------------------------------------------------------------------------
// The model.

class ModelLog {
 public:
  // `e.statement` for kStatement must carry e.id as its id.
  void Add(Event e) {
    EXPECT_EQ(e.seq, events_.size() + 1) << "model events out of order";
    if (e.kind == EventKind::kStatement) {
      e.statement.id = e.id;
      statements_.push_back(e.seq);
    }
    events_.push_back(std::move(e));
  }

  // Rebuilds from the engine's log as stored.
  static absl::StatusOr<ModelLog> FromEngine(const Engine& engine) {
    ModelLog m;
    auto events = engine.Read(1, engine.Head() + 1);
    if (!events.ok()) return events.status();
    for (auto& e : *events) m.Add(std::move(e));
    return m;
  }

  uint64_t head() const { return events_.size(); }
  const std::vector<Event>& events() const { return events_; }
  const Event& event(uint64_t seq) const { return events_.at(seq - 1); }
  const std::vector<uint64_t>& statement_seqs() const { return statements_; }

  // Everything the log says as of N, resolved once.
  struct View {
    uint64_t as_of = 0;
    std::map<std::string, std::string> parent;   // norm alias -> norm canonical
    std::map<std::string, std::string> display;  // norm canonical -> text
    std::map<uint64_t, uint64_t> latest_correction;  // statement -> seq
    std::set<uint64_t> retracted;
    const ModelLog* log = nullptr;

    std::string Root(const std::string& normed) const {
      std::string x = normed;
      for (int guard = 0; guard < 10000; ++guard) {
        auto it = parent.find(x);
        if (it == parent.end()) return x;
        x = it->second;
      }
      ADD_FAILURE() << "alias cycle in the model at " << normed;
      return x;
    }
    // Whether following parents from `from` reaches `target` (inclusive).
    bool Reaches(const std::string& from, const std::string& target) const {
      std::string x = from;
      for (int guard = 0; guard < 10000; ++guard) {
        if (x == target) return true;
        auto it = parent.find(x);
        if (it == parent.end()) return false;
        x = it->second;
      }
      return true;
    }
    std::string Shown(const std::string& name) const {
      const std::string& n = Norm(name);
      std::string r = Root(n);
      auto it = display.find(r);
      if (it == display.end()) {
        if (r != n) ADD_FAILURE() << "no display name for root " << r;
        return name;
      }
      return it->second;
    }

    // What Engine::Counts answers for "actors" (`actors`) or "topics" as
    // of this view, in [from, to]: current statements per alias root (per
    // normalised topic), each statement once per root.
    // `speakers`: a declarative projection keyed by speaker (aliases apply
    // as to actors).
    std::map<std::string, uint64_t> Counts(bool actors, const Timestamp& from,
                                           const Timestamp& to, bool speakers = false) const {
      std::map<std::string, uint64_t> out;
      for (uint64_t seq : log->statements_) {
        if (seq > as_of) break;
        if (IsRetracted(seq)) continue;
        const Statement& cur = Current(seq);
        if (from.present() && cur.occurred_at.micros < from.micros) continue;
        if (to.present() && cur.occurred_at.micros >= PeriodEnd(to)) continue;
        std::set<std::string> keys;
        if (speakers) {
          if (!Norm(cur.speaker).empty()) keys.insert(Root(Norm(cur.speaker)));
        } else if (actors) {
          if (!cur.speaker.empty()) keys.insert(Root(Norm(cur.speaker)));
          for (const auto& t : cur.targets) keys.insert(Root(Norm(t)));
        } else {
          for (const auto& t : cur.topics) keys.insert(Norm(t));
        }
        for (const auto& k : keys) ++out[k];
      }
      return out;
    }
    // The name Engine::Counts shows for each group of "actors" (by alias
    // root) or "topics" (by normalised topic) as of this view: an alias
    // class's canonical name, else the form most current statements wrote
    // (a statement's first form of the name: speaker, then targets in
    // order), ties to the bytewise first.
    std::map<std::string, std::string> ShownNames(bool actors, bool speakers = false) const {
      std::map<std::string, std::map<std::string, uint64_t>> forms;
      for (uint64_t seq : log->statements_) {
        if (seq > as_of) break;
        if (IsRetracted(seq)) continue;
        const Statement& cur = Current(seq);
        std::vector<std::string> written;
        if (actors) {
          written.push_back(cur.speaker);
          if (!speakers) written.insert(written.end(), cur.targets.begin(), cur.targets.end());
        } else {
          written = cur.topics;
        }
        std::set<std::string> seen;
        for (const std::string& w : written) {
          const std::string& n = Norm(w);
          if (!n.empty() && seen.insert(n).second) ++forms[n][w];
        }
      }
      std::map<std::string, std::string> out;
      for (const auto& [n, counts] : forms) {
        const std::string key = actors ? Root(n) : n;
        if (actors && display.count(key)) {
          out[key] = display.at(key);
          continue;
        }
        uint64_t most = 0;
        for (const auto& [w, k] : counts)
          if (k > most) {
            most = k;
            out[key] = w;
          }
      }
      return out;
    }
    bool IsRetracted(uint64_t seq) const { return retracted.count(seq) > 0; }
    // Current raw values (no alias display) and the version seq.
    const Statement& Current(uint64_t seq, uint64_t* version = nullptr) const {
      auto it = latest_correction.find(seq);
      if (it == latest_correction.end()) {
        if (version) *version = seq;
        return log->event(seq).statement;
      }
      if (version) *version = it->second;
      return log->event(it->second).statement;
    }

    // The entry for statement `seq` as of this view.
    TimelineEntry MakeEntry(uint64_t seq, Role role) const {
      uint64_t version = 0;
      const Statement& cur = Current(seq, &version);
      const Event& orig = log->event(seq);
      TimelineEntry e;
      e.event.seq = seq;
      e.event.id = orig.id;
      e.event.recorded_at = orig.recorded_at;
      e.event.schema_version = orig.schema_version;
      e.event.kind = EventKind::kStatement;
      e.event.statement = cur;
      e.event.statement.id = orig.id;
      if (!cur.speaker.empty()) e.event.statement.speaker = Shown(cur.speaker);
      for (auto& t : e.event.statement.targets) t = Shown(t);
      e.status = IsRetracted(seq) ? EntryStatus::kRetracted
                 : (version != seq ? EntryStatus::kCorrected
                                   : EntryStatus::kActive);
      e.version_seq = version;
      e.role = role;
      return e;
    }

    static void SortEntries(std::vector<TimelineEntry>* out) {
      std::stable_sort(out->begin(), out->end(),
                       [](const TimelineEntry& a, const TimelineEntry& b) {
                         const Timestamp& x = a.event.statement.occurred_at;
                         const Timestamp& y = b.event.statement.occurred_at;
                         if (x.micros != y.micros) return x.micros < y.micros;
                         if (x.precision != y.precision) {
                           return x.precision < y.precision;
                         }
                         return a.event.seq < b.event.seq;
                       });
    }

    std::vector<TimelineEntry> Query(const TimelineQuery& q) const {
      std::vector<TimelineEntry> out;
      std::string qroot;
      std::string qnorm = Norm(q.name);
      if (q.kind == TimelineKind::kActor) qroot = Root(qnorm);
      for (uint64_t seq : log->statements_) {
        if (seq > as_of) break;
        bool ret = IsRetracted(seq);
        if (ret && !q.include_retracted) continue;
        uint64_t version = 0;
        const Statement& cur = Current(seq, &version);
        uint8_t role = 0;
        if (q.kind == TimelineKind::kActor) {
          if (!cur.speaker.empty() && Root(Norm(cur.speaker)) == qroot) {
            role |= static_cast<uint8_t>(Role::kSpeaker);
          }
          for (const auto& t : cur.targets) {
            if (Root(Norm(t)) == qroot) role |= static_cast<uint8_t>(Role::kTarget);
          }
          if ((role & static_cast<uint8_t>(q.role)) == 0) continue;
        } else {
          bool hit = false;
          for (const auto& t : cur.topics) hit = hit || Norm(t) == qnorm;
          if (!hit) continue;
        }
        if (q.from.present() && cur.occurred_at.micros < q.from.micros) continue;
        if (q.to.present() && cur.occurred_at.micros >= PeriodEnd(q.to)) continue;
        out.push_back(MakeEntry(seq, q.kind == TimelineKind::kActor
                                         ? static_cast<Role>(role)
                                         : Role::kAny));
      }
      SortEntries(&out);
      if (q.reverse) std::reverse(out.begin(), out.end());
      return out;
    }
  };

  View ViewAt(uint64_t n) const {
    View v;
    v.as_of = n;
    v.log = this;
    for (uint64_t seq = 1; seq <= n && seq <= events_.size(); ++seq) {
      const Event& e = events_[seq - 1];
      switch (e.kind) {
        case EventKind::kActorAlias:
          v.parent[Norm(e.alias)] = Norm(e.canonical);
          v.display[Norm(e.canonical)] = e.canonical;
          break;
        case EventKind::kCorrection:
          v.latest_correction[e.target] = seq;
          break;
        case EventKind::kRetraction:
          v.retracted.insert(e.target);
          break;
        case EventKind::kStatement:
          break;
      }
    }
    return v;
  }

  std::vector<TimelineEntry> Query(const TimelineQuery& q) const {
    return ViewAt(q.as_of.value_or(head())).Query(q);
  }

  // Every name text that appears anywhere (statements, corrections,
  // aliases), and every topic text.
  std::set<std::string> ActorTexts() const {
    std::set<std::string> out;
    for (const auto& e : events_) {
      if (e.kind == EventKind::kActorAlias) {
        out.insert(e.alias);
        out.insert(e.canonical);
      } else if (e.kind == EventKind::kStatement ||
                 e.kind == EventKind::kCorrection) {
        if (!e.statement.speaker.empty()) out.insert(e.statement.speaker);
        for (const auto& t : e.statement.targets) out.insert(t);
      }
    }
    return out;
  }
  std::set<std::string> TopicTexts() const {
    std::set<std::string> out;
    for (const auto& e : events_) {
      if (e.kind == EventKind::kStatement || e.kind == EventKind::kCorrection) {
        for (const auto& t : e.statement.topics) out.insert(t);
      }
    }
    return out;
  }

 private:
  std::vector<Event> events_;
  std::vector<uint64_t> statements_;
};

// ---------------------------------------------------------------------------
// Names used by the generator: each actor with spelling variants that
// normalise alike (case, whitespace, composed/decomposed accents).

inline std::string AsciiUpper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}
inline std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}
inline std::string Spaced(const std::string& s) {
  std::string r = " ";
  for (char c : s) {
    if (c == ' ') {
      r += "  \t ";
    } else {
      r.push_back(c);
    }
  }
  return r + " ";
}

inline std::vector<std::vector<std::string>> ActorVariants() {
  std::vector<std::vector<std::string>> out;
  for (const char* base :
       {"Volodymyr Zelensky", "Vladimir Putin", "Donald Trump",
        "Maria Zakharova", "Sergey Lavrov", "Kirill Dmitriev",
        "Emmanuel Macron", "Olaf Scholz", "Xi Jinping", "Keir Starmer",
        "Ursula von der Leyen", "Antonio Guterres", "NATO", "European Union",
        "United States", "Russia", "Ukraine"}) {
    std::string b = base;
    out.push_back({b, AsciiUpper(b), AsciiLower(b), Spaced(b)});
  }
  // Non-ASCII: decomposed accents and Cyrillic case.
  out.push_back({"Recep Tayyip Erdo\xC4\x9F" "an",             // ğ
                 "RECEP TAYYIP ERDO\xC4\x9E" "AN",             // Ğ
                 "recep  tayyip erdog\xCC\x86" "an"});         // g + breve
  out.push_back({"Jos\xC3\xA9 M\xC3\xBCller",                  // José Müller
                 "Jose\xCC\x81 Mu\xCC\x88ller",                // decomposed
                 "JOS\xC3\x89  M\xC3\x9CLLER"});               // JOSÉ MÜLLER
  out.push_back({"\xD0\x9C\xD0\xB0\xD1\x80\xD0\xB8\xD1\x8F \xD0\x97\xD0\xB0"
                 "\xD1\x85\xD0\xB0\xD1\x80\xD0\xBE\xD0\xB2\xD0\xB0",  // Мария Захарова
                 "\xD0\x9C\xD0\x90\xD0\xA0\xD0\x98\xD0\xAF \xD0\x97\xD0\x90"
                 "\xD0\xA5\xD0\x90\xD0\xA0\xD0\x9E\xD0\x92\xD0\x90",  // МАРИЯ ЗАХАРОВА
                 " \xD0\xBC\xD0\xB0\xD1\x80\xD0\xB8\xD1\x8F\t\xD0\xB7\xD0\xB0"
                 "\xD1\x85\xD0\xB0\xD1\x80\xD0\xBE\xD0\xB2\xD0\xB0 "});  // мария захарова
  return out;
}

// Names that only ever appear in aliases.
inline std::vector<std::string> GhostNames() {
  return {"Zelenskyy", "V. Zelensky", "President Putin", "POTUS",
          "The Kremlin", "Washington", "Kyiv"};
}

inline std::vector<std::vector<std::string>> TopicVariants() {
  std::vector<std::vector<std::string>> out;
  for (const char* base :
       {"sanctions", "rare earth metals", "Ukraine war", "peace process",
        "US-Russia relations", "ceasefire", "Russian oil"}) {
    std::string b = base;
    out.push_back({b, AsciiUpper(b), Spaced(b)});
  }
  out.push_back({"Балтика", "БАЛТИКА", " балтика"});
  return out;
}

// ---------------------------------------------------------------------------
// The generator: random statements, corrections, retractions and aliases,
// applied to the engine and mirrored into the model.

struct GenOptions {
  int p_correct = 15;  // percent of steps
  int p_retract = 8;
  int p_alias = 8;
  AppendOptions append;  // durability for every append
  size_t max_actors = 0;  // use only the first N actors (0 = all)
  // Called on every random statement and on every correction's new values
  // (codes, attributes a test needs), with the generator's random engine.
  std::function<void(Statement&, std::mt19937_64&)> decorate;
};

class Generator {
 public:
  // Points later steps at another engine (after a reopen of the store).
  void set_engine(Engine* engine) { engine_ = engine; }
  Generator(uint64_t seed, Engine* engine, ModelLog* model,
            GenOptions options = {})
      : rng_(seed),
        seed_(seed),
        engine_(engine),
        model_(model),
        options_(options),
        actors_(ActorVariants()),
        topics_(TopicVariants()),
        ghosts_(GhostNames()) {
    if (options_.max_actors != 0 && options_.max_actors < actors_.size()) {
      actors_.resize(options_.max_actors);
    }
  }

  std::mt19937_64& rng() { return rng_; }
  int Uniform(int lo, int hi) {  // inclusive
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool Percent(int p) { return Uniform(0, 99) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }

  std::string ActorName() { return Pick(Pick(actors_)); }
  std::string TopicName() { return Pick(Pick(topics_)); }

  // Small sets of dates so that timestamps tie, also across precisions
  // ("2024", "2024-01", "2024-01-01", "2024-01-01T00:00:00Z" share micros).
  Timestamp RandomTime() {
    static const int kYears[] = {2023, 2024, 2025};
    static const int kMonths[] = {1, 2, 6, 12};
    static const int kDays[] = {1, 2, 15, 31};
    int y = kYears[Uniform(0, 2)];
    int m = kMonths[Uniform(0, 3)];
    int d = kDays[Uniform(0, 3)];
    if (d == 31 && (m == 2 || m == 6)) d = 28;
    char buf[64];
    switch (Uniform(0, 3)) {
      case 0:
        snprintf(buf, sizeof buf, "%04d", y);
        break;
      case 1:
        snprintf(buf, sizeof buf, "%04d-%02d", y, m);
        break;
      case 2:
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        break;
      default: {
        static const char* kClock[] = {"00:00:00", "00:00:00", "12:30:00",
                                       "23:59:59"};
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%sZ", y, m, d,
                 kClock[Uniform(0, 3)]);
      }
    }
    auto t = ParseTime(buf);
    EXPECT_TRUE(t.ok()) << buf;
    return t.ok() ? *t : Timestamp{};
  }

  Statement RandomStatement() {
    static const char* kCodes[] = {"010", "0211", "112", "1312",
                                   "046", "0311", "1041", "11"};
    Statement s;
    int n = counter_++;
    if (Percent(50)) s.id = "c-" + std::to_string(seed_) + "-" + std::to_string(n);
    if (Percent(92)) s.speaker = ActorName();
    int nt = Uniform(s.speaker.empty() ? 1 : 0, 3);
    for (int i = 0; i < nt; ++i) s.targets.push_back(ActorName());
    s.verb = "said";
    s.code = kCodes[Uniform(0, 7)];
    int ntop = Uniform(0, 3);
    for (int i = 0; i < ntop; ++i) s.topics.push_back(TopicName());
    s.content = "statement " + std::to_string(seed_) + "/" + std::to_string(n);
    s.occurred_at = RandomTime();
    if (options_.decorate) options_.decorate(s, rng_);
    return s;
  }

  // Adds event `seq` to the model, with `sent` as its statement text.
  absl::Status Mirror(uint64_t seq, const Statement* sent) {
    auto ev = engine_->Get(seq);
    if (!ev.ok()) return ev.status();
    Event e = *std::move(ev);
    if (sent != nullptr) {
      e.statement = *sent;
      if (e.kind == EventKind::kStatement) e.statement.id = e.id;
    }
    model_->Add(std::move(e));
    return absl::OkStatus();
  }

  absl::Status AppendStatement() {
    Statement s = RandomStatement();
    auto r = engine_->Append(s, options_.append);
    if (!r.ok()) return r.status();
    if (r->duplicate) return absl::InternalError("unexpected duplicate");
    if (r->seq != model_->head() + 1) return absl::InternalError("seq gap");
    return Mirror(r->seq, &s);
  }

  // Appends `n` random statements in one batch.
  absl::Status AppendBatch(int n) {
    std::vector<Statement> batch;
    for (int i = 0; i < n; ++i) batch.push_back(RandomStatement());
    auto r = engine_->Append(batch, options_.append);
    if (!r.ok()) return r.status();
    auto events = engine_->Read(model_->head() + 1, batch.size());
    if (!events.ok()) return events.status();
    if (events->size() != batch.size()) return absl::InternalError("short read");
    for (size_t i = 0; i < batch.size(); ++i) {
      Event e = (*events)[i];
      e.statement = batch[i];
      e.statement.id = e.id;
      model_->Add(std::move(e));
    }
    return absl::OkStatus();
  }

  std::vector<uint64_t> LiveStatements(const ModelLog::View& v) const {
    std::vector<uint64_t> out;
    for (uint64_t s : model_->statement_seqs()) {
      if (!v.IsRetracted(s)) out.push_back(s);
    }
    return out;
  }

  absl::Status CorrectOne() {
    ModelLog::View v = model_->ViewAt(model_->head());
    auto live = LiveStatements(v);
    if (live.empty()) return AppendStatement();
    uint64_t target = Pick(live);
    Statement c = v.Current(target);
    c.id.clear();
    int n = counter_++;
    c.content = "corrected " + std::to_string(seed_) + "/" + std::to_string(n);
    if (Percent(30)) c.speaker = Percent(85) ? ActorName() : "";
    if (Percent(30)) {
      c.targets.clear();
      int nt = Uniform(0, 2);
      for (int i = 0; i < nt; ++i) c.targets.push_back(ActorName());
    }
    if (c.speaker.empty() && c.targets.empty()) c.targets.push_back(ActorName());
    if (Percent(30)) {
      c.topics.clear();
      int ntop = Uniform(0, 2);
      for (int i = 0; i < ntop; ++i) c.topics.push_back(TopicName());
    }
    if (Percent(35)) c.occurred_at = RandomTime();
    if (Percent(15)) c.code = "0211";
    if (options_.decorate && Percent(50)) options_.decorate(c, rng_);
    auto r = engine_->Correct(target, c, "fix " + std::to_string(n),
                              options_.append);
    if (!r.ok()) {
      return absl::Status(r.status().code(),
                          "Correct(" + std::to_string(target) +
                              "): " + std::string(r.status().message()));
    }
    if (r->duplicate || r->seq != model_->head() + 1) {
      return absl::InternalError("correction got seq " + std::to_string(r->seq));
    }
    return Mirror(r->seq, &c);
  }

  absl::Status RetractOne() {
    ModelLog::View v = model_->ViewAt(model_->head());
    auto live = LiveStatements(v);
    if (live.empty()) return AppendStatement();
    uint64_t target = Pick(live);
    auto r = engine_->Retract(target, "withdrawn " + std::to_string(counter_++),
                              options_.append);
    if (!r.ok()) {
      return absl::Status(r.status().code(),
                          "Retract(" + std::to_string(target) +
                              "): " + std::string(r.status().message()));
    }
    if (r->duplicate || r->seq != model_->head() + 1) {
      return absl::InternalError("retraction got seq " + std::to_string(r->seq));
    }
    return Mirror(r->seq, nullptr);
  }

  std::string AliasName() {
    return Percent(20) ? Pick(ghosts_) : ActorName();
  }

  // A valid alias (no cycle, distinct names); sometimes first tries an
  // invalid one and checks that it is refused without writing anything.
  absl::Status AliasOne() {
    ModelLog::View v = model_->ViewAt(model_->head());
    for (int attempt = 0; attempt < 200; ++attempt) {
      std::string a = AliasName();
      std::string c = AliasName();
      // Prefer chains: often point at a name that already has a parent, or
      // re-point a name that has one.
      if (!v.parent.empty() && Percent(40)) {
        auto it = v.parent.begin();
        std::advance(it, Uniform(0, static_cast<int>(v.parent.size()) - 1));
        if (Percent(50)) {
          c = it->first;  // alias -> an alias (chain)
        } else {
          a = it->first;  // re-point an alias
        }
      }
      bool equal = Norm(a) == Norm(c);
      bool cycle = !equal && v.Reaches(Norm(c), Norm(a));
      if (equal || cycle) {
        if (Percent(30)) {
          uint64_t head = engine_->Head();
          auto r = engine_->Alias(a, c, options_.append);
          if (r.ok() || r.status().code() != absl::StatusCode::kInvalidArgument) {
            return absl::InternalError(
                "Alias(\"" + a + "\", \"" + c + "\") should be refused (" +
                (equal ? "same name" : "cycle") + "), got " +
                (r.ok() ? "seq " + std::to_string(r->seq)
                        : r.status().ToString()));
          }
          if (engine_->Head() != head) {
            return absl::InternalError("refused alias wrote something");
          }
        }
        continue;
      }
      auto r = engine_->Alias(a, c, options_.append);
      if (!r.ok()) {
        return absl::Status(r.status().code(),
                            "Alias(\"" + a + "\", \"" + c +
                                "\"): " + std::string(r.status().message()));
      }
      if (r->duplicate) return absl::OkStatus();  // same alias event again
      if (r->seq != model_->head() + 1) {
        return absl::InternalError("alias got seq " + std::to_string(r->seq));
      }
      return Mirror(r->seq, nullptr);
    }
    return AppendStatement();
  }

  absl::Status Step() {
    int x = Uniform(0, 99);
    if (x < options_.p_correct) return CorrectOne();
    x -= options_.p_correct;
    if (x < options_.p_retract) return RetractOne();
    x -= options_.p_retract;
    if (x < options_.p_alias) return AliasOne();
    return AppendStatement();
  }

  // Names to query: every variant of every actor and every ghost, plus a
  // name nobody uses.
  std::vector<std::string> AllActorQueries() const {
    std::vector<std::string> out;
    for (const auto& vs : actors_) {
      for (const auto& v : vs) out.push_back(v);
    }
    for (const auto& g : ghosts_) out.push_back(g);
    out.push_back("Nobody At All");
    return out;
  }
  std::vector<std::string> AllTopicQueries() const {
    std::vector<std::string> out;
    for (const auto& vs : topics_) {
      for (const auto& v : vs) out.push_back(v);
    }
    out.push_back("no such topic");
    return out;
  }
  // One spelling per actor / topic.
  std::vector<std::string> ActorQueries() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < actors_.size(); ++i) {
      out.push_back(actors_[i][i % actors_[i].size()]);
    }
    for (const auto& g : ghosts_) out.push_back(g);
    return out;
  }
  std::vector<std::string> TopicQueries() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < topics_.size(); ++i) {
      out.push_back(topics_[i][i % topics_[i].size()]);
    }
    return out;
  }
  // The actor and topic queries above as of each of `points`, without and
  // with retracted statements (first pages; limit as TimelineQuery's).
  std::vector<TimelineQuery> AsOfQueries(const std::vector<uint64_t>& points) const {
    std::vector<TimelineQuery> out;
    for (uint64_t as_of : points)
      for (bool incl : {false, true})
        for (TimelineKind kind : {TimelineKind::kActor, TimelineKind::kTopic})
          for (const auto& name : kind == TimelineKind::kActor ? ActorQueries() : TopicQueries()) {
            TimelineQuery q;
            q.kind = kind;
            q.name = name;
            q.as_of = as_of;
            q.include_retracted = incl;
            out.push_back(q);
          }
    return out;
  }

 private:
  std::mt19937_64 rng_;
  uint64_t seed_;
  Engine* engine_;
  ModelLog* model_;
  GenOptions options_;
  std::vector<std::vector<std::string>> actors_;
  std::vector<std::vector<std::string>> topics_;
  std::vector<std::string> ghosts_;
  int counter_ = 0;
};

// Compares one query (all pages) between engine and model.
inline ::testing::AssertionResult EngineMatchesModel(const Engine& engine,
                                                     const ModelLog& model,
                                                     const TimelineQuery& q) {
  uint64_t as_of = 0;
  auto got = FetchAll(engine, q, &as_of);
  if (!got.ok()) {
    return ::testing::AssertionFailure()
           << DescribeQuery(q) << ": " << got.status();
  }
  uint64_t want_as_of = q.as_of.value_or(model.head());
  if (as_of != want_as_of) {
    return ::testing::AssertionFailure()
           << DescribeQuery(q) << ": page.as_of " << as_of << ", want "
           << want_as_of;
  }
  auto r = SameEntries(*got, model.Query(q), q.kind == TimelineKind::kActor);
  if (!r) return ::testing::AssertionFailure() << DescribeQuery(q) << ": " << r.message();
  return r;
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_ENGINE_TIMELINE_MODEL_H_
