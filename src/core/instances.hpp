#pragma once
// Runs the instances of a proof: the ones the results store already holds are reused (and said
// so on stderr), the others run on opt.jobs threads with a progress line and are appended to the
// store as each finishes. The results come back in index order, whatever K and whatever was
// reused, so the outputs are the same bytes in every case.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/proof.hpp"
#include "core/result.hpp"

namespace freelunch {

// Instance i yields the results f(i), for i < count.
std::vector<CheckResult> run_instances(const std::string& id, std::size_t count,
                                       const std::function<std::vector<CheckResult>(std::size_t)>& f, const ProofOptions& opt);

// One result per job.
std::vector<CheckResult> run_jobs(const std::string& id, const std::vector<std::function<CheckResult()>>& jobs, const ProofOptions& opt);

}  // namespace freelunch
