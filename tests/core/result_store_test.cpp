#define BOOST_TEST_MODULE result_store
#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>

#include "arith/errors.hpp"
#include "core/result_store.hpp"

using namespace freelunch;

namespace {

CheckResult sample(int k) {
  CheckResult r{"check " + std::to_string(k), "instance", "fp16", "per-op, sequential, storage=compute", Verdict::holds_numerically,
                "detail with \"quotes\" and ünïcode", {{"largest", k}, {"ratio", 0.1 * k}}};
  r.magnitude = 1.0 / 3.0 + k;
  return r;
}

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("freelunch_store_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace

// A result survives the JSON round trip exactly (doubles included), so reused results print the
// same bytes.
BOOST_AUTO_TEST_CASE(round_trip_is_exact) {
  for (int k = 0; k < 5; ++k) {
    const CheckResult r = sample(k);
    const CheckResult back = check_result_from_json(nlohmann::json::parse(to_json(r).dump()));
    BOOST_TEST(to_json(back).dump() == to_json(r).dump());
    BOOST_TEST(back.magnitude == r.magnitude);
  }
  BOOST_CHECK_THROW(check_result_from_json(nlohmann::json::object()), UsageError);
}

// Torn and foreign lines are ignored; records of another instance count are not reused.
BOOST_AUTO_TEST_CASE(load_ignores_torn_and_foreign_lines) {
  const std::string path = temp_path("store.jsonl");
  std::filesystem::remove(path);
  {
    ResultStore store(path);
    store.append(0, 4, {sample(0)});
    store.append(2, 4, {sample(2), sample(3)});
    store.append(1, 5, {sample(1)});  // another instance list
  }
  { std::ofstream(path, std::ios::app) << "{\"index\": 3, \"count\": 4, \"results\": [{\"check\""; }
  {
    ResultStore store(path);  // a record appended after a torn line starts on its own line
    store.append(3, 4, {sample(4)});
  }
  const auto done = ResultStore(path).load(4);
  BOOST_TEST(done.size() == 3u);
  BOOST_TEST(done.count(0) == 1u);
  BOOST_TEST(done.at(2).size() == 2u);
  BOOST_TEST(done.at(3).front().check == "check 4");
  BOOST_TEST(done.count(1) == 0u);
  BOOST_TEST(ResultStore(path).load(5).size() == 1u);
  ResultStore(path).remove();
  BOOST_TEST(ResultStore(path).load(4).empty());
}

BOOST_AUTO_TEST_CASE(store_paths_are_stable) {
  BOOST_TEST(stable_hash("") == 14695981039346656037ULL);  // the FNV-1a offset basis
  BOOST_TEST(store_path("out", "t1", "a") == store_path("out", "t1", "a"));
  BOOST_TEST(store_path("out", "t1", "a") != store_path("out", "t1", "b"));
  BOOST_TEST(store_path("out", "t1", "a").rfind("out/.store/t1-", 0) == 0u);
}
