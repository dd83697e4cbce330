// rpc::Store.subscribe's answers (schema/annals_rpc.capnp).
#include <memory>
#include <tuple>

#include <gtest/gtest.h>

#include "annals/client.h"
#include "annals/declarative.h"
#include "annals/mention.h"
#include "annals/time.h"
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

// Only statements and corrections are in a group: a mention (its
// statement holds the article) and a retraction (its attributes) are not,
// even where their fields would fit the projection's key.
TEST(SubscribeTest, MentionsAndRetractionsAreInNoGroup) {
  TempDir dir;
  auto engine = Engine::Open(dir.path() + "/db", FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  for (const auto& [name, key] : std::vector<std::pair<std::string, std::string>>{
           {"by_outlet", "outlet"}, {"by_desk", "attr.desk"}}) {
    auto def = ParseProjectionDefinition(name, key, {});
    ASSERT_TRUE(def.ok()) << def.status();
    ASSERT_TRUE((*engine)->CreateProjection(*def).ok());
  }
  Statement s;
  s.id = "ev-1";
  s.speaker = "Ada";
  s.verb = "said";
  s.occurred_at = *ParseTime("2024-01-01");
  s.content = "talks began";
  s.source.outlet = "Reuters";
  s.attributes = {{"desk", "Kyiv"}};
  auto appended = (*engine)->Append(s);
  ASSERT_TRUE(appended.ok()) << appended.status();  // 1
  Mention m;
  m.event_id = "ev-1";
  m.source.outlet = "Reuters";
  m.attributes = {{"desk", "Kyiv"}};
  auto mentioned = (*engine)->AppendMentions(std::vector<Mention>{m});
  ASSERT_TRUE(mentioned.ok()) << mentioned.status();  // 2
  auto retracted = (*engine)->Retract(1, "withdrawn", {}, {{"desk", "Kyiv"}});
  ASSERT_TRUE(retracted.ok()) << retracted.status();  // 3
  auto log = (*engine)->Read(1, 10);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->size(), 3u);
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"by_outlet", "reuters"}, {"by_desk", "KYIV"}}) {
    SCOPED_TRACE(name);
    SubscriptionFilter f;
    f.projection = name;
    f.key = {value};
    auto matches = SubscriptionMatcher(**engine, f);
    ASSERT_TRUE(matches.ok()) << matches.status();
    std::vector<uint64_t> passed;
    for (const Event& e : *log)
      if ((*matches)(e)) passed.push_back(e.seq);
    EXPECT_EQ(passed, (std::vector<uint64_t>{1}));
    EXPECT_FALSE(SubscriptionFilterMatches(NormalizedSubscriptionFilter(f), (*log)[0]))
        << "the plain test cannot judge a group: it passes nothing";
  }
}

}  // namespace
}  // namespace annals::test
