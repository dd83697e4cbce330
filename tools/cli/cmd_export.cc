// annals export: the log's statements, as currently corrected, as JSON
// Lines, CSV or GDELT rows.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "annals/export.h"
#include "cli/commands.h"

namespace annals::cli {
namespace {

struct ExportFlags {
  std::string format = "jsonl";
  uint64_t from = 1, to = 0;
  std::string as_of;
  bool include_retracted = false;
  bool gdelt_only = false;
  std::string output;
};

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
  cmd->add_option("--from", f->from, "first seq to export")->capture_default_str();
  cmd->add_option("--to", f->to, "last seq to export (0: the end)")->capture_default_str();
  cmd->add_option("--as-of", f->as_of,
                  "export as the log stood at SEQ (all digits) or at a TIME (ISO "
                  "8601, the end of the period it names)");
  cmd->add_flag("--include-retracted", f->include_retracted,
                "also write retracted statements (their last values)");
  cmd->add_flag("--gdelt-only", f->gdelt_only,
                "with --format gdelt: write only the statements imported from GDELT, "
                "leaving out (and counting on stderr) the others");
  cmd->add_option("-o,--output", f->output, "write to this file instead of standard output");
  return [f, &g]() -> int {
    auto format = ParseExportFormat(f->format);
    if (!format.ok()) return Fail("--format", format.status());
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    ExportOptions options;
    options.format = *format;
    options.from_seq = f->from;
    options.to_seq = f->to;
    options.include_retracted = f->include_retracted;
    options.gdelt_only = f->gdelt_only;
    if (!f->as_of.empty()) {
      auto seq = ResolveAsOf(**engine, f->as_of);
      if (!seq.ok()) return Fail("--as-of", seq.status());
      options.as_of = *seq;
    }
    // -o is opened at the first output (or at the end of an empty export),
    // so an export refused before writing leaves no file behind.
    std::FILE* out = f->output.empty() ? stdout : nullptr;
    auto open_output = [&]() -> absl::Status {
      if (out != nullptr) return absl::OkStatus();
      out = std::fopen(f->output.c_str(), "wb");
      if (out == nullptr)
        return absl::InvalidArgumentError(absl::StrCat("cannot write ", f->output));
      return absl::OkStatus();
    };
    auto sum = Export(**engine, options, [&](std::string_view text) {
      if (auto st = open_output(); !st.ok()) return st;
      if (std::fwrite(text.data(), 1, text.size(), out) != text.size())
        return absl::UnavailableError("write error on the output");
      return absl::OkStatus();
    });
    if (sum.ok()) {
      if (auto st = open_output(); !st.ok()) return Fail("--output", st);
    }
    bool write_ok = out == nullptr || std::fflush(out) == 0;
    if (out != nullptr && out != stdout) write_ok = std::fclose(out) == 0 && write_ok;
    if (!sum.ok()) return Fail("export", sum.status());
    if (!write_ok) return Fail("export", absl::UnavailableError("write error on the output"));
    if (sum->skipped > 0)
      std::fprintf(stderr, "annals: export: %llu statements not from GDELT left out (--gdelt-only)\n",
                   static_cast<unsigned long long>(sum->skipped));
    return kExitOk;
  };
}

}  // namespace annals::cli
