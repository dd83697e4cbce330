// Engine::Open: the engine of the facade, and for a writable one asked to
// (Options::follow_search_indexes) the follower of its search indexes,
// which the facade cannot make itself (search/ depends on the facade).
#include <filesystem>
#include <memory>

#include "annals/engine.h"
#include "facade/db_engine.h"
#include "facade/reader_engine.h"
#include "search/search_follower.h"

namespace annals {

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const std::string& path,
                                                     const Options& options) {
  auto engine = internal::DbEngine::Open(path, options, nullptr);
  if (!engine.ok()) return engine.status();
  if (options.read_only)
    return std::unique_ptr<Engine>(std::make_unique<internal::ReaderEngine>(*std::move(engine)));
  if (options.follow_search_indexes)
    (*engine)->SetLiveSearch(std::make_unique<internal::SearchFollower>(
        **engine, (std::filesystem::path(path) / "search").string()));
  return std::unique_ptr<Engine>(*std::move(engine));
}

}  // namespace annals
