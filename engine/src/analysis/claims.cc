// Claims (annals/claims.h): a timeline read page by page, its statements
// joined by an exact key and, optionally, by MinHash near-duplicate
// content under one speaker within a window; union-find gives the claims.
#include "annals/claims.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/timeline_walk.h"
#include "annals/matching.h"
#include "model/names.h"
#include "xxhash.h"

namespace annals {
namespace {

constexpr size_t kHashes = 64;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
constexpr int kMaxWindowDays = 36600;  // a century: no overflow in micros

std::vector<std::string> Shingles(std::string_view text) {
  std::vector<std::string> words = absl::StrSplit(FoldName(text), ' ', absl::SkipEmpty());
  if (words.size() < 3) return words;
  std::vector<std::string> out;
  out.reserve(words.size() - 2);
  for (size_t i = 0; i + 2 < words.size(); ++i)
    out.push_back(absl::StrCat(words[i], " ", words[i + 1], " ", words[i + 2]));
  return out;
}

// Same speaker, targets (a set), code and date at its precision; without
// a code, the same verb and words too (a code says what was done, a verb
// alone does not).
std::string ExactKey(const Statement& s) {
  std::set<std::string> targets;
  for (const std::string& t : s.targets) targets.insert(internal::NormalizeName(t));
  std::string key = absl::StrCat(internal::NormalizeName(s.speaker), "\n",
                                 absl::StrJoin(targets, "\t"), "\n", s.code, "\n",
                                 static_cast<int>(s.occurred_at.precision), "\n",
                                 s.occurred_at.micros);
  if (s.code.empty())
    absl::StrAppend(&key, "\n", s.verb, "\n", s.content.empty() ? s.quote : s.content);
  return key;
}

struct UnionFind {
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), size_t{0}); }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(size_t a, size_t b) {
    a = Find(a), b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the earlier one leads
  }
  std::vector<size_t> parent;
};

void JoinNearDuplicates(const std::vector<TimelineEntry>& entries, const ClaimsQuery& q,
                        UnionFind* uf) {
  std::map<std::string, std::vector<size_t>> by_speaker;  // in timeline order
  for (size_t i = 0; i < entries.size(); ++i)  // no speaker: no near-duplicates
    if (!entries[i].event.statement.speaker.empty())
      by_speaker[internal::NormalizeName(entries[i].event.statement.speaker)].push_back(i);
  const int64_t window = int64_t{q.window_days} * kMicrosPerDay;
  std::vector<std::vector<uint64_t>> sig(entries.size());
  for (const auto& [speaker, members] : by_speaker) {
    for (size_t i : members) {
      const Statement& s = entries[i].event.statement;
      sig[i] = ContentSignature(s.content.empty() ? s.quote : s.content);
    }
    for (size_t a = 0; a < members.size(); ++a) {
      const int64_t at = entries[members[a]].event.statement.occurred_at.micros;
      for (size_t b = a + 1; b < members.size(); ++b) {
        if (entries[members[b]].event.statement.occurred_at.micros - at > window) break;
        if (ContentSimilarity(sig[members[a]], sig[members[b]]) >= q.similarity)
          uf->Join(members[a], members[b]);
      }
    }
  }
}

}  // namespace

std::vector<uint64_t> ContentSignature(std::string_view text) {
  const std::vector<std::string> shingles = Shingles(text);
  if (shingles.empty()) return {};
  std::vector<uint64_t> sig(kHashes, ~uint64_t{0});
  for (const std::string& s : shingles)
    for (size_t i = 0; i < kHashes; ++i)
      sig[i] = std::min<uint64_t>(sig[i],
                                  XXH64(s.data(), s.size(), 0x9E3779B97F4A7C15ull * (i + 1)));
  return sig;
}

double ContentSimilarity(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() || b.empty() || a.size() != b.size()) return 0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / static_cast<double>(a.size());
}

namespace {

// Counts the mentions of every claim's reports as of `as_of` (ids[i]: the
// ids of reports of claim claim_of[i]), adding their outlets to the
// claim's `outlets`. A few thousand ids a call: one round trip each
// through a server.
absl::Status AddMentions(const Engine& engine, uint64_t as_of,
                         const std::vector<std::string>& ids,
                         const std::vector<size_t>& claim_of, std::vector<Claim>& claims,
                         std::vector<std::set<std::string>>& outlets) {
  constexpr size_t kIdsPerCall = 4096;
  for (size_t start = 0; start < ids.size(); start += kIdsPerCall) {
    const size_t n = std::min(kIdsPerCall, ids.size() - start);
    auto lists = engine.MentionsOf(std::span<const std::string>(ids.data() + start, n), as_of);
    if (!lists.ok()) return lists.status();
    if (lists->size() != n) return absl::InternalError("MentionsOf: one list per id expected");
    for (size_t i = 0; i < n; ++i) {
      const size_t c = claim_of[start + i];
      claims[c].mentions += (*lists)[i].size();
      for (const MentionRef& m : (*lists)[i])
        if (!m.outlet.empty()) outlets[c].insert(internal::NormalizeName(m.outlet));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Claims> ComputeClaims(const Engine& engine, const ClaimsQuery& q) {
  if (!(q.similarity >= 0 && q.similarity <= 1))
    return absl::InvalidArgumentError("similarity: from 0 (exact claims only) to 1");
  if (q.window_days < 0 || q.window_days > kMaxWindowDays)
    return absl::InvalidArgumentError(
        absl::StrCat("window: from 0 to ", kMaxWindowDays, " days"));
  Claims out;
  std::vector<TimelineEntry> entries;
  auto as_of = internal::WalkTimeline(
      engine, q.timeline, [&](TimelineEntry& e) { entries.push_back(std::move(e)); });
  if (!as_of.ok()) return as_of.status();
  out.as_of = *as_of;
  out.statements = entries.size();
  UnionFind uf(entries.size());
  std::map<std::string, size_t> first_of;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto [it, fresh] = first_of.emplace(ExactKey(entries[i].event.statement), i);
    if (!fresh) uf.Join(it->second, i);
  }
  if (q.similarity > 0) JoinNearDuplicates(entries, q, &uf);
  std::map<size_t, size_t> claim_of;  // root -> index in out.claims
  std::vector<std::set<std::string>> outlets;
  std::vector<std::string> ids;         // every report's id, in entry order
  std::vector<size_t> claim_of_id;      // the claim of ids[i]
  for (size_t i = 0; i < entries.size(); ++i) {
    const TimelineEntry& e = entries[i];
    auto [it, fresh] = claim_of.emplace(uf.Find(i), out.claims.size());
    if (fresh) {
      out.claims.push_back({e, {}, e.event.statement.occurred_at, {}, 0});
      outlets.emplace_back();
    }
    Claim& c = out.claims[it->second];
    c.seqs.push_back(e.event.seq);
    if (q.mentions) {
      ids.push_back(e.event.id);
      claim_of_id.push_back(it->second);
    }
    c.last_at = std::max(c.last_at, e.event.statement.occurred_at);
    if (!e.event.statement.source.outlet.empty())
      outlets[it->second].insert(internal::NormalizeName(e.event.statement.source.outlet));
  }
  if (absl::Status st = AddMentions(engine, out.as_of, ids, claim_of_id, out.claims, outlets);
      !st.ok())
    return st;
  for (size_t i = 0; i < out.claims.size(); ++i) out.claims[i].outlets = outlets[i].size();
  return out;
}

}  // namespace annals
