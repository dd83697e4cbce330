// annals import: event files of any supported format into the store, every
// row accounted for.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "annals/import.h"
#include "cli/commands.h"
#include "cli/import_report.h"
#include "cli/import_run.h"
#include "cli/progress.h"
#include "cli/rejects_file.h"
#include "cli/terminal.h"

namespace annals::cli {
namespace {


void PrintSummary(std::string_view name, const ImportSummary& s, bool with_format) {
  std::string line = EscapeForTerminal(name);
  absl::StrAppend(&line, ": read ", s.read, ", imported ", s.imported, ", duplicates ",
                  s.duplicates, ", rejected ", s.rejected);
  if (s.held_back > 0)
    absl::StrAppend(&line, ", held back ", s.held_back, " (--strict: nothing imported)");
  if (s.repaired > 0)
    absl::StrAppend(&line, " (", s.repaired, " with invalid UTF-8 repaired)");
  if (with_format) absl::StrAppend(&line, " [", ImportFormatName(s.format), "]");
  std::printf("%s\n", line.c_str());
}

// "FILE:LINE: reason", escaped: reasons quote the rejected field values.
void PrintRejected(const RejectedLine& r) {
  std::fprintf(stderr, "%s:%llu: %s\n", EscapeForTerminal(r.file).c_str(),
               static_cast<unsigned long long>(r.line),
               EscapeForTerminal(r.reason).c_str());
}

// --progress-fd must name a descriptor open for writing.
absl::Status CheckProgressFd(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (::fcntl(fd, F_GETFD) == -1 || flags == -1)
    return absl::InvalidArgumentError(absl::StrCat("file descriptor ", fd, " is not open"));
  if ((flags & O_ACCMODE) == O_RDONLY)
    return absl::InvalidArgumentError(
        absl::StrCat("file descriptor ", fd, " is not open for writing"));
  return absl::OkStatus();
}

void Add(ImportSummary& total, const ImportSummary& s) {
  total.read += s.read;
  total.imported += s.imported;
  total.duplicates += s.duplicates;
  total.rejected += s.rejected;
  total.held_back += s.held_back;
  total.repaired += s.repaired;
}

// Opens every input; --strict copies input that can be read only once, so
// that it can be read twice.
absl::StatusOr<std::vector<std::unique_ptr<ImportInput>>> OpenInputs(const ImportFlags& f) {
  if (std::count(f.files.begin(), f.files.end(), "-") > 1)
    return absl::InvalidArgumentError("standard input (-) is named twice");
  std::vector<std::unique_ptr<ImportInput>> inputs;
  for (const std::string& file : f.files) {
    auto in = ImportInput::Open(file, f.strict && !f.dry_run);
    if (!in.ok()) return in.status();  // its message names the file
    inputs.push_back(*std::move(in));
  }
  return inputs;
}

}  // namespace

Runner AddImport(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Import event files: JSON Lines statements, CSV with a header row, GDELT "
      "1.0/2.0 events and 2.0 Mentions, ICEWS events, PLOVER/POLECAT JSON; plain, .gz or "
      ".zip. `annals log --format jsonl | annals --db COPY import -` copies or merges a "
      "store: corrections, retractions, aliases and mentions too, targets found by id. "
      "Every row is counted as imported, duplicate or rejected; rejected rows "
      "are reported as FILE:LINE: reason, the first 20 of each file, then a count "
      "per reason (exit 1 if there were any).");
  cmd->add_option("FILE", f->files, "input files; - for standard input")->required();
  cmd->add_option("--format", f->format,
                  "auto (decide by content), jsonl, csv, gdelt, gdelt-mentions (GDELT 2.0 "
                  "Mentions: one mention event per article), icews, plover, or aliases "
                  "(a CSV of actor aliases, as `alias --file` reads; never detected)")
      ->capture_default_str();
  cmd->add_flag("--strict", f->strict,
                "import nothing if any row is bad (input from a pipe is copied to a "
                "temporary file in $TMPDIR to be read twice)");
  cmd->add_option("--rejects", f->rejects,
                  "write rejected rows verbatim to this file (created, or emptied; never "
                  "an input file or a file inside the store)");
  cmd->add_flag("--repair-utf8", f->repair_utf8,
                "import rows with invalid UTF-8, replacing the bad bytes with U+FFFD "
                "(default: reject them); each repair is reported");
  cmd->add_flag("--dry-run", f->dry_run, "parse and check only; write nothing");
  cmd->add_flag("--all-errors", f->all_errors,
                "report every rejected row (default: the first 20 of each file, then a "
                "count per reason)");
  cmd->add_option("--progress-fd", f->progress_fd,
                  "report durable progress on this open file descriptor, one line "
                  "each: durable file=I line=N head=S imported=N duplicates=N "
                  "(every input row up to line N of file I is handled for good)")
      ->check(NonNegative());
  cmd->add_option("--progress-every", f->progress_every,
                  "input bytes between --progress-fd reports (each costs one fsync)")
      ->check(NonNegative())
      ->capture_default_str();
  return [f, &g]() -> int { return RunImport(*f, g); };
}

int RunImport(const ImportFlags& f, const GlobalFlags& g) {
  auto format = ParseImportFormat(f.format);
  if (!format.ok()) return Fail("--format", format.status());
  if (f.progress_fd >= 0)
    if (absl::Status st = CheckProgressFd(f.progress_fd); !st.ok())
      return Fail("--progress-fd", st);
  // Every input is opened before the store, so that waiting for a FIFO's
  // writer never holds the store's lock.
  auto inputs = OpenInputs(f);
  if (!inputs.ok()) return Fail("import", inputs.status());
  std::unique_ptr<RejectsFile> rejects;
  if (!f.rejects.empty()) {
    std::vector<ImportInput::FileId> ids;
    for (const auto& in : *inputs) ids.push_back(in->file_id());
    auto opened = RejectsFile::Open(f.rejects, g.db, ids);
    if (!opened.ok()) return Fail("--rejects", opened.status());
    rejects = *std::move(opened);
  }
  // Closes the rejects file; a write error on it is a storage error.
  auto finish = [&](int code) {
    if (rejects == nullptr) return code;
    absl::Status st = rejects->Close();
    return st.ok() ? code : Fail("--rejects", st);
  };
  // A file of aliases names actors of a store that exists: a mistyped
  // path is "no store", not a new store holding only aliases.
  const bool existing = f.existing_store || *format == ImportFormat::kAliases;
  auto engine = existing ? OpenExistingForWrite(g) : OpenForWrite(g);
  if (!engine.ok()) return finish(Fail("", engine.status()));

  std::unique_ptr<ProgressBar> bar;
  RejectReport report(f.all_errors, [&] {
    if (bar) bar->Clear();
  });
  auto on_reject = [&](const RejectedLine& r) {
    report.Add(r);
    if (rejects != nullptr && !r.text.empty()) rejects->Write(r.text);
  };
  ImportOptions options;
  options.format = *format;
  options.strict = f.strict;
  options.dry_run = f.dry_run;
  options.invalid_utf8 = f.repair_utf8 ? InvalidUtf8::kRepair : InvalidUtf8::kReject;
  options.on_repair = [&](const RejectedLine& r) {
    if (bar) bar->Clear();
    PrintRejected(r);
  };
  using Clock = std::chrono::steady_clock;
  Clock::time_point start;
  options.on_progress = [&](const ImportProgress& p) {
    if (!bar || !bar->active()) return;
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::string detail = absl::StrCat(ProgressBar::Compact(static_cast<double>(p.rows)), " rows");
    if (secs > 0.2)
      absl::StrAppend(&detail, " (", ProgressBar::Compact(p.rows / secs), " rows/s)");
    bar->set_detail(detail);
    bar->Update(p.bytes_done, p.bytes_total ? p.bytes_total : p.bytes_done);
  };

  size_t file_index = 0;
  if (f.progress_fd >= 0) {
    options.durable_every_bytes = f.progress_every;
    options.on_durable = [&file_index, fd = f.progress_fd](const DurableProgress& p) {
      std::string msg = absl::StrCat(
          "durable file=", file_index, " line=", p.line, " head=", p.head,
          " imported=", p.imported, " duplicates=", p.duplicates, "\n");
      // Unbuffered: what is reported has been synced, and a report is
      // never held back in a buffer a crash would lose.
      (void)!::write(fd, msg.data(), msg.size());
    };
  }
  if (f.strict && inputs->size() > 1 && !f.dry_run) {
    // Strict over several files: check them all before writing any.
    ImportOptions dry = options;
    dry.dry_run = true;
    dry.on_progress = nullptr;
    uint64_t bad = 0;
    for (auto& input : *inputs) {
      auto sum = ImportFile(**engine, *input, dry, on_reject);
      report.EndFile(input->path());
      if (!sum.ok()) return finish(Fail(input->path(), sum.status()));
      bad += sum->rejected;
    }
    if (bad > 0) {
      std::fprintf(stderr, "annals: --strict: %llu bad rows; nothing imported\n",
                   static_cast<unsigned long long>(bad));
      return finish(kExitBadInput);
    }
    options.strict = false;  // all checked
    options.on_repair = nullptr;  // reported by the check
  }
  ImportSummary total;
  for (auto& input : *inputs) {
    const std::string& file = input->path();
    std::string base = file.substr(file.find_last_of('/') + 1);  // npos + 1 == 0
    bar = std::make_unique<ProgressBar>(EscapeForTerminal(base), "B");
    start = Clock::now();
    auto sum = ImportFile(**engine, *input, options, on_reject);
    bar.reset();
    report.EndFile(file);
    ++file_index;
    if (!sum.ok()) {
      // Every batch before the error is stored and synced on close.
      return finish(Fail(file, sum.status()));
    }
    PrintSummary(file, *sum, true);
    Add(total, *sum);
  }
  if (f.files.size() > 1) PrintSummary("total", total, false);
  // Leave the timelines caught up, so the next query need not replay,
  // and the tables compacted, so it opens few (bench/RESULTS.md).
  auto head = StoreHead(**engine);
  if (!head.ok()) return finish(Fail("import", head.status()));
  if (auto st = (*engine)->WaitFor(*head, absl::InfiniteDuration()); !st.ok())
    return finish(Fail("import", st));
  if (auto st = SettleAfterImport(**engine); !st.ok()) return finish(Fail("import", st));
  // Last, once the summary is out and the rejects file closed: an
  // interrupt here leaves the rest to the next search, and loses nothing.
  const int code = finish(total.rejected > 0 ? kExitBadInput : kExitOk);
  if (!FlushOutput()) return kExitStorage;  // main says why
  if (!f.dry_run) KeepSearchIndexesUp(g, **engine);
  return code;
}

}  // namespace annals::cli
