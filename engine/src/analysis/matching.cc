// Suggestions and search over names (annals/matching.h), from the counts of
// the actors or topics projection.
#include "annals/matching.h"

#include <algorithm>
#include <tuple>

#include "model/names.h"

namespace annals {
namespace {

// Levenshtein distance over bytes, giving up past `limit`.
size_t Distance(std::string_view a, std::string_view b, size_t limit) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t best = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      best = std::min(best, cur[j]);
    }
    if (best > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Whether `needle` is a run of whole words of `hay` (both folded).
bool HoldsWords(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return false;
  for (size_t at = hay.find(needle); at != std::string_view::npos;
       at = hay.find(needle, at + 1)) {
    const size_t end = at + needle.size();
    if ((at == 0 || hay[at - 1] == ' ') && (end == hay.size() || hay[end] == ' ')) return true;
  }
  return false;
}

}  // namespace

std::string FoldName(std::string_view name) { return internal::FoldName(name); }

std::vector<GroupCount> SearchNames(std::vector<GroupCount> names, std::string_view text) {
  const std::string normal = internal::NormalizeName(text);
  const std::string folded = internal::FoldName(text);
  std::vector<GroupCount> out;
  if (normal.empty() && folded.empty()) return out;
  for (GroupCount& g : names) {
    const std::string name = g.key.empty() ? std::string() : g.key[0];
    if ((!normal.empty() && internal::NormalizeName(name).find(normal) != std::string::npos) ||
        (!folded.empty() && internal::FoldName(name).find(folded) != std::string::npos))
      out.push_back(std::move(g));
  }
  return out;
}

std::vector<std::string> SuggestNames(const std::vector<GroupCount>& names,
                                      std::string_view text, size_t max) {
  const std::string want = internal::FoldName(text);
  if (want.empty()) return {};
  const size_t limit = want.size() <= 4 ? 1 : want.size() <= 8 ? 2 : 3;
  // (rank, distance, -count, name)
  std::vector<std::tuple<int, size_t, int64_t, std::string>> found;
  for (const GroupCount& g : names) {
    if (g.key.empty()) continue;
    const std::string have = internal::FoldName(g.key[0]);
    const int64_t count = -static_cast<int64_t>(g.count);
    if (have == want) found.emplace_back(0, 0, count, g.key[0]);
    else if (HoldsWords(have, want) || HoldsWords(want, have))
      found.emplace_back(1, 0, count, g.key[0]);
    else if (size_t d = Distance(have, want, limit); d <= limit)
      found.emplace_back(2, d, count, g.key[0]);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (const auto& f : found) {
    if (out.size() >= max) break;
    out.push_back(std::get<3>(f));
  }
  return out;
}

}  // namespace annals
