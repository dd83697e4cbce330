// Text on its way to a person: the one escaping function every human-
// readable output of the CLI (tables, `show`, summaries, notes and error
// messages) passes stored or user-supplied text through, so that no stored
// field can drive the terminal (colour, window title, screen clear, cursor
// moves) or reorder what is shown (Trojan Source bidi overrides).
//
// JSON output needs none of this (it is JSON-escaped); CSV output is data
// and stays raw (see --spreadsheet-safe for what spreadsheets would run).
#ifndef ANNALS_TOOLS_CLI_TERMINAL_H_
#define ANNALS_TOOLS_CLI_TERMINAL_H_

#include <string>
#include <string_view>

namespace annals::cli {

// `s` with every character that acts on a terminal rather than showing
// written out visibly:
//  - C0 controls and DEL: \n, \r, \t, else \xNN (\x1b for ESC);
//  - C1 controls (U+0080-U+009F): \u0085 ...;
//  - bidi embeddings, overrides and isolates (U+202A-U+202E,
//    U+2066-U+2069): \u202e ...;
//  - bytes that are not UTF-8: \xNN.
// Everything else, backslashes included, is kept as is. With
// `keep_newlines`, '\n' is kept (for laid-out multi-line text; every other
// control is still escaped).
std::string EscapeForTerminal(std::string_view s, bool keep_newlines = false);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_TERMINAL_H_
