// annals export: the log's statements, as currently corrected, as JSON
// Lines, CSV or GDELT rows.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "annals/export.h"
#include "cli/commands.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

struct ExportFlags {
  std::string format = "jsonl";
  uint64_t from_seq = 1, to_seq = 0;
  std::string from, to;
  std::string as_of;
  bool include_retracted = false;
  bool spreadsheet_safe = false;
  bool gdelt_only = false;
  std::string output;
};

int ResultOf(const absl::StatusOr<ExportSummary>& sum) {
  return sum.ok() ? kExitOk : Fail("export", sum.status());
}

}  // namespace

Runner AddExport(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write the log's statements as currently corrected (retracted ones left "
      "out) to standard output: jsonl (imports into another store unchanged), "
      "csv (one column per field, attributes as attr.NAME columns; e.g. "
      "pandas.read_csv(f, dtype=str) keeps codes' leading zeros) or gdelt "
      "(GDELT 2.0's 61 tab-separated columns, for statements imported from GDELT: "
      "others have no GLOBALEVENTID, so an export holding any is refused unless "
      "--gdelt-only leaves them out).");
  cmd->add_option("--format", f->format, "jsonl, csv or gdelt")->capture_default_str();
  cmd->add_option("--from", f->from,
                  "only statements that occurred at or after DATE (their current "
                  "values; 2025, 2025-03, 2025-03-31, 20250331, ...)");
  cmd->add_option("--to", f->to,
                  "only statements that occurred at or before DATE, inclusive of "
                  "the whole period (--to 2025-03 ends 2025-03-31)");
  cmd->add_option("--from-seq", f->from_seq, "first seq (log position) to export")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--to-seq", f->to_seq, "last seq to export (0: the end)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--as-of", f->as_of,
                  "export as the log stood at SEQ (all digits) or at a TIME (ISO "
                  "8601, the end of the period it names)");
  cmd->add_flag("--include-retracted", f->include_retracted,
                "also write retracted statements (their last values)");
  AddSpreadsheetSafeFlag(cmd, f->spreadsheet_safe);
  cmd->add_flag("--gdelt-only", f->gdelt_only,
                "with --format gdelt: write only the statements imported from GDELT, "
                "leaving out (and counting on stderr) the others");
  cmd->add_option("-o,--output", f->output, "write to this file instead of standard output");
  return [f, &g]() -> int {
    auto format = ParseExportFormat(f->format);
    if (!format.ok()) return Fail("--format", format.status());
    ExportOptions options;
    options.format = *format;
    if (absl::Status st = ParseDateRange(f->from, f->to, &options.from, &options.to);
        !st.ok())
      return Fail("export", st);
    options.from_seq = f->from_seq;
    options.to_seq = f->to_seq;
    options.include_retracted = f->include_retracted;
    options.spreadsheet_safe = f->spreadsheet_safe;
    options.gdelt_only = f->gdelt_only;
    if (f->to_seq != 0 && f->to_seq < f->from_seq)
      return Fail("export", absl::InvalidArgumentError(absl::StrCat(
                                "the range is empty: --from-seq ", f->from_seq,
                                " is after --to-seq ", f->to_seq)));
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    if (!f->as_of.empty()) {
      auto seq = ResolveAsOf(**engine, f->as_of);
      if (!seq.ok()) return Fail("--as-of", seq.status());
      options.as_of = *seq;
    }
    // -o is opened at the first output (or at the end of an empty export),
    // so an export refused before writing (--format gdelt) leaves no file.
    std::FILE* out = f->output.empty() ? stdout : nullptr;
    bool open_failed = false, write_failed = false;
    auto open_output = [&] {
      if (out == nullptr && (out = std::fopen(f->output.c_str(), "wb")) == nullptr)
        open_failed = true;
      return out != nullptr;
    };
    auto sum = Export(**engine, options, [&](std::string_view text) {
      if (!open_output())
        return absl::InvalidArgumentError(absl::StrCat("cannot write ", f->output));
      if (std::fwrite(text.data(), 1, text.size(), out) == text.size())
        return absl::OkStatus();
      if (out == stdout) OutputFailed();  // notes errno for main's message
      write_failed = true;
      return absl::UnavailableError("write error on the output");
    });
    if (sum.ok()) open_output();
    if (open_failed)
      return Fail("--output", absl::InvalidArgumentError(absl::StrCat("cannot write ", f->output)));
    if (sum.ok() && sum->skipped > 0)
      std::fprintf(stderr, "annals: export: %llu statements not from GDELT left out (--gdelt-only)\n",
                   static_cast<unsigned long long>(sum->skipped));
    if (out == nullptr) return ResultOf(sum);  // refused before any output
    if (out == stdout) return FlushOutput() && !write_failed ? ResultOf(sum) : kExitStorage;
    errno = 0;
    write_failed = std::fflush(out) != 0 || std::ferror(out) != 0 || write_failed;
    const int err = errno;
    if (out != stdout) write_failed = std::fclose(out) != 0 || write_failed;
    if (write_failed) {
      return Fail("--output", absl::UnavailableError(absl::StrCat(
                                 "write error on ", f->output, ": ",
                                 err != 0 ? std::strerror(err) : "output incomplete")));
    }
    return ResultOf(sum);
  };
}

}  // namespace annals::cli
