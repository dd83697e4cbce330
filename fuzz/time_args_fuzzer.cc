// The CLI's date and as-of parsing (ParseTime, --from/--to, --as-of; a
// newline splits the input into a --from and a --to):
// never a crash or undefined behaviour; every time that parses formats
// back to text that parses to the same time, and the end of its period is
// not before it.
#include <string>

#include "annals/time.h"
#include "cli/time_args.h"
#include "fuzz_target.h"

namespace {

void FuzzTime(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto t = annals::ParseTime(text);
  if (t.ok()) {
    std::string formatted = annals::FormatTime(*t);
    auto again = annals::ParseTime(formatted);
    ANNALS_FUZZ_CHECK(again.ok());
    ANNALS_FUZZ_CHECK(*again == *t);
    ANNALS_FUZZ_CHECK(annals::EndOfPeriod(*t) >= t->micros);
  }
  annals::Timestamp out;
  (void)annals::cli::ParseDate(text, &out);
  // --from/--to: a range that is accepted is not empty, and holds its own
  // start when the start is a date.
  const size_t nl = text.find('\n');
  annals::Timestamp from, to;
  if (nl != std::string::npos &&
      annals::cli::ParseDateRange(text.substr(0, nl), text.substr(nl + 1), &from, &to)
          .ok() &&
      from.present()) {
    ANNALS_FUZZ_CHECK(annals::cli::InDateRange(from, from, to));
  }
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzTime)
