#pragma once
// Runs the instances of a proof: the ones the results store already holds are reused (and said
// so on stderr), the others run on opt.jobs threads with a progress line and are appended to the
// store as each finishes. The results come back in index order, whatever K and whatever was
// reused, so the outputs are the same bytes in every case.
//
// Sharded (opt.shard_count = k > 1, `--shard i/k`): only the instances with index % k == i run,
// appended to their own file beside the store (STORE.shard-i-of-k, so that machines sharing a
// directory never append to one file); then, while instances of other shards are missing,
// ShardStored is thrown, as the proof cannot be reported from a part of its instances. Every run, sharded or not, reuses the store and every
// shard file found beside it: a run without --shard after the k shards computes nothing and
// writes the outputs of a single-machine run, byte for byte.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/proof.hpp"
#include "core/result.hpp"

namespace freelunch {

// Thrown by run_instances in a sharded run once its shard is stored.
struct ShardStored {
  std::size_t computed = 0;  // instances this run computed
  std::size_t reused = 0;    // instances of this shard already stored
  std::size_t missing = 0;   // instances of other shards not stored yet
  std::size_t count = 0;     // the proof's instances
  std::string file;          // the shard file
};

// STORE.shard-i-of-k.
std::string shard_store_path(const std::string& store, std::size_t index, std::size_t count);

// Instance i yields the results f(i), for i < count.
std::vector<CheckResult> run_instances(const std::string& id, std::size_t count,
                                       const std::function<std::vector<CheckResult>(std::size_t)>& f, const ProofOptions& opt);

// One result per job.
std::vector<CheckResult> run_jobs(const std::string& id, const std::vector<std::function<CheckResult()>>& jobs, const ProofOptions& opt);

}  // namespace freelunch
