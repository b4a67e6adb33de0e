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

namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const std::string& l : lines) out << l << "\n";
}

// A store of 3 instances as a run writes it, its lines in index order.
std::vector<std::string> stored_lines(const std::string& path) {
  std::filesystem::remove(path);
  {
    ResultStore store(path);
    store.append(0, 3, {sample(0)});
    store.append(1, 3, {sample(1), sample(2)});
    store.append(2, 3, {sample(3)});
  }
  return lines_of(path);
}

}  // namespace

// Each edit of a valid-JSON record that the review found reused and published is refused now:
// a flipped verdict, a changed number or label, emptied results, a record moved to another
// index, a duplicate with other contents. Untouched records are still reused.
BOOST_AUTO_TEST_CASE(edited_records_are_recomputed_with_a_warning) {
  const std::string path = temp_path("checked.jsonl");
  const std::vector<std::string> original = stored_lines(path);
  BOOST_TEST_REQUIRE(original.size() == 3u);
  std::vector<std::string> warnings;
  BOOST_TEST(ResultStore(path).load(3, &warnings).size() == 3u);
  BOOST_TEST(warnings.empty());

  auto edited = [&](const std::string& line, const std::string& from, const std::string& to) {
    const std::size_t at = line.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, "'" << from << "' not in " << line);
    std::string out = line;
    out.replace(at, from.size(), to);
    return out;
  };
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"\"holds numerically\"", "\"fails\""},        // a verdict flipped
      {"\"largest\":1", "\"largest\":7"},             // a number changed
      {"\"instance\"", "\"instance \""},              // a label changed (the key stays valid JSON)
  };
  for (const auto& [from, to] : edits) {
    std::vector<std::string> lines = original;
    lines[1] = edited(lines[1], from, to);
    write_lines(path, lines);
    warnings.clear();
    const auto done = ResultStore(path).load(3, &warnings);
    BOOST_TEST(done.size() == 2u, from);
    BOOST_TEST(done.count(1) == 0u, from);
    BOOST_TEST_REQUIRE(warnings.size() == 1u, from);
    BOOST_TEST(warnings[0].find(":2: instance 1 fails its checksum") != std::string::npos, warnings[0]);
  }
  // results emptied (n_results kept, then fixed up too): never trusted
  {
    nlohmann::json j = nlohmann::json::parse(original[1]);
    j["results"] = nlohmann::json::array();
    write_lines(path, {original[0], j.dump(), original[2]});
    BOOST_TEST(ResultStore(path).load(3).count(1) == 0u);
    j["n_results"] = 0;
    write_lines(path, {original[0], j.dump(), original[2]});
    BOOST_TEST(ResultStore(path).load(3).count(1) == 0u);
  }
  // a record moved to another index, and a store renamed: the checksum binds both
  {
    nlohmann::json j = nlohmann::json::parse(original[0]);
    j["index"] = 1;
    write_lines(path, {j.dump(), original[2]});
    BOOST_TEST(ResultStore(path).load(3).count(1) == 0u);
    write_lines(path, original);
    const std::string other = temp_path("other.jsonl");
    std::filesystem::copy_file(path, other, std::filesystem::copy_options::overwrite_existing);
    BOOST_TEST(ResultStore(other).load(3).empty());
  }
  // duplicates: identical ones are harmless, different ones distrust the instance
  {
    write_lines(path, {original[0], original[1], original[1], original[2]});
    warnings.clear();
    BOOST_TEST(ResultStore(path).load(3, &warnings).size() == 3u);
    BOOST_TEST(warnings.empty());
    std::filesystem::remove(path);
    {
      ResultStore store(path);
      store.append(0, 3, {sample(0)});
      store.append(0, 3, {sample(5)});  // valid checksum, other results
    }
    warnings.clear();
    BOOST_TEST(ResultStore(path).load(3, &warnings).empty());
    BOOST_TEST_REQUIRE(warnings.size() == 1u);
    BOOST_TEST(warnings[0].find("stored twice with different results") != std::string::npos);
  }
}
