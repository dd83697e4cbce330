// rpc::Store.subscribe's answers (schema/annals_rpc.capnp).
#include <memory>
#include <tuple>

#include <gtest/gtest.h>

#include "engine/serve/harness.h"
#include "serve/client_subscription.h"

namespace annals::test {
namespace {

capnp::Response<rpc::Store::SubscribeResults> Subscribe(
    InProcessServer& server, rpc::Store::Client& store, const std::string& projection,
    const std::vector<std::string>& key) {
  auto req = store.subscribeRequest();
  req.setFromSeq(1);
  auto f = req.initFilter();
  f.setProjection(projection);
  auto k = f.initKey(key.size());
  for (size_t i = 0; i < key.size(); ++i) k.set(i, key[i]);
  req.setSink(internal::NewEventSink(std::make_shared<internal::SubscriptionState>(),
                                     [](const Event&) {}));
  return req.send().wait(server.loop());
}

// A projection group the server cannot resolve is refused, not ignored
// (which would deliver every event as if it matched).
TEST(SubscribeTest, AGroupThatDoesNotFitItsProjectionIsRefused) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  rpc::Store::Client& store = server.Connect();
  for (auto [projection, key, code] :
       std::vector<std::tuple<std::string, std::vector<std::string>, absl::StatusCode>>{
           {"actors", {}, absl::StatusCode::kInvalidArgument},
           {"actors", {"lavrov", "blinken"}, absl::StatusCode::kInvalidArgument},
           {"", {"lavrov"}, absl::StatusCode::kInvalidArgument},
           {"by_country", {"RU", "US"}, absl::StatusCode::kNotFound}}) {
    SCOPED_TRACE(projection);
    auto r = Subscribe(server, store, projection, key);
    EXPECT_EQ(r.getStatus().getCode(), static_cast<uint8_t>(code))
        << r.getStatus().getMessage().cStr();
  }
  auto group = Subscribe(server, store, "actors", {"Lavrov"});
  EXPECT_EQ(group.getStatus().getCode(), 0) << group.getStatus().getMessage().cStr();
  auto ok = Subscribe(server, store, "", {});
  EXPECT_EQ(ok.getStatus().getCode(), 0) << ok.getStatus().getMessage().cStr();
}

}  // namespace
}  // namespace annals::test
