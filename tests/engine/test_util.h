// Shared helpers for the engine tests: temporary directories, sample
// statements, and raw access to a closed store's RocksDB.
#ifndef ANNALS_TESTS_ENGINE_TEST_UTIL_H_
#define ANNALS_TESTS_ENGINE_TEST_UTIL_H_

#include <algorithm>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/event.h"
#include "annals/json.h"
#include "annals/options.h"
#include "annals/statement.h"
#include "annals/time.h"
#include "log/keys.h"
#include "log/add_operator.h"
#include "rocksdb/db.h"

namespace annals {

// Readable gtest failure output for engine values.
inline void PrintTo(const Timestamp& t, std::ostream* os) {
  *os << "Timestamp{" << t.micros << ", precision "
      << static_cast<int>(t.precision) << " \"" << FormatTime(t) << "\"}";
}
inline void PrintTo(const Statement& s, std::ostream* os) {
  Event e;
  e.id = s.id;
  e.statement = s;
  *os << EventToJson(e);
}
inline void PrintTo(const Event& e, std::ostream* os) { *os << EventToJson(e); }

namespace test {

// A fresh directory under the gtest temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string base = ::testing::TempDir();
    if (base.empty()) base = "/tmp/";
    if (base.back() != '/') base += '/';
    std::string tmpl = base + "annals_engine_test_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << tmpl;
      return;
    }
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory (not created).
  std::string Sub(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

 private:
  std::string path_;
};

inline std::string Msg(const absl::Status& st) {
  return std::string(st.message());
}

// Parses an ISO time that the test knows to be valid.
inline Timestamp T(std::string_view text) {
  auto t = ParseTime(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return t.ok() ? *t : Timestamp{};
}

// Unsynced appends by default: tests do not need power-loss durability, and
// closing the engine syncs the WAL anyway.
inline Options FastOptions() {
  Options o;
  o.sync_appends = false;
  o.block_cache_bytes = 1 << 20;
  o.write_buffer_bytes = 1 << 20;
  return o;
}

inline AppendOptions Bulk() {
  AppendOptions o;
  o.durability = AppendOptions::Durability::kBulk;
  return o;
}

// Every field set, including non-ASCII text, a code with a leading zero,
// a fractional-second time and attributes not in sorted order.
inline Statement FullStatement() {
  Statement s;
  s.id = "tass-2025-03-31-0001";
  s.speaker = "Maria Zakharova";
  s.targets = {"United Kingdom", "NATO"};
  s.verb = "accused";
  s.code = "0211";
  s.event_type = "ACCUSE";
  s.topics = {"sanctions", "Ukraine", "Балтика"};
  s.content = "Accused London of prolonging the conflict.";
  s.quote = "«Это провокация», — заявила она. 日本語 🙂 café";
  s.occurred_at = T("2025-03-31T14:05:00.123456Z");
  s.source.outlet = "Izvestia";
  s.source.url = "https://iz.ru/1234567/statement?x=1&y=%C3%A9";
  s.source.published_at = T("2025-03-31T15:00:00Z");
  s.source.via = "The Moscow Times";
  s.attributes = {{"GoldsteinScale", "-2.5"},
                  {"AvgTone", "-3.14"},
                  {"Actor1Code", "RUSGOV"},
                  {"Ключ", "значение"}};
  return s;
}

// A small valid statement, distinct for each `n`, with no caller id.
inline Statement SmallStatement(int n) {
  Statement s;
  s.speaker = "Speaker";
  s.targets = {"Target"};
  s.verb = "said";
  s.content = "statement number " + std::to_string(n);
  s.occurred_at = T("2024-06-01");
  return s;
}

inline void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// Opens the RocksDB of a closed store directly, with the store's column
// families, and runs `fn` on it. Used to damage stores on purpose.
struct RawDb {
  rocksdb::DB* db;
  rocksdb::ColumnFamilyHandle* log;
  rocksdb::ColumnFamilyHandle* ids;
  rocksdb::ColumnFamilyHandle* meta;
  rocksdb::ColumnFamilyHandle* proj = nullptr;  // when the store has one
};

inline void WithRawDb(const std::string& path,
                      const std::function<void(const RawDb&)>& fn) {
  rocksdb::DBOptions dbo;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {internal::kLogFamily, rocksdb::ColumnFamilyOptions()},
      {internal::kIdsFamily, rocksdb::ColumnFamilyOptions()},
      {internal::kMetaFamily, rocksdb::ColumnFamilyOptions()},
  };
  // RocksDB requires opening every family the store has (e.g. "proj").
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(dbo, path, &existing).ok())
    for (const auto& name : existing)
      if (std::none_of(families.begin(), families.end(),
                       [&](const auto& f) { return f.name == name; }))
        families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  for (auto& f : families)  // replaying "proj" needs its merge operator
    if (f.name == internal::kProjFamily) f.options.merge_operator = internal::NewAddOperator();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(dbo, path, families, &handles, &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  RawDb raw{db, handles[1], handles[2], handles[3]};
  for (size_t i = 0; i < families.size(); ++i)
    if (families[i].name == internal::kProjFamily) raw.proj = handles[i];
  fn(raw);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  s = db->Close();
  EXPECT_TRUE(s.ok()) << s.ToString();
  delete db;
}

}  // namespace test
}  // namespace annals

#endif  // ANNALS_TESTS_ENGINE_TEST_UTIL_H_
