// Issue 21: `annals network` through the real CLI: GraphML, GEXF and CSV of
// a small log with a correction, a retraction and an alias, --actor with
// --depth, --where/--where-not, --as-of and --from/--to, names that need
// escaping, bad usage (exit 1) and a full output (exit 2). networkx reading
// the GraphML is tests/python/test_network.py.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::Result;

class CliNetworkTest : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    const std::string jsonl =
        "{\"speaker\":\"USA\",\"targets\":[\"Iran\",\"Iraq\"],\"verb\":\"said\",\"content\":\"a\","
        "\"code\":\"112\",\"occurred_at\":\"2025-03-01\"}\n"
        "{\"speaker\":\"United States\",\"targets\":[\"iran\"],\"verb\":\"said\",\"content\":\"b\","
        "\"code\":\"057\",\"occurred_at\":\"2025-04-01\"}\n"
        "{\"speaker\":\"Iran\",\"targets\":[\"A&B <\\\"Co\\\">\"],\"verb\":\"said\",\"content\":\"c\","
        "\"code\":\"190\",\"occurred_at\":\"2025-05-01\"}\n"
        "{\"speaker\":\"Iraq\",\"targets\":[\"Syria\"],\"verb\":\"said\",\"content\":\"d\","
        "\"code\":\"010\",\"occurred_at\":\"2025-05-02\"}\n";
    Result r = Run("import -", jsonl);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Run("alias USA 'United States'").exit_code, 0);                           // 5
    ASSERT_EQ(Run("correct 4 --speaker Syria --target Iraq --reason swap").exit_code, 0);  // 6
    ASSERT_EQ(Run("retract 3 --reason test").exit_code, 0);                             // 7
  }
  std::string Ok(const std::string& args) {
    Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    return r.out;
  }
};

TEST_F(CliNetworkTest, CsvCountsAliasesCorrectionsAndRetractions) {
  const std::string header = "source,target,count,quad1,quad2,quad3,quad4,goldstein_mean\r\n";
  // 112 is quad 3 (Goldstein -2), 057 quad 1 (8), 010 quad 1 (0).
  EXPECT_EQ(Ok("network --format csv"),
            header + "Syria,Iraq,1,1,0,0,0,0\r\n"
                     "United States,Iran,2,1,0,1,0,3\r\n"
                     "United States,Iraq,1,0,0,1,0,-2\r\n");
  // As of the import: no alias, no correction, no retraction.
  EXPECT_EQ(Ok("network --format csv --as-of 4"),
            header + "Iran,\"A&B <\"\"Co\"\">\",1,0,0,0,1,-10\r\n"
                     "Iraq,Syria,1,1,0,0,0,0\r\n"
                     "United States,Iran,1,1,0,0,0,8\r\n"
                     "USA,Iran,1,0,0,1,0,-2\r\n"
                     "USA,Iraq,1,0,0,1,0,-2\r\n");
  // Labels are the forms the network's own statements wrote: only "iran" here.
  EXPECT_EQ(Ok("network --format csv --from 2025-04 --to 2025-04"),
            header + "United States,iran,1,1,0,0,0,8\r\n");
  EXPECT_EQ(Ok("network --format csv --where code=11"),
            header + "United States,Iran,1,0,0,1,0,-2\r\n"
                     "United States,Iraq,1,0,0,1,0,-2\r\n");
  EXPECT_EQ(Ok("network --format csv --where-not quad=3"),
            header + "Syria,Iraq,1,1,0,0,0,0\r\n"
                     "United States,iran,1,1,0,0,0,8\r\n");
  EXPECT_EQ(Ok("network --format csv --actor syria"), header + "Syria,Iraq,1,1,0,0,0,0\r\n");
  EXPECT_EQ(Ok("network --format csv --actor syria --depth 2"),
            header + "Syria,Iraq,1,1,0,0,0,0\r\n"
                     "United States,Iraq,1,0,0,1,0,-2\r\n");
  EXPECT_EQ(Ok("network --format csv --actor USA"),
            header + "United States,Iran,2,1,0,1,0,3\r\n"
                     "United States,Iraq,1,0,0,1,0,-2\r\n");
}

TEST_F(CliNetworkTest, GraphmlAndGexfEscapeNames) {
  const std::string graphml = Ok("network --as-of 4");
  EXPECT_THAT(graphml, HasSubstr("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\""));
  EXPECT_THAT(graphml, HasSubstr("edgedefault=\"directed\""));
  EXPECT_THAT(graphml, HasSubstr("<node id=\"a&amp;b &lt;&quot;co&quot;&gt;\"><data key=\"label\">"
                                 "A&amp;B &lt;&quot;Co&quot;&gt;</data></node>"));
  EXPECT_THAT(graphml, HasSubstr("source=\"usa\" target=\"iran\"><data key=\"weight\">1</data>"));
  EXPECT_THAT(graphml, Not(HasSubstr("A&B")));
  const std::string gexf = Ok("network --format gexf");
  EXPECT_THAT(gexf, HasSubstr("<gexf xmlns=\"http://gexf.net/1.3\""));
  EXPECT_THAT(gexf, HasSubstr("version=\"1.3\""));
  EXPECT_THAT(gexf, HasSubstr("<node id=\"united states\" label=\"United States\"/>"));
  EXPECT_THAT(gexf, HasSubstr("source=\"united states\" target=\"iran\" weight=\"2\""));
  EXPECT_THAT(Ok("network --help"), HasSubstr("--depth"));
  // What XML 1.0 does not allow (a control character, U+FFFF) as U+FFFD.
  Result r = Run("import -",
                 "{\"speaker\":\"Bad\\u0001Name\",\"targets\":[\"X\\uffffY\"],\"verb\":\"said\","
                 "\"content\":\"e\",\"occurred_at\":\"2025\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string odd = Ok("network --actor 'Bad\x01Name'");
  EXPECT_THAT(odd, HasSubstr("<node id=\"bad\xEF\xBF\xBDname\"><data key=\"label\">"
                             "Bad\xEF\xBF\xBDName</data></node>"));
  EXPECT_THAT(odd, HasSubstr("<node id=\"x\xEF\xBF\xBDy\">"));
  EXPECT_THAT(odd, Not(HasSubstr("\x01")));
}

TEST_F(CliNetworkTest, BadUsageAndAFullOutput) {
  for (const char* bad : {"network --format dot", "network --depth 2", "network --actor X --depth 3",
                          "network --where nosuch=1", "network --where 'quad=2' --where-not quad=2",
                          "network --from 2025 --to 2024", "network --as-of 99", "network extra"}) {
    Result r = Run(bad);
    EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.err;
  }
  EXPECT_EQ(Run("network", "", "/dev/full").exit_code, 2);
}

}  // namespace
}  // namespace annals
