#include "cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace annals::cli {
namespace {

int TerminalColumns(std::FILE* out) {
  struct winsize ws {};
  if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::string unit, std::FILE* out)
    : label_(std::move(label)), unit_(std::move(unit)), out_(out),
      active_(out != nullptr && isatty(fileno(out)) == 1) {}

ProgressBar::~ProgressBar() { Clear(); }

std::string ProgressBar::Compact(double n) {
  if (n < 1000) return absl::StrFormat("%.0f", n);
  if (n < 1e6) return absl::StrFormat("%.1fk", n / 1e3);
  if (n < 1e9) return absl::StrFormat("%.1fM", n / 1e6);
  return absl::StrFormat("%.1fG", n / 1e9);
}

std::string ProgressBar::Duration(double seconds) {
  if (seconds < 0) seconds = 0;
  auto s = static_cast<uint64_t>(seconds + 0.5);
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!active_) return;
  Clock::time_point now = Clock::now();
  if (!started_) {
    started_ = true;
    start_ = now;
    first_done_ = done;
  } else if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_draw_ = now;
  Draw(done, total);
}

void ProgressBar::Draw(uint64_t done, uint64_t total) {
  if (total < done) total = done;
  double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  double rate = elapsed > 0.2 && done > first_done_
                    ? static_cast<double>(done - first_done_) / elapsed
                    : 0;
  std::string text = absl::StrCat(" ", Compact(static_cast<double>(done)), "/",
                                  Compact(static_cast<double>(total)), " ", unit_);
  if (rate > 0) {
    absl::StrAppend(&text, "  ", Compact(rate), "/s");
    absl::StrAppend(&text, "  ETA ",
                    Duration(static_cast<double>(total - done) / rate));
  }
  if (!detail_.empty()) absl::StrAppend(&text, "  ", detail_);
  int cols = TerminalColumns(out_) - 1;  // never touch the last column
  int pct = total == 0 ? 100 : static_cast<int>(done * 100 / total);
  std::string pct_text = absl::StrFormat(" %3d%%", pct);
  int fixed = static_cast<int>(label_.size() + pct_text.size() + text.size()) + 3;
  int bar_w = std::min(40, cols - fixed);
  std::string line = label_;
  if (bar_w >= 10) {
    int fill = total == 0 ? bar_w : static_cast<int>(done * bar_w / total);
    absl::StrAppend(&line, " [", std::string(fill, '='),
                    std::string(bar_w - fill, ' '), "]");
  }
  absl::StrAppend(&line, pct_text, text);
  if (static_cast<int>(line.size()) > cols) line.resize(std::max(0, cols));
  // \r back to column 0, the line, then erase whatever an older line left.
  std::fprintf(out_, "\r%s\x1b[K", line.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (!active_ || !drawn_) return;
  std::fputs("\r\x1b[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace annals::cli
