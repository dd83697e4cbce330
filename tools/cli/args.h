// Argument checks every command shares: counts and seqs that must not be
// negative, and the message for a command name that does not exist.
#ifndef ANNALS_TOOLS_CLI_ARGS_H_
#define ANNALS_TOOLS_CLI_ARGS_H_

#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"

namespace annals::cli {

// A check for options read into unsigned integers (--limit, --top,
// --from-seq, ...): digits only. CLI11 2.1 reads "-1" into a uint64_t as
// 2^64-1, so `--limit -1` meant "all" and `--from -5` seq 2^64-5.
const CLI::Validator& NonNegative();

// --spreadsheet-safe, on every command that writes csv: cells a
// spreadsheet would run as formulas get a leading ' (CsvCell in
// annals/export.h).
void AddSpreadsheetSafeFlag(CLI::App* cmd, bool& flag);

// Optimal string alignment distance (Levenshtein plus adjacent
// transpositions) between `a` and `b`, in bytes.
size_t EditDistance(std::string_view a, std::string_view b);

// The names among `candidates` closest to `typed`, for "did you mean":
// those that start with `typed`, else those at the smallest edit distance
// if it is small for the word (at most 2, or a third of its length). Empty
// if none is close.
std::vector<std::string> Suggest(std::string_view typed,
                                 const std::vector<std::string>& candidates);

// Looks for a command word in argv that names no subcommand of `app` (or,
// below a command that has subcommands, none of its). Returns the message
// to print ("'timline' is not a command. Did you mean 'timeline'?"), or ""
// if every command word is known. Options (and the values of --db and --server) are skipped.
std::string UnknownCommandMessage(CLI::App& app, int argc, const char* const* argv);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_ARGS_H_
