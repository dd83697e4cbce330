#include "cli/args.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace annals::cli {

const CLI::Validator& NonNegative() {
  static const CLI::Validator* v = new CLI::Validator(
      [](std::string& text) -> std::string {
        if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos)
          return "";
        return absl::StrCat("expected a whole number >= 0, got '", text, "'");
      },
      "");  // --help already says UINT
  return *v;
}

void AddSpreadsheetSafeFlag(CLI::App* cmd, bool& flag) {
  cmd->add_flag("--spreadsheet-safe", flag,
                "csv: write cells that a spreadsheet would run as a formula "
                "(starting with = + - @, tab or CR, e.g. =HYPERLINK(...)) with a "
                "leading ' (OWASP's rule); plain numbers such as -12.5 are kept");
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic programme: i-2, i-1 and i.
  std::vector<size_t> two(b.size() + 1), one(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) one[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({one[j] + 1, cur[j - 1] + 1, one[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], two[j - 2] + 1);
    }
    std::swap(two, one);
    std::swap(one, cur);
  }
  return one[b.size()];
}

std::vector<std::string> Suggest(std::string_view typed,
                                 const std::vector<std::string>& candidates) {
  std::vector<std::string> out;
  if (typed.empty()) return out;
  for (const std::string& c : candidates)
    if (c.size() > typed.size() && c.starts_with(typed)) out.push_back(c);
  if (!out.empty()) return out;
  const size_t limit = std::max<size_t>(2, typed.size() / 3);
  size_t best = limit + 1;
  for (const std::string& c : candidates) {
    const size_t d = EditDistance(typed, c);
    if (d < best) {
      best = d;
      out.clear();
    }
    if (d == best) out.push_back(c);
  }
  return out;
}

namespace {

std::vector<std::string> Names(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

std::string Message(const std::string& path, const std::string& typed,
                    const std::vector<std::string>& names) {
  std::string msg = absl::StrCat(
      "'", typed, "' is not ",
      path.empty() ? "a command" : absl::StrCat("a command of 'annals ", path, "'"), ".");
  std::vector<std::string> close = Suggest(typed, names);
  if (close.size() == 1) {
    absl::StrAppend(&msg, " Did you mean '", close[0], "'?");
  } else if (!close.empty()) {
    absl::StrAppend(&msg, " Did you mean one of: ", absl::StrJoin(close, ", "), "?");
  } else {
    absl::StrAppend(&msg, " The commands are: ", absl::StrJoin(names, ", "), ".");
  }
  return msg;
}

}  // namespace

std::string UnknownCommandMessage(CLI::App& app, int argc, const char* const* argv) {
  CLI::App* level = &app;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") return "";
    if (arg.starts_with("-")) {
      // The options before a command that take a separate value.
      if (level == &app && (arg == "--db" || arg == "--server" || arg == "--token-file" ||
                            arg == "--tls-ca")) ++i;
      continue;
    }
    std::vector<std::string> names = Names(*level);
    if (names.empty()) return "";  // a command's own arguments from here on
    if (std::find(names.begin(), names.end(), arg) == names.end())
      return Message(path, std::string(arg), names);
    level = level->get_subcommand(std::string(arg));
    path = path.empty() ? std::string(arg) : absl::StrCat(path, " ", std::string(arg));
  }
  return "";
}

}  // namespace annals::cli
