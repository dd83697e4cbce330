#include "log/add_operator.h"

namespace annals::internal {
namespace {

class AddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger*) const override {
    int64_t sum = existing ? DecodeI64Le({existing->data(), existing->size()}) : 0;
    sum += DecodeI64Le({value.data(), value.size()});
    *new_value = EncodeI64Le(sum);
    return true;
  }
  const char* Name() const override { return "annals.AddInt64"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewAddOperator() {
  return std::make_shared<AddOperator>();
}

}  // namespace annals::internal
