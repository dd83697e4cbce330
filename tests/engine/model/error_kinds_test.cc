// Errors carry their kind (annals/status.h): a store held by another
// process or engine, a missing store, and the bad statement of a batch are
// told apart by IsStoreInUse, IsNoStore and BadStatementIndex, never by
// their messages, which stay as they were for people.
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/backup.h"
#include "annals/engine.h"
#include "annals/status.h"
#include "annals/verify.h"
#include "engine/test_util.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using test::FastOptions;
using test::Msg;
using test::SmallStatement;
using test::TempDir;

TEST(ErrorKindsTest, OkAndOtherErrorsHaveNoKind) {
  for (const absl::Status& st :
       {absl::OkStatus(), absl::NotFoundError("no store at x"),
        absl::FailedPreconditionError("store x is in use by another process"),
        absl::InvalidArgumentError("statements[3]: speaker: empty")}) {
    EXPECT_FALSE(IsStoreInUse(st)) << st;
    EXPECT_FALSE(IsNoStore(st)) << st;
    EXPECT_EQ(BadStatementIndex(st), std::nullopt) << st;
  }
}

TEST(ErrorKindsTest, AStoreHeldByAnotherProcessIsInUse) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  ASSERT_TRUE(Engine::Open(path, FastOptions()).ok());
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = Engine::Open(path, FastOptions());
    char c = held.ok() ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    (void)!read(release[0], &c, 1);
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');

  auto second = Engine::Open(path, FastOptions());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(IsStoreInUse(second.status())) << second.status();
  EXPECT_FALSE(IsNoStore(second.status()));
  EXPECT_THAT(Msg(second.status()), HasSubstr("is in use by another process"));
  // Restoring over it is refused the same way.
  auto backup = BackupStore(path, path + "-backup");  // of a read-only view: fine
  ASSERT_TRUE(backup.ok()) << backup.status();
  RestoreOptions over;
  over.overwrite = true;
  auto refused = RestoreStore(path + "-backup", path, over);
  EXPECT_TRUE(IsStoreInUse(refused.status())) << refused.status().ToString();

  ASSERT_EQ(write(release[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
}

TEST(ErrorKindsTest, AStoreHeldByAnotherEngineOfThisProcessIsInUse) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  auto first = Engine::Open(path, FastOptions());
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Engine::Open(path, FastOptions());
  EXPECT_TRUE(IsStoreInUse(second.status())) << second.status();
  first->reset();
  auto third = Engine::Open(path, FastOptions());
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST(ErrorKindsTest, AMissingStoreIsNoStore) {
  TempDir dir;
  const std::string path = dir.Sub("missing");
  Options o = FastOptions();
  o.create_if_missing = false;
  auto opened = Engine::Open(path, o);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(IsNoStore(opened.status())) << opened.status();
  EXPECT_EQ(Msg(opened.status()), "no store at " + path);
  o.read_only = true;
  EXPECT_TRUE(IsNoStore(Engine::Open(path, o).status()));
  EXPECT_TRUE(IsNoStore(VerifyStore(path).status()));
  EXPECT_TRUE(IsNoStore(BackupStore(path, dir.Sub("backup")).status()));
  EXPECT_FALSE(IsStoreInUse(opened.status()));
}

TEST(ErrorKindsTest, ABadStatementInABatchNamesItsIndex) {
  TempDir dir;
  auto engine = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  std::vector<Statement> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(SmallStatement(i));
  batch[257].speaker.clear();
  batch[257].targets.clear();
  auto r = (*engine)->Append(batch);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BadStatementIndex(r.status()), 257u) << r.status();
  EXPECT_THAT(Msg(r.status()), StartsWith("statements[257]: speaker: "));

  // One statement: index 0, and the message without a prefix.
  auto one = (*engine)->Append(batch[257]);
  EXPECT_EQ(BadStatementIndex(one.status()), 0u) << one.status();
  EXPECT_THAT(Msg(one.status()), StartsWith("speaker: "));
  EXPECT_EQ((*engine)->Head(), 0u);
}

}  // namespace
}  // namespace annals
