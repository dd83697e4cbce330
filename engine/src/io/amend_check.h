// The amendment checks of an import pass that writes nothing (a dry run,
// the first pass of --strict): each correction, retraction and alias is
// checked as Engine::Correct / Retract / Alias would check it at its place
// in the input (model/amend_checks.h: the same functions), against the
// store and the effect of the input's earlier rows, so that a --strict
// import refuses before writing what its writing pass would refuse after.
#ifndef ANNALS_ENGINE_SRC_IO_AMEND_CHECK_H_
#define ANNALS_ENGINE_SRC_IO_AMEND_CHECK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "annals/engine.h"
#include "io/import_appender.h"
#include "model/amend_checks.h"

namespace annals::internal {

class AmendCheck {
 public:
  explicit AmendCheck(const Engine& engine) : engine_(engine) {}

  // Notes a statement row of the input that would be imported (or found a
  // duplicate), id `id`: an amendment later in the input may target it.
  void NoteStatement(const std::string& id, const Statement& s);

  // Checks amendment `a` of input line `line` (`values`: a correction's
  // corrected values) whose target is known (ConflictCheck::CheckTarget
  // passed), and if it passes, takes its effect into account for the rows
  // that follow. OK, or the refusal the append would give (its kind:
  // AmendRejectKind), or a storage error that ends the pass.
  absl::Status Check(const Amendment& a, const Statement& values, uint64_t line);

 private:
  absl::Status CheckAlias(const Amendment& a);
  // The digest of target `id`'s current values, with the input's earlier
  // rows applied; a retracted target's refusal.
  absl::StatusOr<StatementDigest> Current(const std::string& id,
                                          std::optional<uint64_t> stored_seq) const;

  const Engine& engine_;
  // Values of the input's statements (first occurrence of each id).
  absl::flat_hash_map<std::string, StatementDigest> input_values_;
  // Targets the input has amended so far: the corrected values, or the line
  // of their retraction.
  struct Amended {
    StatementDigest values;
    uint64_t retracted_line = 0;
  };
  absl::flat_hash_map<std::string, Amended> amended_;
  // Amendments of the input that passed (target id + event id): a repeat is
  // a duplicate, which the append does not check again.
  absl::flat_hash_set<std::string> accepted_;
  // Alias links in force (normalised alias -> canonical): the store's,
  // read at the first alias, then the input's.
  std::optional<std::map<std::string, std::string>> links_;
};

}  // namespace annals::internal

namespace annals::internal {

// In a pass that writes nothing: why amendment `a` (line `line`,
// `values` a correction's) would be refused by the append, with its reject
// kind in *kind; "" when it would not. A storage error ends the pass.
absl::StatusOr<std::string> DryAmendProblem(const ConflictCheck& check, AmendCheck& amend_check,
                                            const Amendment& a, const Statement& values,
                                            uint64_t line, std::string* kind);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_AMEND_CHECK_H_
