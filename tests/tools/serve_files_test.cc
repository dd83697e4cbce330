// The files a server keeps in the store (annals.sock, annals.server) are
// not data: backup, restore, repair and verify treat them as the store's
// own, with the server running and after it was killed.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "annals/client.h"
#include "annals/status.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

class ServeFilesTest : public CliFixture {
 protected:
  bool HasServerFiles(const fs::path& db) {
    return fs::exists(fs::symlink_status(db / "annals.sock")) ||
           fs::exists(db / "annals.server");
  }
};

TEST_F(ServeFilesTest, ServerFilesAreNotDataToBackupRestoreRepairVerify) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  ASSERT_TRUE(HasServerFiles(db_));

  // While it serves: backup and verify work; restore and repair refuse
  // because the store is in use (not because of the server's files).
  Result backup = Run("backup " + Quote((dir_ / "bk").string()));
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  Result verify = Run("verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  Result restore = Run("restore --force " + Quote((dir_ / "bk").string()));
  EXPECT_NE(restore.exit_code, 0) << restore.err;
  EXPECT_NE(restore.err.find("in use"), std::string::npos) << restore.err;
  EXPECT_EQ(restore.err.find("annals.sock"), std::string::npos) << restore.err;
  Result repair = Run("repair");
  EXPECT_EQ(repair.exit_code, 2) << repair.err;
  EXPECT_NE(repair.err.find("in use"), std::string::npos) << repair.err;

  // The backup holds none of them.
  const fs::path copy = dir_ / "copy";
  Result restored = RunOn(copy, "restore " + Quote((dir_ / "bk").string()));
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_FALSE(HasServerFiles(copy));

  // Killed, the server leaves them behind; nothing takes them for data.
  kill(server.child.pid, SIGKILL);
  Wait(server.child);
  ASSERT_TRUE(HasServerFiles(db_));
  verify = Run("verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out.find("annals.s"), std::string::npos) << verify.out;
  repair = Run("repair");
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  backup = Run("backup " + Quote((dir_ / "bk").string()));
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  restore = Run("restore --force " + Quote((dir_ / "bk").string()));
  EXPECT_EQ(restore.exit_code, 0) << restore.err;
  // The restored store replaced the old one, its dead server's files too.
  EXPECT_FALSE(HasServerFiles(db_));
  EXPECT_FALSE(ServerAddress(db_.string()).has_value());
  EXPECT_EQ(Run("stats").exit_code, 0);
}

}  // namespace
}  // namespace annals::test
