// JSON Lines statements (annals/json.h) -> statements.
#include "annals/json.h"
#include "io/row_mapper.h"

namespace annals::internal {
namespace {

class JsonlMapper : public RowMapper {
 public:
  absl::Status Map(const Record& record, Statement* out) override {
    auto s = ParseStatementJson(record.text);
    if (!s.ok()) return s.status();
    *out = *std::move(s);
    return absl::OkStatus();
  }
  absl::Status MapLogRow(const Record& record, Statement* out, LogRow* row) override {
    return ParseLogRowJson(record.text, out, row);
  }
};

}  // namespace

std::unique_ptr<RowMapper> NewJsonlMapper() { return std::make_unique<JsonlMapper>(); }

}  // namespace annals::internal
