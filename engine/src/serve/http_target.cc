#include "serve/http_target.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace annals::internal {
namespace {

absl::string_view A(std::string_view s) { return {s.data(), s.size()}; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` (and '+' as a space when `plus_is_space`).
absl::StatusOr<std::string> Decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(in[i + 2]) : -1;
      if (lo < 0)
        return absl::InvalidArgumentError(
            "bad %-escape in the request target (expected % and two hex digits)");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::Status ParseQuery(std::string_view q, HttpTarget* out) {
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = Decode(pair.substr(0, eq), true);
    if (!name.ok()) return name.status();
    auto value = Decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                        true);
    if (!value.ok()) return value.status();
    if (name->empty()) return absl::InvalidArgumentError("a query parameter has no name");
    if (*name == "key") {
      out->keys.push_back(*value);
      out->query[*name] = *std::move(value);
      continue;
    }
    if (!out->query.emplace(*std::move(name), *std::move(value)).second)
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter given twice: ", A(pair.substr(0, eq))));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<HttpTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target[0] != '/')
    return absl::InvalidArgumentError("the request target must start with '/'");
  HttpTarget out;
  size_t qm = target.find('?');
  std::string_view path = target.substr(1, qm == std::string_view::npos ? qm : qm - 1);
  if (size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  while (!path.empty()) {
    size_t slash = path.find('/');
    auto segment = Decode(path.substr(0, slash), false);
    if (!segment.ok()) return segment.status();
    out.path.push_back(*std::move(segment));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  if (qm != std::string_view::npos) {
    std::string_view q = target.substr(qm + 1);
    q = q.substr(0, q.find('#'));
    if (absl::Status s = ParseQuery(q, &out); !s.ok()) return s;
  }
  return out;
}

absl::Status CheckParams(const HttpTarget& target,
                         std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : target.query) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == name;
    if (ok) continue;
    std::string list;
    for (std::string_view k : known) absl::StrAppend(&list, list.empty() ? "" : ", ", A(k));
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown query parameter '", name, "' (this endpoint takes: ",
        list.empty() ? "none" : list, ")"));
  }
  return absl::OkStatus();
}

std::optional<std::string> Param(const HttpTarget& target, const std::string& name) {
  auto it = target.query.find(name);
  if (it == target.query.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<uint64_t> ParseUint(const std::string& what, const std::string& text) {
  uint64_t n = 0;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(text, &n))
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": expected a number from 0 to 2^64-1, got '", text, "'"));
  return n;
}

absl::StatusOr<uint64_t> UintParam(const HttpTarget& target, const std::string& name,
                                   uint64_t fallback) {
  auto v = Param(target, name);
  if (!v.has_value()) return fallback;
  return ParseUint(name, *v);
}

absl::StatusOr<bool> BoolParam(const HttpTarget& target, const std::string& name,
                               bool fallback) {
  auto v = Param(target, name);
  if (!v.has_value()) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": expected true or false, got '", *v, "'"));
}

}  // namespace annals::internal
