#include "search/xapian_status.h"

#include <exception>

#include <xapian.h>

#include "absl/strings/str_cat.h"

namespace annals::internal {

absl::Status CurrentXapianError(std::string_view what) {
  const std::string prefix(what);
  try {
    throw;
  } catch (const Xapian::QueryParserError& e) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, ": ", e.get_msg()));
  } catch (const Xapian::InvalidArgumentError& e) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, ": ", e.get_msg()));
  } catch (const Xapian::DatabaseCorruptError& e) {
    return absl::DataLossError(absl::StrCat(prefix, ": the search index is damaged (",
                                            e.get_msg(), "); remove it to have it rebuilt"));
  } catch (const Xapian::DatabaseLockError& e) {
    // Another writer holds the index (when not waiting for it).
    return absl::UnavailableError(absl::StrCat(prefix, ": another writer holds the index (",
                                               e.get_msg(), ")"));
  } catch (const Xapian::DatabaseModifiedError& e) {
    // Another process committed twice while this one read: read again.
    return absl::AbortedError(absl::StrCat(prefix, ": the index changed while it was read (",
                                           e.get_msg(), ")"));
  } catch (const Xapian::DatabaseError& e) {
    return absl::FailedPreconditionError(
        absl::StrCat(prefix, ": ", e.get_type(), ": ", e.get_msg()));
  } catch (const Xapian::Error& e) {
    return absl::InternalError(absl::StrCat(prefix, ": ", e.get_type(), ": ", e.get_msg()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(prefix, ": ", e.what()));
  }
}

}  // namespace annals::internal
