// annals import: JSON Lines files into the store, every line accounted for.
#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "annals/import.h"
#include "cli/commands.h"

namespace annals::cli {
namespace {

struct ImportFlags {
  std::vector<std::string> files;
  bool strict = false;
  std::string rejects;
  int progress_fd = -1;
  uint64_t progress_every = 8ull << 20;
};

void PrintSummary(std::string_view name, const ImportSummary& s) {
  std::printf("%.*s: read %llu, imported %llu, duplicates %llu, rejected %llu\n",
              static_cast<int>(name.size()), name.data(),
              static_cast<unsigned long long>(s.read),
              static_cast<unsigned long long>(s.imported),
              static_cast<unsigned long long>(s.duplicates),
              static_cast<unsigned long long>(s.rejected));
}

}  // namespace

Runner AddImport(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Import JSON Lines files (one statement object per line; - reads stdin). "
      "Bad lines are reported as FILE:LINE: field: reason and skipped; exit 1 "
      "if any were.");
  cmd->add_option("FILE", f->files, "input files; - for standard input")->required();
  cmd->add_flag("--strict", f->strict, "import nothing if any line is bad");
  cmd->add_option("--rejects", f->rejects, "write rejected lines verbatim to this file");
  cmd->add_option("--progress-fd", f->progress_fd,
                  "report durable progress on this open file descriptor, one line "
                  "each: durable file=I line=N head=S imported=N duplicates=N "
                  "rejected=N (every input line up to N of file I is stored for good)");
  cmd->add_option("--progress-every", f->progress_every,
                  "input bytes between --progress-fd reports (each costs one fsync)")
      ->capture_default_str();
  return [f, &g]() -> int {
    std::ofstream rejects;
    if (!f->rejects.empty()) {
      rejects.open(f->rejects, std::ios::binary | std::ios::trunc);
      if (!rejects)
        return Fail("--rejects", absl::InvalidArgumentError(
                                     absl::StrCat("cannot write ", f->rejects)));
    }
    auto engine = OpenForWrite(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto on_reject = [&](const RejectedLine& r) {
      std::fprintf(stderr, "%.*s:%llu: %s\n", static_cast<int>(r.file.size()),
                   r.file.data(), static_cast<unsigned long long>(r.line),
                   r.reason.c_str());
      if (rejects.is_open()) rejects << r.text << '\n';
    };
    ImportOptions options;
    options.strict = f->strict;
    size_t file_index = 0;
    if (f->progress_fd >= 0) {
      options.durable_every_bytes = f->progress_every;
      options.on_durable = [&file_index, fd = f->progress_fd](const ImportProgress& p) {
        std::string msg = absl::StrCat(
            "durable file=", file_index, " line=", p.line, " head=", p.head,
            " imported=", p.summary.imported, " duplicates=", p.summary.duplicates,
            " rejected=", p.summary.rejected, "\n");
        // Unbuffered: what is reported has been synced, and a report is
        // never held back in a buffer a crash would lose.
        (void)!::write(fd, msg.data(), msg.size());
      };
    }
    ImportSummary total;
    if (f->strict && f->files.size() > 1) {
      // Strict over several files: check them all before writing any.
      ImportOptions dry = options;
      dry.dry_run = true;
      uint64_t bad = 0;
      for (const std::string& file : f->files) {
        if (file == "-")
          return Fail("--strict", absl::InvalidArgumentError(
                                      "standard input can only be checked alone"));
        auto sum = ImportJsonlFile(**engine, file, dry, on_reject);
        if (!sum.ok()) return Fail(file, sum.status());
        bad += sum->rejected;
      }
      if (bad > 0) {
        std::fprintf(stderr, "annals: --strict: %llu bad lines; nothing imported\n",
                     static_cast<unsigned long long>(bad));
        return kExitBadInput;
      }
    }
    for (const std::string& file : f->files) {
      auto sum = ImportJsonlFile(**engine, file, options, on_reject);
      ++file_index;
      if (!sum.ok()) {
        // Every batch before the error is stored and synced on close.
        return Fail(file, sum.status());
      }
      if (f->strict && sum->rejected > 0)
        std::fprintf(stderr, "annals: %s: --strict: nothing imported from this file\n",
                     file.c_str());
      PrintSummary(file, *sum);
      total.read += sum->read;
      total.imported += sum->imported;
      total.duplicates += sum->duplicates;
      total.rejected += sum->rejected;
    }
    if (f->files.size() > 1) PrintSummary("total", total);
    // Leave the timelines caught up, so the next query need not replay.
    if (auto st = (*engine)->WaitFor((*engine)->Head(), absl::InfiniteDuration());
        !st.ok())
      return Fail("import", st);
    return total.rejected > 0 ? kExitBadInput : kExitOk;
  };
}

}  // namespace annals::cli
