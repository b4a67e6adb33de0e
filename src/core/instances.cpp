#include "core/instances.hpp"

#include <cstdio>
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
    store = std::make_unique<ResultStore>(opt.store);
    std::vector<std::string> warnings;
    for (auto& [index, rs] : store->load(count, &warnings)) results[index] = std::move(rs);
    for (const std::string& w : warnings) std::fprintf(stderr, "%s: warning: results store %s\n", id.c_str(), w.c_str());
  }
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < count; ++i)
    if (!results[i]) todo.push_back(i);
  if (todo.size() < count)
    std::fprintf(stderr, "%s: reused %zu of %zu finished instances from %s\n", id.c_str(), count - todo.size(), count, opt.store.c_str());

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

  std::vector<CheckResult> out;
  for (auto& rs : results) out.insert(out.end(), std::make_move_iterator(rs->begin()), std::make_move_iterator(rs->end()));
  return out;
}

std::vector<CheckResult> run_jobs(const std::string& id, const std::vector<std::function<CheckResult()>>& jobs, const ProofOptions& opt) {
  return run_instances(id, jobs.size(), [&](std::size_t i) { return std::vector<CheckResult>{jobs[i]()}; }, opt);
}

}  // namespace freelunch
