#include "cli/import_report.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/terminal.h"

namespace annals::cli {

RejectReport::RejectReport(bool all, std::function<void()> before_print)
    : all_(all), before_print_(std::move(before_print)) {}

// Escaped: reasons quote the rejected field values (issue 16.14).
void RejectReport::Print(std::string_view file, uint64_t line, const std::string& reason) {
  if (before_print_) before_print_();
  std::fprintf(stderr, "%s:%llu: %s\n", EscapeForTerminal(file).c_str(),
               static_cast<unsigned long long>(line), EscapeForTerminal(reason).c_str());
}

void RejectReport::Add(const RejectedLine& r) {
  ++rejected_;
  Reason& reason = reasons_[r.kind];
  if (reason.count++ == 0) {
    reason.first_line = r.line;
    reason.first_reason = r.reason;
    reason.order = reasons_.size();
  }
  if (all_ || rejected_ <= kShownPerFile) Print(r.file, r.line, r.reason);
}

void RejectReport::EndFile(std::string_view file) {
  if (!all_ && rejected_ > kShownPerFile) {
    std::vector<const Reason*> list;
    for (const auto& [kind, reason] : reasons_) list.push_back(&reason);
    std::sort(list.begin(), list.end(), [](const Reason* a, const Reason* b) {
      return a->count != b->count ? a->count > b->count : a->order < b->order;
    });
    std::string text = absl::StrCat(EscapeForTerminal(file), ": ", rejected_, " rows rejected, the first ",
                                     kShownPerFile, " shown (--all-errors shows every one); "
                                     "by reason:\n");
    for (const Reason* r : list)
      absl::StrAppend(&text, "  ", r->count, r->count == 1 ? " row" : " rows", " like line ",
                      r->first_line, ": ", EscapeForTerminal(r->first_reason), "\n");
    if (before_print_) before_print_();
    std::fputs(text.c_str(), stderr);
  }
  rejected_ = 0;
  reasons_.clear();
}

}  // namespace annals::cli
