// Collects the problems a verification finds, keeping details of the first
// few and counting all.
#ifndef ANNALS_ENGINE_SRC_VERIFY_PROBLEMS_H_
#define ANNALS_ENGINE_SRC_VERIFY_PROBLEMS_H_

#include <cstdint>
#include <string>

#include "annals/verify.h"

namespace annals::internal {

class ProblemSink {
 public:
  explicit ProblemSink(VerifyReport* report, size_t max) : report_(report), max_(max) {}
  void Add(ProblemKind kind, uint64_t seq, std::string subject, std::string detail) {
    ++report_->problem_count;
    if (report_->problems.size() < max_)
      report_->problems.push_back({kind, seq, std::move(subject), std::move(detail)});
  }
  VerifyReport& report() { return *report_; }

 private:
  VerifyReport* report_;
  size_t max_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_VERIFY_PROBLEMS_H_
