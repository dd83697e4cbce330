// The names verify's problem kinds go by in reports (annals/verify.h).
#include "annals/verify.h"

namespace annals {

const char* ProblemKindName(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kGap: return "gap";
    case ProblemKind::kMisplacedSeq: return "misplaced_seq";
    case ProblemKind::kUndecodable: return "undecodable";
    case ProblemKind::kHeadMismatch: return "head_mismatch";
    case ProblemKind::kIdMissing: return "id_missing";
    case ProblemKind::kIdDangling: return "id_dangling";
    case ProblemKind::kAmendRecord: return "amend_record";
    case ProblemKind::kMetadata: return "metadata";
    case ProblemKind::kProjectionMismatch: return "projection_mismatch";
    case ProblemKind::kCheckpointAhead: return "checkpoint_ahead";
    case ProblemKind::kDamagedFile: return "damaged_file";
    case ProblemKind::kSearchMismatch: return "search_mismatch";
  }
  return "unknown";
}

}  // namespace annals
