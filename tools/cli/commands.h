// The `annals` subcommands. Each Add* registers its flags on `app` and
// returns a runner to call if that subcommand was chosen; the runner returns
// the process exit status (see common.h).
#ifndef ANNALS_TOOLS_CLI_COMMANDS_H_
#define ANNALS_TOOLS_CLI_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"
#include "cli/common.h"

namespace annals::cli {

using Runner = std::function<int()>;

Runner AddImport(CLI::App& app, const GlobalFlags& g);
Runner AddAppend(CLI::App& app, const GlobalFlags& g);
Runner AddLog(CLI::App& app, const GlobalFlags& g);
Runner AddShow(CLI::App& app, const GlobalFlags& g);
Runner AddStats(CLI::App& app, const GlobalFlags& g);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_COMMANDS_H_
