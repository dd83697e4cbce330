// `annals log --follow` (and what any following command shares): print
// events as they arrive until SIGINT or SIGTERM (exit 0) or until standard
// output is closed (EPIPE: exit 0, quietly, as other tools do; any other
// write error: exit 2 with the reason).
//
// Through a server when one holds the store (or --server names one): a
// Client::Subscribe from the next seq; when the server goes away (a
// restart), the follower resumes from Subscription::resume_from() with the
// next server, or on the store itself if none answers; with --server, it
// waits for the server it names to come back. Attempts that print nothing
// are paced (50 ms doubling to 2 s), never a busy loop. On the store with
// no server: a read-only engine that wakes on changes to the store
// directory (inotify: the one place the CLI watches files, FollowLocal in
// follow.cc), refreshes and prints what is new; never a sleep loop. A
// server starting meanwhile (its address file appears) takes over.
#ifndef ANNALS_TOOLS_CLI_FOLLOW_H_
#define ANNALS_TOOLS_CLI_FOLLOW_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"

#include "annals/engine.h"
#include "cli/common.h"

namespace annals::cli {

// Prints one event (and flushes); `lookups` answers what a row needs
// beyond the event (a correction's target id). Never called concurrently.
// An error (a lookup that failed) ends the follower: FollowLog prints it
// and returns exit 2, and prints nothing after it.
using FollowPrinter = std::function<absl::Status(const Event& e, const Engine& lookups)>;

// Blocks SIGINT and SIGTERM in this thread and every thread started after
// (call it first, before anything starts a thread) and returns a
// descriptor that becomes readable when one arrives; ignores SIGPIPE, so a
// closed reader is an EPIPE write error. -1 on failure (errno says why).
int BlockFollowSignals();

// Follows the log from `from_seq` on, printing every event through `print`,
// until a signal arrives on `signal_fd` (BlockFollowSignals). Returns the
// exit status; never returns while following (and printing) succeeds.
int FollowLog(const GlobalFlags& g, int signal_fd, uint64_t from_seq,
              const FollowPrinter& print);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_FOLLOW_H_
