// A one-line progress bar for long-running commands (rebuild, projection
// create; import may use it too). It draws only when its stream is a
// terminal, so piped or captured output never contains it.
#ifndef ANNALS_TOOLS_CLI_PROGRESS_H_
#define ANNALS_TOOLS_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace annals::cli {

class ProgressBar {
 public:
  // `label` starts the line, e.g. "rebuilding actors"; `unit` names what is
  // counted ("events"). Draws on `out` only if isatty(fileno(out)).
  explicit ProgressBar(std::string label, std::string unit = "events",
                       std::FILE* out = stderr);
  ~ProgressBar();  // Clear()s
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool active() const { return active_; }

  // Reports `done` of `total`. Redraws at most ten times a second (and
  // always when done reaches total). The rate is measured from the first
  // Update, so work done before it does not inflate it.
  void Update(uint64_t done, uint64_t total);

  // Text drawn after the counts, e.g. "12.3k rows (4.1k rows/s)"; kept
  // until changed.
  void set_detail(std::string detail) { detail_ = std::move(detail); }

  // Erases the bar so the next output starts on a clean line.
  void Clear();

  // "1.2k", "3.4M": compact counts for narrow lines.
  static std::string Compact(double n);
  // "0:07", "12:34", "1:02:03".
  static std::string Duration(double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(uint64_t done, uint64_t total);

  std::string label_, unit_;
  std::string detail_;
  std::FILE* out_;
  bool active_ = false;
  bool drawn_ = false;
  bool started_ = false;
  uint64_t first_done_ = 0;
  Clock::time_point start_, last_draw_;
};

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_PROGRESS_H_
