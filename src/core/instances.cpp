#include "core/instances.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/result_store.hpp"

namespace freelunch {

std::vector<CheckResult> run_instances(const std::string& id, std::size_t count,
                                       const std::function<std::vector<CheckResult>(std::size_t)>& f, const ProofOptions& opt) {
  std::unique_ptr<ResultStore> store;
  std::vector<std::optional<std::vector<CheckResult>>> results(count);
  if (!opt.store.empty()) {
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
  for (std::size_t i = 0; i < count; ++i) {
    const bool mine = !opt.sharded() || i % opt.shard_count == opt.shard_index;
    if (!results[i] && mine) todo.push_back(i);
    if (!results[i] && !mine) ++missing;
    if (results[i] && mine) ++reused_in_shard;
  }
  if (todo.size() + missing < count)
    std::fprintf(stderr, "%s: reused %zu of %zu finished instances from %s\n", id.c_str(), count - todo.size() - missing, count, opt.store.c_str());

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
