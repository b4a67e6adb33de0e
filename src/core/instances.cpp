#include "core/instances.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/result_store.hpp"

namespace freelunch {

namespace {

using Slots = std::vector<std::optional<std::vector<CheckResult>>>;

std::string results_text(const std::vector<CheckResult>& rs) {
  nlohmann::json j = nlohmann::json::array();
  for (const CheckResult& r : rs) j.push_back(to_json(r));
  return j.dump();
}

std::vector<CheckResult> results_from_text(const std::string& text) {
  std::vector<CheckResult> rs;
  for (const nlohmann::json& r : nlohmann::json::parse(text)) rs.push_back(check_result_from_json(r));
  return rs;
}

// --mpi: the root hands `todo` out to the workers and stores each result as it arrives, then every
// process receives every instance's results, so that all of them go on with the same report (the
// results travel as the store's JSON, whose round trip is exact: reused and fresh results give
// the same bytes).
void run_distributed(const std::string& id, std::size_t count, const std::function<std::vector<CheckResult>(std::size_t)>& f,
                     const ProofOptions& opt, const std::vector<std::size_t>& todo, ResultStore* store, Slots& results) {
  Distributor& d = *opt.distributor;
  Progress progress(id, todo.size(), opt.progress && d.root());
  std::size_t done = 0;
  d.run(
      todo, [&](std::size_t i) { return results_text(f(i)); },
      [&](std::size_t i, std::string text) {
        if (i >= count) throw std::runtime_error("a worker sent instance " + std::to_string(i) + " of " + std::to_string(count));
        std::vector<CheckResult> rs = results_from_text(text);
        if (store) store->append(i, count, rs);
        results[i] = std::move(rs);
        progress.update(++done);
      });
  progress.finish();
  std::string all;
  if (d.root()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& rs : results) j.push_back(results_text(*rs));
    all = j.dump();
  }
  all = d.broadcast(all);
  if (!d.root()) {
    const nlohmann::json j = nlohmann::json::parse(all);
    if (j.size() != count) throw std::runtime_error("the root sent " + std::to_string(j.size()) + " instances of " + std::to_string(count));
    for (std::size_t i = 0; i < count; ++i) results[i] = results_from_text(j[i].get<std::string>());
  }
}

}  // namespace

std::vector<CheckResult> run_instances(const std::string& id, std::size_t count,
                                       const std::function<std::vector<CheckResult>(std::size_t)>& f, const ProofOptions& opt) {
  std::unique_ptr<ResultStore> store;
  Slots results(count);
  // With --mpi only the root reads and writes the store; a worker may run on a machine that
  // does not see the results directory.
  const bool root = !opt.distributed() || opt.distributor->root();
  if (!opt.store.empty() && root) {
    // The store and every shard file beside it; the first trusted record of an instance wins
    // (records of one instance are equal: the results are deterministic).
    std::vector<std::string> paths{opt.store};
    const std::filesystem::path store_file(opt.store);
    std::error_code ec;
    std::vector<std::string> shards;
    for (const auto& entry : std::filesystem::directory_iterator(store_file.parent_path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(store_file.filename().string() + ".shard-", 0) == 0) shards.push_back(entry.path().string());
    }
    std::sort(shards.begin(), shards.end());
    paths.insert(paths.end(), shards.begin(), shards.end());
    for (const std::string& path : paths) {
      std::vector<std::string> warnings;
      for (auto& [index, rs] : ResultStore(path).load(count, &warnings))
        if (!results[index]) results[index] = std::move(rs);
      for (const std::string& w : warnings) std::fprintf(stderr, "%s: warning: results store %s\n", id.c_str(), w.c_str());
    }
    store = std::make_unique<ResultStore>(opt.sharded() ? shard_store_path(opt.store, opt.shard_index, opt.shard_count) : opt.store);
  }
  std::vector<std::size_t> todo;
  std::size_t missing = 0, reused_in_shard = 0;
  for (std::size_t i = 0; i < count && root; ++i) {
    const bool mine = !opt.sharded() || i % opt.shard_count == opt.shard_index;
    if (!results[i] && mine) todo.push_back(i);
    if (!results[i] && !mine) ++missing;
    if (results[i] && mine) ++reused_in_shard;
  }
  if (todo.size() + missing < count && root)
    std::fprintf(stderr, "%s: reused %zu of %zu finished instances from %s\n", id.c_str(), count - todo.size() - missing, count, opt.store.c_str());

  if (opt.distributed()) {
    // The largest instances first, as parallel_map does on threads.
    std::reverse(todo.begin(), todo.end());
    run_distributed(id, count, f, opt, todo, store.get(), results);
    std::vector<CheckResult> out;
    for (auto& rs : results) out.insert(out.end(), std::make_move_iterator(rs->begin()), std::make_move_iterator(rs->end()));
    return out;
  }

  Progress progress(id, todo.size(), opt.progress);
  const auto fresh = parallel_map<std::vector<CheckResult>>(
      todo.size(), opt.jobs,
      [&](std::size_t k) {
        std::vector<CheckResult> rs = f(todo[k]);
        if (store) store->append(todo[k], count, rs);
        return rs;
      },
      [&](std::size_t done) { progress.update(done); });
  progress.finish();
  for (std::size_t k = 0; k < todo.size(); ++k) results[todo[k]] = fresh[k];
  if (opt.sharded() && missing > 0) throw ShardStored{todo.size(), reused_in_shard, missing, count, store ? store->path() : std::string()};

  std::vector<CheckResult> out;
  for (auto& rs : results) out.insert(out.end(), std::make_move_iterator(rs->begin()), std::make_move_iterator(rs->end()));
  return out;
}

std::string shard_store_path(const std::string& store, std::size_t index, std::size_t count) {
  return store + ".shard-" + std::to_string(index) + "-of-" + std::to_string(count);
}

std::vector<CheckResult> run_jobs(const std::string& id, const std::vector<std::function<CheckResult()>>& jobs, const ProofOptions& opt) {
  return run_instances(id, jobs.size(), [&](std::size_t i) { return std::vector<CheckResult>{jobs[i]()}; }, opt);
}

}  // namespace freelunch
