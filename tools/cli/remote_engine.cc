#include "cli/remote_engine.h"

#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace annals::cli {
namespace {

// Each remote engine's client, for ServingClient. The engine holds the only
// strong reference: its entry expires with it (a later engine at the same
// address replaces the entry; expired ones are dropped as others come).
class ClientRegistry {
 public:
  static ClientRegistry& Get() {
    static ClientRegistry* r = new ClientRegistry;
    return *r;
  }
  void Add(const Engine* e, std::weak_ptr<Client> c) {
    absl::MutexLock l(&mu_);
    absl::erase_if(clients_, [](const auto& entry) { return entry.second.expired(); });
    clients_[e] = std::move(c);
  }
  Client* Find(const Engine* e) const {
    absl::MutexLock l(&mu_);
    auto it = clients_.find(e);
    if (it == clients_.end()) return nullptr;
    // Alive while `e` is: the engine keeps it.
    return it->second.lock().get();
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<const Engine*, std::weak_ptr<Client>> clients_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<Engine> NewRemoteEngine(std::unique_ptr<Client> client) {
  std::shared_ptr<Client> shared = std::move(client);
  std::unique_ptr<Engine> engine = NewClientEngine(shared);
  ClientRegistry::Get().Add(engine.get(), shared);
  return engine;
}

Client* ServingClient(const Engine& engine) {
  return ClientRegistry::Get().Find(&engine);
}

}  // namespace annals::cli
