// Store.search_hits (db.search, db.search_frame): annals::Search
// (annals/search.h) over a local store's index in STORE/search, or through
// a server (annals.connect) on the server's own.
#ifndef ANNALS_PYTHON_SRC_SEARCH_HITS_H_
#define ANNALS_PYTHON_SRC_SEARCH_HITS_H_

#include <string>

#include "annals/search.h"
#include "convert.h"
#include "store.h"

namespace annals::python {

// `start`, `end`, `as_of` as Store.timeline's ("" for none). Each hit is
// the statement's event dict (as it read at the point asked) with "rank",
// "score" and "version_seq".
inline py::list SearchHits(Store& store, const std::string& text, const std::string& actor,
                           const std::string& topic, const std::string& start,
                           const std::string& end, const std::string& as_of, size_t limit,
                           const std::string& language) {
  const std::shared_ptr<Engine> held = store.engine();  // alive through the call
  const std::shared_ptr<Client> client = store.client();  // a server's: its own index
  if (client == nullptr && !store.address().empty())
    throw StatusError{absl::FailedPreconditionError("the connection is closed")};
  SearchQuery q;
  q.text = text;
  q.actor = actor;
  q.topic = topic;
  q.limit = limit;
  q.language = language;
  if (!start.empty()) q.from = ParseArg("start", start);
  if (!end.empty()) q.to = ParseArg("end", end);
  if (!as_of.empty()) q.as_of = AsOfArg(*held, as_of);
  const std::string root = store.path() + "/search";
  SearchResult r = Take(WithoutGil([&] {
    return client != nullptr ? client->Search(q) : Search(*held, root, q);
  }));
  py::list out;
  for (size_t i = 0; i < r.hits.size(); ++i) {
    py::dict d = EventDict(r.hits[i].event);
    d["rank"] = i + 1;
    d["score"] = r.hits[i].score;
    d["version_seq"] = r.hits[i].version_seq;
    out.append(d);
  }
  return out;
}

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_SEARCH_HITS_H_
